package synthetic_test

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"testing"

	"gocv.io/x/gocv"

	"github.com/neckwatch/neckwatch/internal/testenv"
	"github.com/neckwatch/neckwatch/internal/testenv/visiontest"
	"github.com/neckwatch/neckwatch/synthetic"
)

// halves returns a w x h BGR frame, left half one colour and right half
// another, closed at the end of the test.
func halves(t *testing.T, w, h int, left, right gocv.Scalar) gocv.Mat {
	t.Helper()
	m := gocv.NewMatWithSizeFromScalar(left, h, w, gocv.MatTypeCV8UC3)
	r := m.Region(image.Rect(w/2, 0, w, h))
	r.SetTo(right)
	r.Close()
	t.Cleanup(func() { m.Close() })
	return m
}

func pixel(m gocv.Mat, x, y int) [3]int {
	return [3]int{int(m.GetVecbAt(y, x)[0]), int(m.GetVecbAt(y, x)[1]), int(m.GetVecbAt(y, x)[2])}
}

func near(a [3]int, b [3]float64, tol float64) bool {
	for i := range a {
		if math.Abs(float64(a[i])-b[i]) > tol {
			return false
		}
	}
	return true
}

func TestReframePutsTheWholeFrameOnTheCanvasUndistorted(t *testing.T) {
	testenv.CheckMatLeaks(t)
	red, blue := gocv.NewScalar(20, 30, 200, 0), gocv.NewScalar(200, 60, 10, 0)
	src := halves(t, 640, 480, red, blue)
	dst := gocv.NewMat()
	defer dst.Close()
	want := gocv.NewMat()
	defer want.Close()
	for _, size := range []image.Point{{1920, 1080}, {1280, 720}, {960, 540}, {640, 360}} {
		if err := synthetic.Reframe(src, &dst, size.X, size.Y); err != nil {
			t.Fatal(err)
		}
		if dst.Cols() != size.X || dst.Rows() != size.Y || dst.Type() != gocv.MatTypeCV8UC3 {
			t.Fatalf("%v: got %dx%d type %v", size, dst.Cols(), dst.Rows(), dst.Type())
		}
		// 4:3 onto 16:9 fits the height: scale h/480, centred across.
		s := float64(size.Y) / 480
		cw := int(math.Round(640 * s))
		x0 := (size.X - cw) / 2
		interp := gocv.InterpolationLinear
		if s < 1 {
			interp = gocv.InterpolationArea
		}
		gocv.Resize(src, &want, image.Pt(cw, size.Y), 0, 0, interp)
		roi := dst.Region(image.Rect(x0, 0, x0+cw, size.Y))
		diff := gocv.NormWithMats(roi, want, gocv.NormInf)
		roi.Close()
		if diff != 0 {
			t.Errorf("%v: the content is not src scaled by %.3f at x=%d (max difference %v)", size, s, x0, diff)
		}
		// The pads continue the border they touch, softened.
		if p := pixel(dst, 2, size.Y/2); !near(p, [3]float64{20, 30, 200}, 25) {
			t.Errorf("%v: left pad %v, want about the left edge's colour", size, p)
		}
		if p := pixel(dst, size.X-3, size.Y/2); !near(p, [3]float64{200, 60, 10}, 25) {
			t.Errorf("%v: right pad %v, want about the right edge's colour", size, p)
		}
	}
	// In place works too.
	inplace := src.Clone()
	defer inplace.Close()
	if err := synthetic.Reframe(inplace, &inplace, 1280, 720); err != nil {
		t.Fatal(err)
	}
	if err := synthetic.Reframe(src, &dst, 1280, 720); err != nil {
		t.Fatal(err)
	}
	if d := gocv.NormWithMats(inplace, dst, gocv.NormInf); d != 0 {
		t.Errorf("in-place reframe differs by %v", d)
	}
	for _, bad := range []image.Point{{0, 720}, {1280, 0}} {
		if err := synthetic.Reframe(src, &dst, bad.X, bad.Y); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
	empty := gocv.NewMat()
	defer empty.Close()
	if err := synthetic.Reframe(empty, &dst, 1280, 720); err == nil {
		t.Error("empty source: no error")
	}
}

func TestWidenKeepsTheSceneInTheMiddle(t *testing.T) {
	testenv.CheckMatLeaks(t)
	src := halves(t, 640, 480, gocv.NewScalar(0, 0, 0, 0), gocv.NewScalar(255, 255, 255, 0))
	dst := gocv.NewMat()
	defer dst.Close()
	if err := synthetic.Widen(src, &dst, 0.5); err != nil {
		t.Fatal(err)
	}
	if dst.Cols() != 1280 || dst.Rows() != 960 {
		t.Fatalf("got %dx%d", dst.Cols(), dst.Rows())
	}
	// The content, unscaled, spans x 320..960, y 240..720; its black/white
	// edge is at x=640.
	if p := pixel(dst, 638, 480); p[0] != 0 {
		t.Errorf("left of the middle: %v, want black", p)
	}
	if p := pixel(dst, 642, 480); p[0] != 255 {
		t.Errorf("right of the middle: %v, want white", p)
	}
	if got, want := synthetic.WiderHFOV(70, 0.5), 2*math.Atan(2*math.Tan(35*math.Pi/180))*180/math.Pi; math.Abs(got-want) > 1e-9 {
		t.Errorf("WiderHFOV(70, 0.5) = %v, want %v", got, want)
	}
	if got := synthetic.WiderHFOV(70, 1); math.Abs(got-70) > 1e-9 {
		t.Errorf("WiderHFOV(70, 1) = %v", got)
	}
	for _, k := range []float64{0, -1, 1.5, math.NaN()} {
		if err := synthetic.Widen(src, &dst, k); err == nil {
			t.Errorf("k=%v: no error", k)
		}
	}
}

func TestDimAppliesGainAndGamma(t *testing.T) {
	testenv.CheckMatLeaks(t)
	// One row with every grey level.
	ramp := gocv.NewMatWithSize(1, 256, gocv.MatTypeCV8UC3)
	defer ramp.Close()
	for v := 0; v < 256; v++ {
		for c := 0; c < 3; c++ {
			ramp.SetUCharAt(0, 3*v+c, uint8(v))
		}
	}
	dst := gocv.NewMat()
	defer dst.Close()
	cases := []struct {
		gain, gamma float64
		at128       uint8 // hand-computed: 255 * gain * (128/255)^gamma
	}{
		{1, 1, 128},
		{0.5, 1, 64},
		{0.35, 1.6, 30}, // 255 * 0.35 * 0.50196^1.6 = 89.25 * 0.3320 = 29.6
		{1, 2, 64},      // 255 * 0.2520 = 64.25
	}
	for _, tc := range cases {
		if err := synthetic.Dim(ramp, &dst, tc.gain, tc.gamma); err != nil {
			t.Fatal(err)
		}
		if got := dst.GetUCharAt(0, 3*128+1); got != tc.at128 {
			t.Errorf("gain %v gamma %v: 128 -> %d, want %d", tc.gain, tc.gamma, got, tc.at128)
		}
		prev := -1
		for v := 0; v < 256; v++ {
			got := dst.GetUCharAt(0, 3*v+2)
			if want := synthetic.DimValue(uint8(v), tc.gain, tc.gamma); got != want {
				t.Fatalf("gain %v gamma %v: %d -> %d, want %d", tc.gain, tc.gamma, v, got, want)
			}
			if int(got) < prev {
				t.Fatalf("gain %v gamma %v: not monotonic at %d", tc.gain, tc.gamma, v)
			}
			prev = int(got)
		}
	}
	for _, bad := range [][2]float64{{0, 1}, {1, 0}, {-1, 1}, {math.NaN(), 1}, {1, math.Inf(1)}} {
		if err := synthetic.Dim(ramp, &dst, bad[0], bad[1]); err == nil {
			t.Errorf("gain %v gamma %v: no error", bad[0], bad[1])
		}
	}
}

func TestNoiseIsSeededWithTheAskedSigma(t *testing.T) {
	testenv.CheckMatLeaks(t)
	grey := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(128, 128, 128, 0), 240, 320, gocv.MatTypeCV8UC3)
	defer grey.Close()
	a, b, c := gocv.NewMat(), gocv.NewMat(), gocv.NewMat()
	defer a.Close()
	defer b.Close()
	defer c.Close()
	if err := synthetic.Noise(grey, &a, 3, 7); err != nil {
		t.Fatal(err)
	}
	if err := synthetic.Noise(grey, &b, 3, 7); err != nil {
		t.Fatal(err)
	}
	if err := synthetic.Noise(grey, &c, 3, 8); err != nil {
		t.Fatal(err)
	}
	if d := gocv.NormWithMats(a, b, gocv.NormInf); d != 0 {
		t.Errorf("same seed, different noise (max difference %v)", d)
	}
	if d := gocv.NormWithMats(a, c, gocv.NormInf); d == 0 {
		t.Error("different seeds, same noise")
	}
	mean, std := gocv.NewMat(), gocv.NewMat()
	defer mean.Close()
	defer std.Close()
	gocv.MeanStdDev(a, &mean, &std)
	for ch := 0; ch < 3; ch++ {
		m, s := mean.GetDoubleAt(ch, 0), std.GetDoubleAt(ch, 0)
		// Rounded to whole grey levels the noise's sd is sqrt(9 + 1/12).
		if math.Abs(m-128) > 0.1 || math.Abs(s-3.01) > 0.1 {
			t.Errorf("channel %d: mean %.3f sd %.3f, want 128 and about 3", ch, m, s)
		}
	}
	if err := synthetic.Noise(grey, &a, 0, 1); err != nil {
		t.Fatal(err)
	}
	if d := gocv.NormWithMats(a, grey, gocv.NormInf); d != 0 {
		t.Errorf("sigma 0 changed the frame by %v", d)
	}
	if err := synthetic.Noise(grey, &a, -1, 1); err == nil {
		t.Error("negative sigma: no error")
	}
}

