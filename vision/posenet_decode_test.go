package vision

import (
	"testing"

	"github.com/neckwatch/neckwatch/landmark"
)

// poseNetFixture builds PoseNet outputs for an inW x inH input (sides 16k+1)
// where keypoint k peaks at cell k mod cells with score 0.5+0.02k and has
// offsets dy = 0.5k-3, dx = 2-0.25k there.
func poseNetFixture(hh, wh int) PoseNetOutput {
	cells := hh * wh
	n := int(landmark.NumBodyParts)
	o := PoseNetOutput{Heatmap: make([]float32, n*cells), Offsets: make([]float32, 2*n*cells), Hh: hh, Wh: wh}
	for k := 0; k < n; k++ {
		for i := 0; i < cells; i++ {
			o.Heatmap[k*cells+i] = 0.1
			// Offsets elsewhere must be ignored.
			o.Offsets[k*cells+i] = 99
			o.Offsets[(n+k)*cells+i] = -99
		}
		best := k % cells
		o.Heatmap[k*cells+best] = float32(0.5 + 0.02*float64(k))
		o.Offsets[k*cells+best] = float32(0.5*float64(k) - 3)
		o.Offsets[(n+k)*cells+best] = float32(2 - 0.25*float64(k))
	}
	return o
}

func TestDecodePoseNet(t *testing.T) {
	tests := []struct {
		name           string
		hh, wh         int
		inW, inH       int
		frameW, frameH int
	}{
		{"4x3 cells to 640x480", 3, 4, 49, 33, 640, 480},
		{"portrait 3x5 cells to 480x640", 5, 3, 33, 65, 480, 640},
		{"usual 321x241 to 1280x720", 16, 21, 321, 241, 1280, 720},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := poseNetFixture(tc.hh, tc.wh)
			body := DecodePoseNet(o, tc.inW, tc.inH, tc.frameW, tc.frameH)
			sx := float64(tc.frameW) / float64(tc.inW-1)
			sy := float64(tc.frameH) / float64(tc.inH-1)
			cells := tc.hh * tc.wh
			for k := landmark.BodyPart(0); k < landmark.NumBodyParts; k++ {
				cell := int(k) % cells
				y, x := cell/tc.wh, cell%tc.wh
				dy := float64(float32(0.5*float64(k) - 3))
				dx := float64(float32(2 - 0.25*float64(k)))
				wantX := (float64(x*16) + dx) * sx
				wantY := (float64(y*16) + dy) * sy
				wantS := float64(float32(0.5 + 0.02*float64(k)))
				got := body.Part(k)
				if !near(got.X, wantX, 1e-9) || !near(got.Y, wantY, 1e-9) || got.Score != wantS {
					t.Errorf("%v = (%.4f, %.4f) score %v; want (%.4f, %.4f) score %v", k, got.X, got.Y, got.Score, wantX, wantY, wantS)
				}
			}
		})
	}
}

func TestDecodePoseNetHandComputed(t *testing.T) {
	// One hand-checked keypoint: nose at cell (row 1, col 2) of a 4x3 map,
	// offsets dy=4, dx=-2, input 49x33 (48x32 spacing), frame 480x320:
	// x = (2*16-2)*480/48 = 300, y = (1*16+4)*320/32 = 200.
	o := poseNetFixture(3, 4)
	cells := 12
	for i := 0; i < cells; i++ {
		o.Heatmap[i] = 0
	}
	o.Heatmap[1*4+2] = 0.75
	o.Offsets[1*4+2] = 4
	o.Offsets[int(landmark.NumBodyParts)*cells+1*4+2] = -2
	body := DecodePoseNet(o, 49, 33, 480, 320)
	nose := body.Part(landmark.Nose)
	if nose.X != 300 || nose.Y != 200 || nose.Score != 0.75 {
		t.Errorf("nose = %+v, want (300, 200) score 0.75", nose)
	}
}

func TestDecodePoseNetMalformed(t *testing.T) {
	good := poseNetFixture(3, 4)
	tests := []struct {
		name string
		o    PoseNetOutput
	}{
		{"zero cells", PoseNetOutput{Heatmap: good.Heatmap, Offsets: good.Offsets}},
		{"nil slices", PoseNetOutput{Hh: 3, Wh: 4}},
		{"short heatmap", PoseNetOutput{Heatmap: good.Heatmap[:len(good.Heatmap)-1], Offsets: good.Offsets, Hh: 3, Wh: 4}},
		{"short offsets", PoseNetOutput{Heatmap: good.Heatmap, Offsets: good.Offsets[:len(good.Heatmap)], Hh: 3, Wh: 4}},
		{"dimensions larger than the data", PoseNetOutput{Heatmap: good.Heatmap, Offsets: good.Offsets, Hh: 4, Wh: 4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := DecodePoseNet(tc.o, 49, 33, 640, 480); got != (landmark.Body{}) {
				t.Errorf("got %+v, want zero Body", got)
			}
		})
	}
}

