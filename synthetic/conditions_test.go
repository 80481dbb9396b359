package synthetic_test

import (
	"math"
	"testing"

	"gocv.io/x/gocv"

	"github.com/neckwatch/neckwatch/internal/testenv"
	"github.com/neckwatch/neckwatch/synthetic"
)

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
