package vision

import (
	"math"

	"github.com/neckwatch/neckwatch/landmark"
)

// PoseNetOutputStride is the output stride of the MobileNetV1 PoseNet graph.
const PoseNetOutputStride = 16

// PoseNetOutput is PoseNet's raw single-person output as flat float32
// slices in NCHW layout: Heatmap is [17][Hh][Wh] sigmoid scores, Offsets is
// [34][Hh][Wh] with channel k holding dy and channel 17+k holding dx, both in
// network input pixels.
type PoseNetOutput struct {
	Heatmap []float32
	Offsets []float32
	Hh, Wh  int
}

// DecodePoseNet returns the single-person body keypoints in frame
// coordinates: for each part the highest heatmap cell plus its offset,
// scaled from the network input (inW x inH, each 16k+1) to the frame.
// A keypoint outside the frame still gets a position (PoseNet always
// answers); its score says how much to trust it.
func DecodePoseNet(o PoseNetOutput, inW, inH, frameW, frameH int) landmark.Body {
	var body landmark.Body
	cells := o.Hh * o.Wh
	if cells == 0 || len(o.Heatmap) < int(landmark.NumBodyParts)*cells || len(o.Offsets) < 2*int(landmark.NumBodyParts)*cells {
		return body
	}
	sx := float64(frameW) / float64(inW-1)
	sy := float64(frameH) / float64(inH-1)
	for k := 0; k < int(landmark.NumBodyParts); k++ {
		heat := o.Heatmap[k*cells : (k+1)*cells]
		best := 0
		for i, v := range heat {
			if v > heat[best] {
				best = i
			}
		}
		y, x := best/o.Wh, best%o.Wh
		dy := float64(o.Offsets[k*cells+best])
		dx := float64(o.Offsets[(int(landmark.NumBodyParts)+k)*cells+best])
		body.Keypoints[k] = landmark.Keypoint{
			Point: landmark.Point{
				X: (float64(x*PoseNetOutputStride) + dx) * sx,
				Y: (float64(y*PoseNetOutputStride) + dy) * sy,
			},
			Score: float64(heat[best]),
		}
	}
	return body
}

// PoseNetInputSize picks a network input size (each side 16k+1) with the
// frame's aspect ratio and about the pixel budget of 321x241, PoseNet's
// usual 4:3 input. Portrait frames (a side-view phone photo) get a portrait
// input rather than a squashed one.
func PoseNetInputSize(frameW, frameH, budgetW, budgetH int) (w, h int) {
	if frameW <= 0 || frameH <= 0 {
		return budgetW, budgetH
	}
	area := float64((budgetW - 1) * (budgetH - 1))
	aspect := float64(frameW) / float64(frameH)
	fw := math.Sqrt(area * aspect)
	fh := fw / aspect
	return round16(fw) + 1, round16(fh) + 1
}

// YuNetInputSize picks YuNet's input: the frame scaled so its longer side is
// longSide, each side rounded up to a multiple of 32 (the network needs it);
// scale is frame pixels per input pixel. The image is zero-padded on the
// bottom/right rather than stretched, so landmarks keep their geometry.
func YuNetInputSize(frameW, frameH, longSide int) (w, h int, scale float64) {
	long := frameW
	if frameH > long {
		long = frameH
	}
	scale = float64(long) / float64(longSide)
	rw := int(float64(frameW)/scale + 0.5)
	rh := int(float64(frameH)/scale + 0.5)
	return roundUp(rw, 32), roundUp(rh, 32), scale
}

func roundUp(v, m int) int {
	if v <= 0 {
		return m
	}
	return (v + m - 1) / m * m
}

func round16(v float64) int {
	n := int(v/16 + 0.5)
	if n < 1 {
		n = 1
	}
	return n * 16
}