func TestBacklightDarkensTheSubjectAndBrightensTheBorders(t *testing.T) {
	testenv.CheckMatLeaks(t)
	const w, h = 320, 240
	grey := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(120, 120, 120, 0), h, w, gocv.MatTypeCV8UC3)
	defer grey.Close()
	dst := gocv.NewMat()
	defer dst.Close()
	const gain, glow = 0.5, 0.8
	if err := synthetic.Backlight(grey, &dst, gain, glow); err != nil {
		t.Fatal(err)
	}
	// Hand-checked points: the middle keeps only the gain (60); the top
	// corners glow fully: 60 + 0.8 * (255 - 60) = 216.
	if p := pixel(dst, w/2, int(0.6*h)); p[0] != 60 {
		t.Errorf("subject: %v, want 60", p)
	}
	if p := pixel(dst, 0, 0); p[0] != 216 {
		t.Errorf("top-left corner: %v, want 216", p)
	}
	if p := pixel(dst, w/2, h-1); p[0] != 60 {
		t.Errorf("bottom middle (torso, desk): %v, want 60", p)
	}
	// Everywhere: 60 + glow * weight * 195.
	px := dst.ToBytes()
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			want := 60 + glow*synthetic.BacklightWeight(x, y, w, h)*195
			i := 3 * (y*w + x)
			if p := [3]int{int(px[i]), int(px[i+1]), int(px[i+2])}; !near(p, [3]float64{want, want, want}, 1) {
				t.Fatalf("(%d,%d): %v, want %.1f", x, y, p, want)
			}
		}
	}
	for _, bad := range [][2]float64{{0, 0.5}, {1.5, 0.5}, {0.5, -0.1}, {0.5, 1.1}} {
		if err := synthetic.Backlight(grey, &dst, bad[0], bad[1]); err == nil {
			t.Errorf("gain %v glow %v: no error", bad[0], bad[1])
		}
	}
}