func TestPoseNetInputSize(t *testing.T) {
	tests := []struct {
		name         string
		fw, fh       int
		bw, bh       int
		wantW, wantH int
	}{
		{"4:3 at budget", 640, 480, 321, 241, 321, 241},
		{"4:3 portrait", 480, 640, 321, 241, 241, 321},
		{"16:9", 1280, 720, 321, 241, 369, 209},
		{"9:16 portrait", 720, 1280, 321, 241, 209, 369},
		{"square", 500, 500, 321, 241, 273, 273},
		{"zero frame gives budget", 0, 0, 321, 241, 321, 241},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, h := PoseNetInputSize(tc.fw, tc.fh, tc.bw, tc.bh)
			if w != tc.wantW || h != tc.wantH {
				t.Errorf("PoseNetInputSize(%d, %d, %d, %d) = %dx%d, want %dx%d", tc.fw, tc.fh, tc.bw, tc.bh, w, h, tc.wantW, tc.wantH)
			}
			if (w-1)%16 != 0 || (h-1)%16 != 0 {
				t.Errorf("%dx%d: sides are not 16k+1", w, h)
			}
			if tc.fw > 0 && (tc.fh > tc.fw) != (h > w) {
				t.Errorf("orientation lost: frame %dx%d, input %dx%d", tc.fw, tc.fh, w, h)
			}
		})
	}
}

// Two people: the user, whose nose is the most confident, on the left,
// and someone behind on the right whose shoulders score higher than the
// user's. The per-part argmax would give the user the other person's
// shoulders; the displacement fields keep every part on the user.
func TestDecodePoseNetKeepsOnePerson(t *testing.T) {
	const hh, wh = 10, 12
	cells := hh * wh
	n := int(landmark.NumBodyParts)
	nE := len(poseChain)
	o := PoseNetOutput{
		Heatmap: make([]float32, n*cells), Offsets: make([]float32, 2*n*cells),
		DispFwd: make([]float32, 2*nE*cells), DispBwd: make([]float32, 2*nE*cells),
		Hh: hh, Wh: wh,
	}
	idx := func(y, x int) int { return y*wh + x }
	type person struct {
		cell  map[landmark.BodyPart][2]int // part -> (row, col)
		score float32
	}
	user := person{cell: map[landmark.BodyPart][2]int{}, score: 0.6}
	other := person{cell: map[landmark.BodyPart][2]int{}, score: 0.8}
	for k := landmark.BodyPart(0); k < landmark.NumBodyParts; k++ {
		// Heads in row 2, shoulders and below lower down; the user at
		// columns 1-4, the other person at columns 7-10.
		row := 2 + int(k)/3
		user.cell[k] = [2]int{min(row, hh-1), 1 + int(k)%4}
		other.cell[k] = [2]int{min(row, hh-1), 7 + int(k)%4}
	}
	for _, p := range []person{user, other} {
		for k, c := range p.cell {
			s := p.score
			if k == landmark.Nose && p.score == other.score {
				s = 0.5 // the user's nose is the most confident
			}
			o.Heatmap[int(k)*cells+idx(c[0], c[1])] = s
		}
		// Each edge's displacement, at the source's cell, points at the
		// target's cell (in input pixels).
		for e, edge := range poseChain {
			from, to := p.cell[edge[0]], p.cell[edge[1]]
			i := idx(from[0], from[1])
			o.DispFwd[e*cells+i] = float32((to[0] - from[0]) * PoseNetOutputStride)
			o.DispFwd[(nE+e)*cells+i] = float32((to[1] - from[1]) * PoseNetOutputStride)
			j := idx(to[0], to[1])
			o.DispBwd[e*cells+j] = float32((from[0] - to[0]) * PoseNetOutputStride)
			o.DispBwd[(nE+e)*cells+j] = float32((from[1] - to[1]) * PoseNetOutputStride)
		}
	}
	inW, inH := (wh-1)*PoseNetOutputStride+1, (hh-1)*PoseNetOutputStride+1
	body := DecodePoseNet(o, inW, inH, inW-1, inH-1) // frame = input spacing: 1 px per input px
	for k := landmark.BodyPart(0); k < landmark.NumBodyParts; k++ {
		c := user.cell[k]
		want := landmark.Point{X: float64(c[1] * PoseNetOutputStride), Y: float64(c[0] * PoseNetOutputStride)}
		if got := body.Part(k); got.Point.Dist(want) > 1e-6 || got.Score != float64(user.score) {
			t.Errorf("%s at %+v score %.2f, want the user's at %+v score %.2f", k, got.Point, got.Score, want, user.score)
		}
	}
	// Without the fields, the parts fall to the per-part argmax: the
	// other person's shoulders (the failure this decoding prevents).
	o.DispFwd, o.DispBwd = nil, nil
	mixed := DecodePoseNet(o, inW, inH, inW-1, inH-1)
	if s := mixed.Part(landmark.LeftShoulder); s.Score != float64(other.score) {
		t.Errorf("argmax shoulder score %.2f, want the other person's %.2f", s.Score, other.score)
	}
}
