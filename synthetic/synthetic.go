// Package synthetic makes posture sequences with known ground truth from
// one real frame: the head region is scaled (the head comes forward),
// moved down (the head drops) or rotated (the head tilts) against shoulders
// that stay put, and feathered back into the frame. Tests and benchmarks
// use it where no video of real posture changes with measured motion
// exists; it never touches a camera.
package synthetic

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"os"

	"gocv.io/x/gocv"

	"github.com/neckwatch/neckwatch/landmark"
)

// HeadMotion is one frame's applied head motion relative to the seed.
type HeadMotion struct {
	// Scale > 1 grows the head: by the pinhole model the head is then at
	// 1/Scale of its distance, i.e. ForwardCM(d0) closer than at rest.
	Scale float64
	// DropPx moves the head down (positive) in frame pixels.
	DropPx float64
	// RollDeg rotates the head counter-clockwise in the image.
	RollDeg float64
}

// Rest is the seed's own posture.
var Rest = HeadMotion{Scale: 1}

// ForwardCM is the forward head displacement the motion applies to a head
// that was restDistCM from the camera: a head s times larger in the image
// is 1/s as far away.
func (m HeadMotion) ForwardCM(restDistCM float64) float64 {
	if m.Scale <= 0 {
		return 0
	}
	return restDistCM * (1 - 1/m.Scale)
}

// Generator renders head motions into copies of a seed frame. It owns its
// Mats; Close releases them. Not safe for concurrent use.
type Generator struct {
	seed   gocv.Mat // BGR, 8 bit
	seedF  gocv.Mat // seed as float32
	maskF  gocv.Mat // feathered head mask, float32 3-channel, 1 inside
	center image.Point

	warped, warpedMask, diff, out gocv.Mat
}

// HeadRegion returns the region moved as "the head" for a face box: the
// face plus hair and chin, stopping above the shoulders.
func HeadRegion(face landmark.Rect) (center image.Point, axes image.Point) {
	c := face.Center()
	return image.Pt(int(c.X), int(c.Y-0.05*face.H)), image.Pt(int(0.78*face.W), int(0.66*face.H))
}

// NewGenerator prepares a generator for seed (a BGR frame, copied) whose
// user's face box is face.
func NewGenerator(seed gocv.Mat, face landmark.Rect) (*Generator, error) {
	if seed.Empty() || seed.Channels() != 3 {
		return nil, fmt.Errorf("synthetic: seed must be a non-empty BGR frame")
	}
	if face.W <= 0 || face.H <= 0 {
		return nil, fmt.Errorf("synthetic: empty face box")
	}
	g := &Generator{
		seed: seed.Clone(), seedF: gocv.NewMat(), maskF: gocv.NewMat(),
		warped: gocv.NewMat(), warpedMask: gocv.NewMat(), diff: gocv.NewMat(), out: gocv.NewMat(),
	}
	g.seed.ConvertTo(&g.seedF, gocv.MatTypeCV32FC3)
	center, axes := HeadRegion(face)
	g.center = center
	mask := gocv.NewMatWithSize(seed.Rows(), seed.Cols(), gocv.MatTypeCV8UC3)
	defer mask.Close()
	gocv.Ellipse(&mask, center, axes, 0, 0, 360, color.RGBA{255, 255, 255, 0}, -1)
	// Feather the edge so no seam looks like a face contour to the network.
	k := int(0.15*face.W)*2 + 1
	gocv.GaussianBlur(mask, &mask, image.Pt(k, k), 0, 0, gocv.BorderDefault)
	mask.ConvertToWithParams(&g.maskF, gocv.MatTypeCV32FC3, 1.0/255, 0)
	return g, nil
}

// Close releases the generator's Mats.
func (g *Generator) Close() error {
	for _, m := range []*gocv.Mat{&g.seed, &g.seedF, &g.maskF, &g.warped, &g.warpedMask, &g.diff, &g.out} {
		m.Close()
	}
	return nil
}

// Render writes the seed with motion m applied into dst (BGR, 8 bit).
func (g *Generator) Render(m HeadMotion, dst *gocv.Mat) error {
	if m.Scale <= 0 {
		return fmt.Errorf("synthetic: scale must be positive, got %v", m.Scale)
	}
	rot := gocv.GetRotationMatrix2D(g.center, m.RollDeg, m.Scale)
	defer rot.Close()
	rot.SetDoubleAt(1, 2, rot.GetDoubleAt(1, 2)+m.DropPx)
	size := image.Pt(g.seed.Cols(), g.seed.Rows())
	gocv.WarpAffineWithParams(g.seedF, &g.warped, rot, size, gocv.InterpolationLinear, gocv.BorderReplicate, color.RGBA{})
	gocv.WarpAffineWithParams(g.maskF, &g.warpedMask, rot, size, gocv.InterpolationLinear, gocv.BorderConstant, color.RGBA{})
	// out = seed + (warped - seed) * mask
	gocv.Subtract(g.warped, g.seedF, &g.diff)
	gocv.Multiply(g.diff, g.warpedMask, &g.diff)
	gocv.Add(g.seedF, g.diff, &g.out)
	g.out.ConvertTo(dst, gocv.MatTypeCV8UC3)
	return nil
}

// Ramp returns n motions from a to b, evenly spaced.
func Ramp(a, b HeadMotion, n int) []HeadMotion {
	out := make([]HeadMotion, n)
	for i := range out {
		t := 0.0
		if n > 1 {
			t = float64(i) / float64(n-1)
		}
		out[i] = HeadMotion{
			Scale:   a.Scale + t*(b.Scale-a.Scale),
			DropPx:  a.DropPx + t*(b.DropPx-a.DropPx),
			RollDeg: a.RollDeg + t*(b.RollDeg-a.RollDeg),
		}
	}
	return out
}

// WriteVideo renders motions into an MJPG AVI at fps. The file is written
// under a temporary name and renamed, so a reader never sees half a video.
func (g *Generator) WriteVideo(path string, fps float64, motions []HeadMotion) error {
	if fps <= 0 || math.IsNaN(fps) {
		return fmt.Errorf("synthetic: fps must be positive")
	}
	tmp := path + ".tmp.avi"
	w, err := gocv.VideoWriterFile(tmp, "MJPG", fps, g.seed.Cols(), g.seed.Rows(), true)
	if err != nil {
		return fmt.Errorf("synthetic: open video writer %s: %w", tmp, err)
	}
	frame := gocv.NewMat()
	defer frame.Close()
	for i, m := range motions {
		if err := g.Render(m, &frame); err != nil {
			w.Close()
			return fmt.Errorf("synthetic: frame %d: %w", i, err)
		}
		if err := w.Write(frame); err != nil {
			w.Close()
			return fmt.Errorf("synthetic: write frame %d: %w", i, err)
		}
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("synthetic: close %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("synthetic: %w", err)
	}
	return nil
}