func TestCameraHomographyByHand(t *testing.T) {
	const w, h, hfov = 640, 480, 70.0
	f := 320 / math.Tan(35*math.Pi/180) // 457.0 px
	id := synthetic.CameraHomography(w, h, 0, 0, hfov)
	for i, v := range id {
		if want := []float64{1, 0, 0, 0, 1, 0, 0, 0, 1}[i]; math.Abs(v-want) > 1e-12 {
			t.Fatalf("no turn: %v, want the identity", id)
		}
	}
	// The point the camera looked at lands f·tan(angle) off centre.
	x, y := synthetic.ApplyHomography(synthetic.CameraHomography(w, h, 25, 0, hfov), 320, 240)
	if want := 320 - f*math.Tan(25*math.Pi/180); math.Abs(x-want) > 1e-9 || math.Abs(y-240) > 1e-9 {
		t.Errorf("pan 25: centre -> (%.3f, %.3f), want (%.3f, 240)", x, y, want)
	}
	x, y = synthetic.ApplyHomography(synthetic.CameraHomography(w, h, 0, 15, hfov), 320, 240)
	if want := 240 + f*math.Tan(15*math.Pi/180); math.Abs(x-320) > 1e-9 || math.Abs(y-want) > 1e-9 {
		t.Errorf("tilt 15: centre -> (%.3f, %.3f), want (320, %.3f)", x, y, want)
	}
	// A point 10° right of the axis, after a 25° pan right, is 15° left of it.
	x, _ = synthetic.ApplyHomography(synthetic.CameraHomography(w, h, 25, 0, hfov), 320+f*math.Tan(10*math.Pi/180), 240)
	if want := 320 - f*math.Tan(15*math.Pi/180); math.Abs(x-want) > 1e-9 {
		t.Errorf("pan 25 of a point at +10°: x %.3f, want %.3f", x, want)
	}
	// Off the axis the image stretches: a small width at the old centre
	// grows by 1/cos²(pan).
	hm := synthetic.CameraHomography(w, h, 40, 0, hfov)
	x1, _ := synthetic.ApplyHomography(hm, 319.5, 240)
	x2, _ := synthetic.ApplyHomography(hm, 320.5, 240)
	if want := 1 / math.Pow(math.Cos(40*math.Pi/180), 2); math.Abs((x2-x1)-want) > 1e-3 {
		t.Errorf("pan 40: local stretch %.4f, want %.4f", x2-x1, want)
	}
}

