// Package synthetic makes test frames from real photos: camera conditions
// (conditions.go: dim light, noise, backlight) and, for the plumbing
// tests only, a video whose head region grows against still shoulders.
//
// The growing head is not evidence that the detector works: it changes
// exactly the classifier's forward feature and nothing else a real
// forward head changes. It drives the video sampler, the end-to-end
// notification test and the CPU benchmark, which need a frame that is
// judged forward, not a realistic one. Accuracy is measured on real
// photos of people (package accuracy), and motions of exact size on their
// real landmarks (synthetic/pose3d); it never touches a camera.
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
	// Scale > 1 grows the head region about its centre (a grown head
	// covers the original, so no ghost of it is left behind).
	Scale float64
}

// Rest is the seed's own posture.
var Rest = HeadMotion{Scale: 1}

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
	rot := gocv.GetRotationMatrix2D(g.center, 0, m.Scale)
	defer rot.Close()
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
		out[i] = HeadMotion{Scale: a.Scale + t*(b.Scale-a.Scale)}
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
