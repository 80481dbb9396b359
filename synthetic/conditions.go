package synthetic

// Conditions: pure image transforms with known ground truth that put a
// real photo under the light a real webcam meets (an evening lamp, sensor
// noise, a window behind the user). Other resolutions are a plain resize
// (accuracy/conditions_test.go); a camera off to the side cannot be made
// from a photo (rotating the image about the camera's centre never shows
// the person from another angle), so it is not attempted. Each writes into a
// caller-owned dst (which may be src) and closes every Mat it makes. All
// take and give 8-bit BGR frames.

import (
	"fmt"
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
