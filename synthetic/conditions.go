package synthetic

// Conditions: pure image transforms with known ground truth that put a
// rendered frame under the conditions a real webcam meets (another
// resolution or aspect, an evening lamp, a window behind the user, a camera
// that is not pointed straight at the user). Each writes into a
// caller-owned dst (which may be src) and closes every Mat it makes. All
// take and give 8-bit BGR frames.

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"runtime"
	"sync"

	"gocv.io/x/gocv"
)

func checkBGR(src gocv.Mat) error {
	if src.Empty() || src.Type() != gocv.MatTypeCV8UC3 {
		return fmt.Errorf("synthetic: want a non-empty 8-bit BGR frame")
	}
	return nil
}

// Reframe puts src, undistorted and whole, in the middle of a w x h canvas
// (scaled to fit, so the person stays fully in view) and fills the rest
// with src's border replicated outwards and blurred, the way a wider
// sensor would show more of a soft background. Reframing one frame to
// 1920x1080, 1280x720 and 960x540 gives the same scene at three
// resolutions: the content's scale is h/src.Rows() (or w/src.Cols() when
// that is smaller).
func Reframe(src gocv.Mat, dst *gocv.Mat, w, h int) error {
	if err := checkBGR(src); err != nil {
		return err
	}
	if w <= 0 || h <= 0 {
		return fmt.Errorf("synthetic: canvas %dx%d is empty", w, h)
	}
	s := math.Min(float64(w)/float64(src.Cols()), float64(h)/float64(src.Rows()))
	return place(src, dst, w, h, s)
}

// Widen shows the scene of src through a wider lens of a larger sensor:
// src unscaled in the middle of a canvas 1/k times its size (0 < k <= 1),
// the surroundings filled as Reframe fills them. The person keeps their
// pixel size, as on a higher-resolution wide-angle webcam; the field of
// view is WiderHFOV(hfov, k).
func Widen(src gocv.Mat, dst *gocv.Mat, k float64) error {
	if err := checkBGR(src); err != nil {
		return err
	}
	if !(k > 0 && k <= 1) {
		return fmt.Errorf("synthetic: widening factor must be in (0, 1], got %v", k)
	}
	w, h := int(math.Round(float64(src.Cols())/k)), int(math.Round(float64(src.Rows())/k))
	return place(src, dst, w, h, 1)
}

// WiderHFOV is the horizontal field of view of a frame of hfovDeg after
// Widen(k): the focal length shrinks by k against the frame's width.
func WiderHFOV(hfovDeg, k float64) float64 {
	return 2 * math.Atan(math.Tan(hfovDeg*math.Pi/360)/k) * 180 / math.Pi
}

// place draws src scaled by s, centred, on a w x h canvas over a blurred,
// border-replicated background. Everything is read from src before dst is
// written, so dst may be src.
func place(src gocv.Mat, dst *gocv.Mat, w, h int, s float64) error {
	cw, ch := int(math.Round(s*float64(src.Cols()))), int(math.Round(s*float64(src.Rows())))
	if cw < 1 || ch < 1 || cw > w || ch > h {
		return fmt.Errorf("synthetic: %dx%d content does not fit a %dx%d canvas", cw, ch, w, h)
	}
	x0, y0 := (w-cw)/2, (h-ch)/2
	interp := gocv.InterpolationLinear
	if s < 1 {
		interp = gocv.InterpolationArea
	}
	content := gocv.NewMat()
	defer content.Close()
	gocv.Resize(src, &content, image.Pt(cw, ch), 0, 0, interp)

	// The background is made at 1/q scale (replicating and blurring a
	// full-HD canvas would cost more than the rest of the frame) and
	// scaled up: it is a blur either way.
	const q = 8
	bw, bh := max(1, w/q), max(1, h/q)
	sw, sh := max(1, cw/q), max(1, ch/q)
	sx, sy := min(x0/q, bw-sw), min(y0/q, bh-sh)
	small := gocv.NewMat()
	defer small.Close()
	gocv.Resize(src, &small, image.Pt(sw, sh), 0, 0, gocv.InterpolationArea)
	padded := gocv.NewMat()
	defer padded.Close()
	gocv.CopyMakeBorder(small, &padded, sy, bh-sh-sy, sx, bw-sw-sx, gocv.BorderReplicate, color.RGBA{})
	k := max(3, (min(bw, bh)/6)|1)
	gocv.GaussianBlur(padded, &padded, image.Pt(k, k), 0, 0, gocv.BorderReplicate)
	gocv.Resize(padded, dst, image.Pt(w, h), 0, 0, gocv.InterpolationLinear)

	roi := dst.Region(image.Rect(x0, y0, x0+cw, y0+ch))
	defer roi.Close()
	content.CopyTo(&roi)
	return nil
}

