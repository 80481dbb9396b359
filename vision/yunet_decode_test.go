package vision

import (
	"math"
	"testing"

	"github.com/neckwatch/neckwatch/landmark"
)

// yunetHeads returns empty (all-zero) heads for an inW x inH input.
func yunetHeads(inW, inH int) []YuNetHead {
	heads := make([]YuNetHead, 0, len(yunetStrides))
	for _, s := range yunetStrides {
		n := (inW / s) * (inH / s)
		heads = append(heads, YuNetHead{
			Stride: s,
			Cls:    make([]float32, n),
			Obj:    make([]float32, n),
			BBox:   make([]float32, 4*n),
			Kps:    make([]float32, 10*n),
		})
	}
	return heads
}

// yunetAnchor describes one anchor's raw network output.
type yunetAnchor struct {
	head     int // index into yunetStrides
	row, col int
	cls, obj float32
	bbox     [4]float32  // dx, dy, log w, log h
	kps      [10]float32 // x, y per landmark, in stride units relative to the cell
}

func (a yunetAnchor) put(heads []YuNetHead, inW int) {
	h := &heads[a.head]
	i := a.row*(inW/h.Stride) + a.col
	h.Cls[i], h.Obj[i] = a.cls, a.obj
	copy(h.BBox[4*i:], a.bbox[:])
	copy(h.Kps[10*i:], a.kps[:])
}

