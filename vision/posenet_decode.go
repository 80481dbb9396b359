package vision

import (
	"math"

	"github.com/neckwatch/neckwatch/landmark"
)

// PoseNetOutputStride is the output stride of the MobileNetV1 PoseNet graph.
const PoseNetOutputStride = 16

// PoseNetOutput is PoseNet's raw output as flat float32
// slices in NCHW layout: Heatmap is [17][Hh][Wh] sigmoid scores, Offsets is
// [34][Hh][Wh] with channel k holding dy and channel 17+k holding dx, both in
// network input pixels.
type PoseNetOutput struct {
	Heatmap []float32
	Offsets []float32
	// DispFwd and DispBwd are the multi-person displacement fields,
	// [32][Hh][Wh] each (see poseChain); nil to decode each part alone.
	DispFwd, DispBwd []float32
	Hh, Wh           int
}

// DecodePoseNet returns one person's body keypoints in frame coordinates,
// scaled from the network input (inW x inH, each 16k+1) to the frame.
// With the displacement fields, the person is the one with the most
// confident nose, and each other part is reached along the skeleton from
// it (tfjs PoseNet's traversal), so a shoulder of someone sitting behind
// is never taken for the user's; where the part's own best cell lies
// near that answer, the best cell is used. Without them, each part is its
// highest heatmap cell plus its offset. A keypoint outside the frame
// still gets a position (PoseNet always answers); its score says how much
// to trust it.
func DecodePoseNet(o PoseNetOutput, inW, inH, frameW, frameH int) landmark.Body {
	var body landmark.Body
	cells := o.Hh * o.Wh
	if cells == 0 || len(o.Heatmap) < int(landmark.NumBodyParts)*cells || len(o.Offsets) < 2*int(landmark.NumBodyParts)*cells {
		return body
	}
	kp := &body.Keypoints
	for k := range kp {
		kp[k] = keypointAt(o, landmark.BodyPart(k), argmaxCell(o, landmark.BodyPart(k)))
	}
	if n := 2 * len(poseChain) * cells; len(o.DispFwd) >= n && len(o.DispBwd) >= n {
		// The root: the most confident nose, the part the user's face is
		// matched by (landmark.Frame.PrimaryFaceIndex).
		root := argmaxCell(o, landmark.Nose)
		one := decodeFromRoot(o, landmark.Nose, root/o.Wh, root%o.Wh)
		for k := range kp {
			// Where the part's own best cell lies near the skeleton's
			// answer it is the same person, and the best cell is the more
			// precise of the two; far from it, it is someone else's.
			if kp[k].Point.Dist(one[k].Point) > 2*PoseNetOutputStride {
				kp[k] = one[k]
			}
		}
	}
	sx := float64(frameW) / float64(inW-1)
	sy := float64(frameH) / float64(inH-1)
	for k := range kp {
		kp[k].X *= sx
		kp[k].Y *= sy
	}
	return body
}

// argmaxCell is the index of part k's highest heatmap cell.
func argmaxCell(o PoseNetOutput, k landmark.BodyPart) int {
	cells := o.Hh * o.Wh
	heat := o.Heatmap[int(k)*cells : (int(k)+1)*cells]
	best := 0
	for i, v := range heat {
		if v > heat[best] {
			best = i
		}
	}
	return best
}

// keypointAt is part k at heatmap cell i: the cell's position plus the
// part's offset there, in network input pixels, with the cell's score.
func keypointAt(o PoseNetOutput, k landmark.BodyPart, i int) landmark.Keypoint {
	cells := o.Hh * o.Wh
	y, x := i/o.Wh, i%o.Wh
	return landmark.Keypoint{
		Point: landmark.Point{
			X: float64(x*PoseNetOutputStride) + float64(o.Offsets[(int(landmark.NumBodyParts)+int(k))*cells+i]),
			Y: float64(y*PoseNetOutputStride) + float64(o.Offsets[int(k)*cells+i]),
		},
		Score: float64(o.Heatmap[int(k)*cells+i]),
	}
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

// poseChain are PoseNet's parent -> child edges (tfjs posenet's
// poseChain): displacement channel e (dy) and numEdges+e (dx) of the
// forward field point from the parent to the child of edge e; the
// backward field the other way.
var poseChain = [][2]landmark.BodyPart{
	{landmark.Nose, landmark.LeftEye}, {landmark.LeftEye, landmark.LeftEar},
	{landmark.Nose, landmark.RightEye}, {landmark.RightEye, landmark.RightEar},
	{landmark.Nose, landmark.LeftShoulder}, {landmark.LeftShoulder, landmark.LeftElbow},
	{landmark.LeftElbow, landmark.LeftWrist}, {landmark.LeftShoulder, landmark.LeftHip},
	{landmark.LeftHip, landmark.LeftKnee}, {landmark.LeftKnee, landmark.LeftAnkle},
	{landmark.Nose, landmark.RightShoulder}, {landmark.RightShoulder, landmark.RightElbow},
	{landmark.RightElbow, landmark.RightWrist}, {landmark.RightShoulder, landmark.RightHip},
	{landmark.RightHip, landmark.RightKnee}, {landmark.RightKnee, landmark.RightAnkle},
}

// decodeFromRoot decodes one person whose part root lies at cell
// (ry, rx): the other parts are reached along the skeleton by the
// displacement fields, so every keypoint belongs to the same person
// (the per-part argmax mixes people: a shoulder of someone behind). In
// network input pixels.
func decodeFromRoot(o PoseNetOutput, root landmark.BodyPart, ry, rx int) [landmark.NumBodyParts]landmark.Keypoint {
	cells := o.Hh * o.Wh
	nE := len(poseChain)
	var kp [landmark.NumBodyParts]landmark.Keypoint
	var known [landmark.NumBodyParts]bool
	at := func(part landmark.BodyPart, y, x int) landmark.Keypoint { return keypointAt(o, part, y*o.Wh+x) }
	cell := func(p landmark.Point) (y, x int) {
		y = int(math.Round(p.Y / PoseNetOutputStride))
		x = int(math.Round(p.X / PoseNetOutputStride))
		return min(max(y, 0), o.Hh-1), min(max(x, 0), o.Wh-1)
	}
	traverse := func(edge int, from, to landmark.BodyPart, disp []float32) {
		y, x := cell(kp[from].Point)
		i := y*o.Wh + x
		p := landmark.Point{X: kp[from].X + float64(disp[(nE+edge)*cells+i]), Y: kp[from].Y + float64(disp[edge*cells+i])}
		// Refine twice on the target's own offsets, as tfjs does.
		for r := 0; r < 2; r++ {
			ty, tx := cell(p)
			p = at(to, ty, tx).Point
		}
		ty, tx := cell(p)
		kp[to] = landmark.Keypoint{Point: p, Score: at(to, ty, tx).Score}
		known[to] = true
	}
	kp[root], known[root] = at(root, ry, rx), true
	for e := nE - 1; e >= 0; e-- {
		parent, child := poseChain[e][0], poseChain[e][1]
		if known[child] && !known[parent] {
			traverse(e, child, parent, o.DispBwd)
		}
	}
	for e := 0; e < nE; e++ {
		parent, child := poseChain[e][0], poseChain[e][1]
		if known[parent] && !known[child] {
			traverse(e, parent, child, o.DispFwd)
		}
	}
	return kp
}