// Dim darkens src as an evening lamp does: every channel value v becomes
// 255 * gain * (v/255)^gamma (gain < 1 darker, gamma > 1 crushes the
// shadows more than the highlights), rounded.
func Dim(src gocv.Mat, dst *gocv.Mat, gain, gamma float64) error {
	if err := checkBGR(src); err != nil {
		return err
	}
	if !(gain > 0) || !(gamma > 0) || math.IsInf(gain, 0) || math.IsInf(gamma, 0) {
		return fmt.Errorf("synthetic: dim gain and gamma must be positive and finite, got %v and %v", gain, gamma)
	}
	table := make([]byte, 256)
	for v := range table {
		table[v] = DimValue(uint8(v), gain, gamma)
	}
	lut, err := gocv.NewMatFromBytes(1, 256, gocv.MatTypeCV8U, table)
	if err != nil {
		return fmt.Errorf("synthetic: %w", err)
	}
	defer lut.Close()
	gocv.LUT(src, lut, dst)
	return nil
}

// DimValue is what Dim makes of one channel value v.
func DimValue(v uint8, gain, gamma float64) uint8 {
	return uint8(math.Round(math.Min(255, 255*gain*math.Pow(float64(v)/255, gamma))))
}

// Noise adds zero-mean Gaussian sensor noise of standard deviation sigma
// (grey levels, rounded to whole levels, independent per pixel and
// channel) to src, saturating at 0 and 255. The noise comes from OpenCV's
// random generator seeded with seed (its low 32 bits), on a thread held
// for the call (OpenCV's generator is per thread), so the same seed gives
// the same noise whatever goroutine asks.
func Noise(src gocv.Mat, dst *gocv.Mat, sigma float64, seed int) error {
	if err := checkBGR(src); err != nil {
		return err
	}
	if !(sigma >= 0) || math.IsInf(sigma, 0) {
		return fmt.Errorf("synthetic: noise sigma must be non-negative and finite, got %v", sigma)
	}
	// The noise is drawn around 128 into 8 bits (saturating at ±128, far
	// beyond any sigma a camera has) and added back less 128, saturated.
	noise := gocv.NewMatWithSize(src.Rows(), src.Cols(), gocv.MatTypeCV8UC3)
	defer noise.Close()
	runtime.LockOSThread()
	gocv.SetRNGSeed(seed)
	gocv.RandN(&noise, gocv.NewScalar(128, 128, 128, 0), gocv.NewScalar(sigma, sigma, sigma, 0))
	runtime.UnlockOSThread()
	gocv.AddWeighted(src, 1, noise, 1, -128, dst)
	return nil
}

// Backlight puts a bright window behind the subject: the camera exposes
// for the bright background, so the whole frame is scaled by subjectGain
// (< 1, the subject goes darker), and the background glows: each pixel is
// then pushed towards white by glow times BacklightWeight at that pixel, a
// weight that is 0 around the head and body (the middle and the bottom of
// the frame) and rises to 1 at the top and the sides.
func Backlight(src gocv.Mat, dst *gocv.Mat, subjectGain, glow float64) error {
	if err := checkBGR(src); err != nil {
		return err
	}
	if !(subjectGain > 0 && subjectGain <= 1) || !(glow >= 0 && glow <= 1) {
		return fmt.Errorf("synthetic: backlight gain must be in (0, 1] and glow in [0, 1], got %v and %v", subjectGain, glow)
	}
	wm, err := gocv.NewMatFromBytes(src.Rows(), src.Cols(), gocv.MatTypeCV32FC3, backlightWeights(src.Cols(), src.Rows()))
	if err != nil {
		return fmt.Errorf("synthetic: %w", err)
	}
	defer wm.Close()
	// out = f + glow * weight * (255 - f), f = src * subjectGain
	f := gocv.NewMat()
	defer f.Close()
	src.ConvertToWithParams(&f, gocv.MatTypeCV32FC3, float32(subjectGain), 0)
	room := gocv.NewMat()
	defer room.Close()
	f.ConvertToWithParams(&room, gocv.MatTypeCV32FC3, float32(-glow), float32(255*glow))
	gocv.Multiply(room, wm, &room)
	gocv.Add(f, room, &f)
	f.ConvertTo(dst, gocv.MatTypeCV8UC3)
	return nil
}

// The last frame size's weight map (3-channel float32 bytes): a sequence
// is one size, and the map costs more than the rest of Backlight.
var backlightCache struct {
	sync.Mutex
	w, h int
	data []byte
}

func backlightWeights(w, h int) []byte {
	c := &backlightCache
	c.Lock()
	defer c.Unlock()
	if c.w != w || c.h != h {
		weights := make([]float32, 3*w*h)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				v := float32(BacklightWeight(x, y, w, h))
				i := 3 * (y*w + x)
				weights[i], weights[i+1], weights[i+2] = v, v, v
			}
		}
		c.w, c.h, c.data = w, h, float32Bytes(weights)
	}
	// The Mat reads the bytes in place; a copy keeps the cache safe from it.
	return append([]byte(nil), c.data...)
}