// want computes the face the documented decode formula gives for a.
func (a yunetAnchor) want(scale float64) landmark.Face {
	s := float64(yunetStrides[a.head])
	col, row := float64(a.col), float64(a.row)
	cx := (col + float64(a.bbox[0])) * s * scale
	cy := (row + float64(a.bbox[1])) * s * scale
	w := math.Exp(float64(a.bbox[2])) * s * scale
	h := math.Exp(float64(a.bbox[3])) * s * scale
	var lm [5]landmark.Point
	for j := range lm {
		lm[j] = landmark.Point{
			X: (float64(a.kps[2*j]) + col) * s * scale,
			Y: (float64(a.kps[2*j+1]) + row) * s * scale,
		}
	}
	return landmark.Face{
		Box:      landmark.Rect{X: cx - w/2, Y: cy - h/2, W: w, H: h},
		Score:    math.Sqrt(float64(a.cls) * float64(a.obj)),
		RightEye: lm[0], LeftEye: lm[1], Nose: lm[2], RightMouth: lm[3], LeftMouth: lm[4],
	}
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func pointNear(a, b landmark.Point, tol float64) bool {
	return near(a.X, b.X, tol) && near(a.Y, b.Y, tol)
}

func faceNear(got, want landmark.Face, tol float64) bool {
	return near(got.Box.X, want.Box.X, tol) && near(got.Box.Y, want.Box.Y, tol) &&
		near(got.Box.W, want.Box.W, tol) && near(got.Box.H, want.Box.H, tol) &&
		near(got.Score, want.Score, 1e-9) &&
		pointNear(got.RightEye, want.RightEye, tol) && pointNear(got.LeftEye, want.LeftEye, tol) &&
		pointNear(got.Nose, want.Nose, tol) && pointNear(got.RightMouth, want.RightMouth, tol) &&
		pointNear(got.LeftMouth, want.LeftMouth, tol)
}

var testKps = [10]float32{-0.5, -0.25, 0.5, -0.25, 0, 0.25, -0.375, 0.75, 0.375, 0.75}

func TestDecodeYuNetSingleAnchor(t *testing.T) {
	const inW, inH, scale = 64, 64, 2.0
	if got := yunetHeads(inW, inH); len(got[0].Cls) != 64 || len(got[1].Cls) != 16 || len(got[2].Cls) != 4 {
		t.Fatalf("anchors per head = %d/%d/%d, want 64/16/4", len(got[0].Cls), len(got[1].Cls), len(got[2].Cls))
	}
	tests := []struct {
		name   string
		anchor yunetAnchor
		// Hand-computed frame coordinates (scale 2) as a cross-check of the formula.
		centre landmark.Point
		w, h   float64
		eye    landmark.Point // right eye
	}{
		{
			name:   "stride 8 row 3 col 5",
			anchor: yunetAnchor{head: 0, row: 3, col: 5, cls: 0.9, obj: 0.9, bbox: [4]float32{0.25, -0.5, float32(math.Log(2)), 0}, kps: testKps},
			centre: landmark.Point{X: (5 + 0.25) * 8 * 2, Y: (3 - 0.5) * 8 * 2}, // (84, 40)
			w:      2 * 8 * 2, h: 1 * 8 * 2,
			eye: landmark.Point{X: (5 - 0.5) * 8 * 2, Y: (3 - 0.25) * 8 * 2},
		},
		{
			name:   "stride 16 row 2 col 1",
			anchor: yunetAnchor{head: 1, row: 2, col: 1, cls: 0.9, obj: 0.9, bbox: [4]float32{0.5, 0.5, 0, float32(math.Log(1.5))}, kps: testKps},
			centre: landmark.Point{X: 1.5 * 16 * 2, Y: 2.5 * 16 * 2},
			w:      16 * 2, h: 1.5 * 16 * 2,
			eye: landmark.Point{X: 0.5 * 16 * 2, Y: 1.75 * 16 * 2},
		},
		{
			name:   "stride 32 row 1 col 1",
			anchor: yunetAnchor{head: 2, row: 1, col: 1, cls: 0.9, obj: 0.9, bbox: [4]float32{-0.25, 0, float32(math.Log(0.5)), float32(math.Log(0.75))}, kps: testKps},
			centre: landmark.Point{X: 0.75 * 32 * 2, Y: 1 * 32 * 2},
			w:      0.5 * 32 * 2, h: 0.75 * 32 * 2,
			eye: landmark.Point{X: 0.5 * 32 * 2, Y: 0.75 * 32 * 2},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			heads := yunetHeads(inW, inH)
			tc.anchor.put(heads, inW)
			faces := DecodeYuNet(heads, YuNetDecodeParams{InputW: inW, InputH: inH, Scale: scale, ScoreThreshold: 0.6, NMSThreshold: 0.3})
			if len(faces) != 1 {
				t.Fatalf("got %d faces, want 1: %+v", len(faces), faces)
			}
			f := faces[0]
			if want := tc.anchor.want(scale); !faceNear(f, want, 1e-4) {
				t.Errorf("face = %+v\nwant   %+v", f, want)
			}
			if !pointNear(f.Box.Center(), tc.centre, 1e-4) || !near(f.Box.W, tc.w, 1e-4) || !near(f.Box.H, tc.h, 1e-4) {
				t.Errorf("box centre %v size %vx%v, want centre %v size %vx%v", f.Box.Center(), f.Box.W, f.Box.H, tc.centre, tc.w, tc.h)
			}
			if !pointNear(f.RightEye, tc.eye, 1e-4) {
				t.Errorf("right eye = %v, want %v", f.RightEye, tc.eye)
			}
			if !near(f.Score, 0.9, 1e-6) {
				t.Errorf("score = %v, want sqrt(0.9*0.9) = 0.9", f.Score)
			}
		})
	}
}

func TestDecodeYuNetScoreThreshold(t *testing.T) {
	const inW, inH = 64, 64
	tests := []struct {
		name      string
		cls, obj  float32
		threshold float64
		wantScore float64 // 0 = dropped
	}{
		{"geometric mean kept", 0.64, 1, 0.6, 0.8},
		{"below threshold dropped", 0.5, 0.5, 0.6, 0},
		{"cls high but obj low dropped", 1, 0.3, 0.6, 0},
		{"exactly at threshold kept", 0.25, 1, 0.5, 0.5},
		{"out-of-range scores clamped", 1.5, 1.2, 0.6, 1},
		{"negative score clamped to zero", -0.5, 1, 0.1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			heads := yunetHeads(inW, inH)
			yunetAnchor{head: 1, row: 1, col: 2, cls: tc.cls, obj: tc.obj}.put(heads, inW)
			faces := DecodeYuNet(heads, YuNetDecodeParams{InputW: inW, InputH: inH, Scale: 1, ScoreThreshold: tc.threshold, NMSThreshold: 0.3})
			if tc.wantScore == 0 {
				if len(faces) != 0 {
					t.Fatalf("got %+v, want no faces", faces)
				}
				return
			}
			if len(faces) != 1 || !near(faces[0].Score, tc.wantScore, 1e-6) {
				t.Fatalf("got %+v, want one face scoring %v", faces, tc.wantScore)
			}
		})
	}
}