// blobCentre finds the intensity centroid of the bright pixels of a BGR frame.
func blobCentre(t *testing.T, m gocv.Mat) (float64, float64) {
	t.Helper()
	var sx, sy, sw float64
	px := m.ToBytes()
	for y := 0; y < m.Rows(); y++ {
		for x := 0; x < m.Cols(); x++ {
			if v := float64(px[3*(y*m.Cols()+x)+1]); v > 20 {
				sx += v * float64(x)
				sy += v * float64(y)
				sw += v
			}
		}
	}
	if sw == 0 {
		t.Fatal("no bright pixel")
	}
	return sx / sw, sy / sw
}

func TestCameraRotateMovesPointsByTheHomography(t *testing.T) {
	testenv.CheckMatLeaks(t)
	const w, h, hfov = 640, 480, 70.0
	src := gocv.NewMatWithSize(h, w, gocv.MatTypeCV8UC3)
	defer src.Close()
	dst := gocv.NewMat()
	defer dst.Close()
	cases := []struct {
		pan, tilt, x, y float64
	}{
		{0, 0, 200, 150},
		{25, 0, 400, 250},
		{-25, 0, 250, 250},
		{40, 0, 500, 240},
		{-40, 0, 150, 300},
		{0, 15, 320, 200},
		{0, -15, 330, 300},
		{20, 10, 420, 260},
	}
	for _, tc := range cases {
		src.SetTo(gocv.NewScalar(0, 0, 0, 0))
		gocv.Circle(&src, image.Pt(int(tc.x), int(tc.y)), 3, color.RGBA{255, 255, 255, 0}, -1)
		// The disc's own centroid, rasterised.
		x0, y0 := blobCentre(t, src)
		if err := synthetic.CameraRotate(src, &dst, tc.pan, tc.tilt, hfov); err != nil {
			t.Fatal(err)
		}
		if dst.Cols() != w || dst.Rows() != h {
			t.Fatalf("got %dx%d", dst.Cols(), dst.Rows())
		}
		gx, gy := blobCentre(t, dst)
		wx, wy := synthetic.ApplyHomography(synthetic.CameraHomography(w, h, tc.pan, tc.tilt, hfov), x0, y0)
		if math.Hypot(gx-wx, gy-wy) > 0.5 {
			t.Errorf("pan %v tilt %v: (%.1f, %.1f) -> (%.2f, %.2f), want (%.2f, %.2f)", tc.pan, tc.tilt, x0, y0, gx, gy, wx, wy)
		}
	}
	// No turn: the frame itself; in place.
	desk := visiontest.DeskFrame(t)
	same := desk.Clone()
	defer same.Close()
	if err := synthetic.CameraRotate(same, &same, 0, 0, hfov); err != nil {
		t.Fatal(err)
	}
	if d := gocv.NormWithMats(same, desk, gocv.NormInf); d > 1 {
		t.Errorf("no turn changed the frame by %v", d)
	}
	for _, bad := range [][3]float64{{0, 0, 0}, {0, 0, 170}, {85, 0, 70}, {0, -85, 70}, {math.NaN(), 0, 70}} {
		if err := synthetic.CameraRotate(src, &dst, bad[0], bad[1], bad[2]); err == nil {
			t.Errorf("pan %v tilt %v hfov %v: no error", bad[0], bad[1], bad[2])
		}
	}
}