// BacklightWeight is the glow weight of Backlight at pixel (x, y) of a
// w x h frame: a smooth ellipse around a centre at 60% of the height,
// 0 within 0.45 of its radii and 1 beyond them, faded out towards the
// bottom edge where the torso and the desk are.
func BacklightWeight(x, y, w, h int) float64 {
	dx := (float64(x) + 0.5 - float64(w)/2) / (0.5 * float64(w))
	dy := (float64(y) + 0.5 - 0.6*float64(h)) / (0.6 * float64(h))
	r := math.Hypot(dx, dy)
	bottom := 1 - smoothstep(0.55, 0.9, (float64(y)+0.5)/float64(h))
	return smoothstep(0.45, 1, r) * bottom
}

func smoothstep(a, b, x float64) float64 {
	t := math.Max(0, math.Min(1, (x-a)/(b-a)))
	return t * t * (3 - 2*t)
}

func float32Bytes(v []float32) []byte {
	out := make([]byte, 4*len(v))
	for i, f := range v {
		u := math.Float32bits(f)
		out[4*i], out[4*i+1], out[4*i+2], out[4*i+3] = byte(u), byte(u>>8), byte(u>>16), byte(u>>24)
	}
	return out
}

// CameraHomography is K·R·K⁻¹ for a w x h pinhole camera of horizontal
// field of view hfovDeg (square pixels, principal point in the middle)
// that turns about its optical centre: first panDeg to the right, then
// tiltDeg up. A scene point's image moves from p to H·p: a pan to the
// right moves the scene left in the frame, a tilt up moves it down. It is
// returned row-major.
func CameraHomography(w, h int, panDeg, tiltDeg, hfovDeg float64) [9]float64 {
	f := float64(w) / 2 / math.Tan(hfovDeg*math.Pi/360)
	cx, cy := float64(w)/2, float64(h)/2
	p, t := panDeg*math.Pi/180, tiltDeg*math.Pi/180
	// Rows are the turned camera's axes in the old camera's coordinates
	// (x right, y down, z forward).
	pan := [9]float64{
		math.Cos(p), 0, -math.Sin(p),
		0, 1, 0,
		math.Sin(p), 0, math.Cos(p),
	}
	tilt := [9]float64{
		1, 0, 0,
		0, math.Cos(t), math.Sin(t),
		0, -math.Sin(t), math.Cos(t),
	}
	k := [9]float64{f, 0, cx, 0, f, cy, 0, 0, 1}
	kinv := [9]float64{1 / f, 0, -cx / f, 0, 1 / f, -cy / f, 0, 0, 1}
	return mul3(k, mul3(mul3(tilt, pan), kinv))
}

func mul3(a, b [9]float64) [9]float64 {
	var c [9]float64
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			for k := 0; k < 3; k++ {
				c[3*i+j] += a[3*i+k] * b[3*k+j]
			}
		}
	}
	return c
}

// ApplyHomography maps the point (x, y) by the row-major homography m.
func ApplyHomography(m [9]float64, x, y float64) (float64, float64) {
	z := m[6]*x + m[7]*y + m[8]
	return (m[0]*x + m[1]*y + m[2]) / z, (m[3]*x + m[4]*y + m[5]) / z
}

// CameraRotate shows src as the same camera would see the scene after
// turning about its optical centre by panDeg (to the right) and tiltDeg
// (up): the homography CameraHomography, exact for a pinhole camera
// whatever the scene's depth. A pan is a webcam off to the side looking
// across, a tilt a camera above or below eye level; either moves the
// person off centre and adds the perspective of seeing them off the
// optical axis. Where the turned camera sees beyond src, src's border is
// replicated.
func CameraRotate(src gocv.Mat, dst *gocv.Mat, panDeg, tiltDeg, hfovDeg float64) error {
	if err := checkBGR(src); err != nil {
		return err
	}
	if !(hfovDeg > 0 && hfovDeg < 170) {
		return fmt.Errorf("synthetic: field of view must be in (0, 170) degrees, got %v", hfovDeg)
	}
	if !(math.Abs(panDeg) < 80 && math.Abs(tiltDeg) < 80) {
		return fmt.Errorf("synthetic: pan and tilt must be within ±80 degrees, got %v and %v", panDeg, tiltDeg)
	}
	m := CameraHomography(src.Cols(), src.Rows(), panDeg, tiltDeg, hfovDeg)
	hm := gocv.NewMatWithSize(3, 3, gocv.MatTypeCV64F)
	defer hm.Close()
	for i, v := range m {
		hm.SetDoubleAt(i/3, i%3, v)
	}
	out := gocv.NewMat()
	defer out.Close()
	gocv.WarpPerspectiveWithParams(src, &out, hm, image.Pt(src.Cols(), src.Rows()), gocv.InterpolationLinear, gocv.BorderReplicate, color.RGBA{})
	out.CopyTo(dst)
	return nil
}
