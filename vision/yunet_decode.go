package vision

import (
	"math"
	"sort"

	"github.com/neckwatch/neckwatch/landmark"
)

// yunetStrides are the feature-map strides of YuNet 2023mar's three heads.
var yunetStrides = [3]int{8, 16, 32}

// YuNetHead is one stride's raw output of YuNet, as flat float32 slices in
// the network's layout: Cls and Obj hold N scores, BBox 4N values and Kps 10N,
// where N = (InputH/Stride)*(InputW/Stride) and anchor i sits at row i/(W/s),
// column i%(W/s).
type YuNetHead struct {
	Stride int
	Cls    []float32
	Obj    []float32
	BBox   []float32
	Kps    []float32
}

// YuNetDecodeParams says how to turn network outputs into frame coordinates.
type YuNetDecodeParams struct {
	InputW, InputH int     // network input size (multiples of 32)
	Scale          float64 // frame pixels per network input pixel
	ScoreThreshold float64 // minimum face score, e.g. 0.6
	NMSThreshold   float64 // IoU above which the weaker box is dropped, e.g. 0.3
	TopK           int     // keep at most this many faces (0 = no limit)
}

func clamp01(v float64) float64 {
	switch {
	case v < 0:
		return 0
	case v > 1:
		return 1
	}
	return v
}

// DecodeYuNet turns YuNet 2023mar's raw head outputs into faces in frame
// coordinates, sorted by descending score, after non-maximum suppression.
// The decode follows libfacedetection.train's post-processing: score =
// sqrt(cls*obj), box centre = (col+dx, row+dy)*stride, size = exp(dw, dh)*stride,
// landmark n = (kps[2n]+col, kps[2n+1]+row)*stride.
func DecodeYuNet(heads []YuNetHead, p YuNetDecodeParams) []landmark.Face {
	var faces []landmark.Face
	for _, h := range heads {
		if h.Stride <= 0 {
			continue
		}
		cols := p.InputW / h.Stride
		rows := p.InputH / h.Stride
		n := cols * rows
		if len(h.Cls) < n || len(h.Obj) < n || len(h.BBox) < 4*n || len(h.Kps) < 10*n {
			continue // a malformed head cannot be decoded; skip rather than read past the end
		}
		s := float64(h.Stride)
		for i := 0; i < n; i++ {
			score := math.Sqrt(clamp01(float64(h.Cls[i])) * clamp01(float64(h.Obj[i])))
			if score < p.ScoreThreshold {
				continue
			}
			row, col := float64(i/cols), float64(i%cols)
			b := h.BBox[4*i : 4*i+4]
			cx := (col + float64(b[0])) * s
			cy := (row + float64(b[1])) * s
			w := math.Exp(float64(b[2])) * s
			hh := math.Exp(float64(b[3])) * s
			k := h.Kps[10*i : 10*i+10]
			var lm [5]landmark.Point
			for j := range lm {
				lm[j] = landmark.Point{
					X: (float64(k[2*j]) + col) * s * p.Scale,
					Y: (float64(k[2*j+1]) + row) * s * p.Scale,
				}
			}
			faces = append(faces, landmark.Face{
				Box: landmark.Rect{
					X: (cx - w/2) * p.Scale, Y: (cy - hh/2) * p.Scale,
					W: w * p.Scale, H: hh * p.Scale,
				},
				Score:      score,
				RightEye:   lm[0],
				LeftEye:    lm[1],
				Nose:       lm[2],
				RightMouth: lm[3],
				LeftMouth:  lm[4],
			})
		}
	}
	return NMS(faces, p.NMSThreshold, p.TopK)
}

// NMS keeps the highest-scoring faces and drops any whose box overlaps an
// already kept one by more than iouThreshold. topK <= 0 keeps all survivors.
func NMS(faces []landmark.Face, iouThreshold float64, topK int) []landmark.Face {
	sort.SliceStable(faces, func(i, j int) bool { return faces[i].Score > faces[j].Score })
	kept := faces[:0:0]
	for _, f := range faces {
		overlaps := false
		for _, k := range kept {
			if landmark.IoU(f.Box, k.Box) > iouThreshold {
				overlaps = true
				break
			}
		}
		if !overlaps {
			kept = append(kept, f)
			if topK > 0 && len(kept) == topK {
				break
			}
		}
	}
	return kept
}