// On the real desk frame the transforms keep the person findable where the
// ground truth says they are.
func TestConditionsKeepTheRealFaceWhereExpected(t *testing.T) {
	testenv.CheckMatLeaks(t)
	desk := visiontest.DeskFrame(t)
	pipe := visiontest.Pipeline(t)
	lm, _, err := pipe.Detect(desk)
	if err != nil {
		t.Fatal(err)
	}
	face, ok := lm.PrimaryFace()
	if !ok {
		t.Fatal("no face in the desk frame")
	}
	c := face.Box.Center()
	dst := gocv.NewMat()
	defer dst.Close()
	find := func(what string, wantX, wantY, wantW float64) {
		t.Helper()
		lm, _, err := pipe.Detect(dst)
		if err != nil {
			t.Fatal(err)
		}
		f, ok := lm.PrimaryFace()
		if !ok {
			t.Errorf("%s: no face found", what)
			return
		}
		got := f.Box.Center()
		t.Logf("%s: face centre (%.0f, %.0f) width %.0f, expected (%.0f, %.0f) width %.0f", what, got.X, got.Y, f.Box.W, wantX, wantY, wantW)
		// The detector's box, not the geometry, is the approximation here:
		// it is drawn round a face stretched by the perspective.
		if math.Hypot(got.X-wantX, got.Y-wantY) > 0.15*wantW || math.Abs(f.Box.W/wantW-1) > 0.15 {
			t.Errorf("%s: face at (%.0f, %.0f) width %.0f, want about (%.0f, %.0f) width %.0f", what, got.X, got.Y, f.Box.W, wantX, wantY, wantW)
		}
	}
	for _, size := range []image.Point{{1920, 1080}, {1280, 720}, {960, 540}} {
		if err := synthetic.Reframe(desk, &dst, size.X, size.Y); err != nil {
			t.Fatal(err)
		}
		s := float64(size.Y) / 480
		x0 := float64((size.X - int(math.Round(640*s))) / 2)
		find(size.String(), x0+s*c.X, s*c.Y, s*face.Box.W)
	}
	const k = 0.4
	hfov := synthetic.WiderHFOV(70, k)
	wide := gocv.NewMat()
	defer wide.Close()
	if err := synthetic.Widen(desk, &wide, k); err != nil {
		t.Fatal(err)
	}
	for _, pan := range []float64{25, -25, 40, -40} {
		if err := synthetic.CameraRotate(wide, &dst, pan, 0, hfov); err != nil {
			t.Fatal(err)
		}
		// The face centre in the widened frame (the photo unscaled in the
		// middle), moved by the homography; its width grows by about
		// 1/cos² of its angle off the axis.
		ww, wh := wide.Cols(), wide.Rows()
		zx, zy := c.X+float64(ww-640)/2, c.Y+float64(wh-480)/2
		hm := synthetic.CameraHomography(ww, wh, pan, 0, hfov)
		wx, wy := synthetic.ApplyHomography(hm, zx, zy)
		l, _ := synthetic.ApplyHomography(hm, zx-face.Box.W/2, zy)
		r, _ := synthetic.ApplyHomography(hm, zx+face.Box.W/2, zy)
		find(fmt.Sprintf("pan %+.0f°", pan), wx, wy, r-l)
	}
}