func TestDecodeYuNetSortsSuppressesAndLimits(t *testing.T) {
	const inW, inH = 64, 64
	// Zero offsets give stride-8 anchors 8x8 boxes centred on their cell
	// corner: a, b and c are disjoint.
	a := yunetAnchor{head: 0, row: 0, col: 0, cls: 0.7, obj: 0.7}
	b := yunetAnchor{head: 0, row: 2, col: 2, cls: 0.95, obj: 0.95} // box (12,12) 8x8
	c := yunetAnchor{head: 0, row: 5, col: 5, cls: 0.8, obj: 0.8}
	// d, in the stride-16 head at cell (1,1) with half-size boxes, decodes to
	// the same 8x8 box centred at (16,16) as b, with a lower score.
	d := yunetAnchor{head: 1, row: 1, col: 1, cls: 0.85, obj: 0.85, bbox: [4]float32{0, 0, float32(math.Log(0.5)), float32(math.Log(0.5))}}
	tests := []struct {
		name   string
		topK   int
		anchor []yunetAnchor
		want   []float64 // scores, in order
	}{
		{"sorted by score", 0, []yunetAnchor{a, b, c}, []float64{0.95, 0.8, 0.7}},
		{"overlap suppressed", 0, []yunetAnchor{a, b, c, d}, []float64{0.95, 0.8, 0.7}},
		{"topK 2", 2, []yunetAnchor{a, b, c, d}, []float64{0.95, 0.8}},
		{"topK 1", 1, []yunetAnchor{a, c}, []float64{0.8}},
		{"topK larger than survivors", 10, []yunetAnchor{a, d}, []float64{0.85, 0.7}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			heads := yunetHeads(inW, inH)
			for _, an := range tc.anchor {
				an.put(heads, inW)
			}
			faces := DecodeYuNet(heads, YuNetDecodeParams{InputW: inW, InputH: inH, Scale: 1, ScoreThreshold: 0.6, NMSThreshold: 0.3, TopK: tc.topK})
			if len(faces) != len(tc.want) {
				t.Fatalf("got %d faces %+v, want scores %v", len(faces), faces, tc.want)
			}
			for i, f := range faces {
				if !near(f.Score, tc.want[i], 1e-6) {
					t.Errorf("face %d score %v, want %v", i, f.Score, tc.want[i])
				}
			}
		})
	}
}

func TestDecodeYuNetMalformedHeads(t *testing.T) {
	const inW, inH = 64, 64
	good := yunetAnchor{head: 2, row: 1, col: 0, cls: 0.9, obj: 0.9}
	tests := []struct {
		name      string
		breakHead func(h *YuNetHead)
	}{
		{"short cls", func(h *YuNetHead) { h.Cls = h.Cls[:len(h.Cls)-1] }},
		{"short obj", func(h *YuNetHead) { h.Obj = nil }},
		{"short bbox", func(h *YuNetHead) { h.BBox = h.BBox[:4*len(h.Cls)-1] }},
		{"short kps", func(h *YuNetHead) { h.Kps = h.Kps[:10] }},
		{"zero stride", func(h *YuNetHead) { h.Stride = 0 }},
		{"negative stride", func(h *YuNetHead) { h.Stride = -8 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			heads := yunetHeads(inW, inH)
			// A confident anchor in the head that gets broken: it must not
			// be decoded (nor read out of range).
			yunetAnchor{head: 0, row: 7, col: 7, cls: 0.99, obj: 0.99}.put(heads, inW)
			good.put(heads, inW)
			tc.breakHead(&heads[0])
			faces := DecodeYuNet(heads, YuNetDecodeParams{InputW: inW, InputH: inH, Scale: 1, ScoreThreshold: 0.6, NMSThreshold: 0.3})
			if len(faces) != 1 || !faceNear(faces[0], good.want(1), 1e-4) {
				t.Fatalf("got %+v, want only the intact head's face %+v", faces, good.want(1))
			}
		})
	}
	if faces := DecodeYuNet(nil, YuNetDecodeParams{InputW: inW, InputH: inH, Scale: 1}); len(faces) != 0 {
		t.Errorf("no heads: got %+v", faces)
	}
}

func TestNMS(t *testing.T) {
	mk := func(x, y, w, h, score float64) landmark.Face {
		return landmark.Face{Box: landmark.Rect{X: x, Y: y, W: w, H: h}, Score: score}
	}
	tests := []struct {
		name   string
		faces  []landmark.Face
		iou    float64
		topK   int
		scores []float64
	}{
		{"overlapping: higher score kept", []landmark.Face{mk(0, 0, 10, 10, 0.7), mk(1, 1, 10, 10, 0.9)}, 0.3, 0, []float64{0.9}},
		{"disjoint: both kept, sorted", []landmark.Face{mk(0, 0, 10, 10, 0.7), mk(50, 50, 10, 10, 0.9)}, 0.3, 0, []float64{0.9, 0.7}},
		{"overlap below threshold kept", []landmark.Face{mk(0, 0, 10, 10, 0.7), mk(5, 0, 10, 10, 0.9)}, 0.4, 0, []float64{0.9, 0.7}}, // IoU 1/3
		{"overlap above threshold dropped", []landmark.Face{mk(0, 0, 10, 10, 0.7), mk(5, 0, 10, 10, 0.9)}, 0.3, 0, []float64{0.9}},   // IoU 1/3
		{"suppressed box does not suppress others", []landmark.Face{mk(0, 0, 10, 10, 0.9), mk(6, 0, 10, 10, 0.8), mk(12, 0, 10, 10, 0.7)}, 0.2, 0, []float64{0.9, 0.7}},
		{"topK", []landmark.Face{mk(0, 0, 10, 10, 0.5), mk(20, 0, 10, 10, 0.6), mk(40, 0, 10, 10, 0.7), mk(60, 0, 10, 10, 0.8)}, 0.3, 2, []float64{0.8, 0.7}},
		{"topK counts survivors only", []landmark.Face{mk(0, 0, 10, 10, 0.9), mk(0, 0, 10, 10, 0.8), mk(40, 0, 10, 10, 0.7)}, 0.3, 2, []float64{0.9, 0.7}},
		{"empty", nil, 0.3, 5, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := NMS(tc.faces, tc.iou, tc.topK)
			if len(got) != len(tc.scores) {
				t.Fatalf("NMS kept %+v, want scores %v", got, tc.scores)
			}
			for i := range got {
				if got[i].Score != tc.scores[i] {
					t.Errorf("kept[%d].Score = %v, want %v", i, got[i].Score, tc.scores[i])
				}
			}
		})
	}
}

func TestYuNetInputSize(t *testing.T) {
	tests := []struct {
		name         string
		fw, fh, long int
		wantW, wantH int
		wantScale    float64
	}{
		{"landscape 640x480", 640, 480, 320, 320, 256, 2},
		{"portrait 720x1280", 720, 1280, 320, 192, 320, 4},
		{"1280x720", 1280, 720, 320, 320, 192, 4},
		{"already small", 320, 240, 320, 320, 256, 1},
		{"upscaled", 160, 120, 320, 320, 256, 0.5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, h, s := YuNetInputSize(tc.fw, tc.fh, tc.long)
			if w != tc.wantW || h != tc.wantH || !near(s, tc.wantScale, 1e-12) {
				t.Errorf("YuNetInputSize(%d, %d, %d) = %d, %d, %v; want %d, %d, %v", tc.fw, tc.fh, tc.long, w, h, s, tc.wantW, tc.wantH, tc.wantScale)
			}
			if w%32 != 0 || h%32 != 0 {
				t.Errorf("sides %dx%d not multiples of 32", w, h)
			}
			// The scaled frame must fit in the (padded) input.
			if float64(tc.fw)/s > float64(w)+0.5 || float64(tc.fh)/s > float64(h)+0.5 {
				t.Errorf("frame %dx%d / %v does not fit %dx%d", tc.fw, tc.fh, s, w, h)
			}
			if (tc.fh > tc.fw) != (h > w) {
				t.Errorf("orientation lost: frame %dx%d, input %dx%d", tc.fw, tc.fh, w, h)
			}
		})
	}
}
