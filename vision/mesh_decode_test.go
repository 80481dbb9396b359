package vision

import (
	"math"
	"testing"

	"github.com/neckwatch/neckwatch/landmark"
)

func TestAffineInvertRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		box  landmark.Rect
		deg  float64
	}{
		{"level", landmark.Rect{X: 100, Y: 80, W: 120, H: 150}, 0},
		{"tilted", landmark.Rect{X: 400, Y: 300, W: 200, H: 240}, 25},
		{"tilted the other way, off the frame", landmark.Rect{X: -40, Y: -10, W: 90, H: 100}, -40},
	} {
		t.Run(tc.name, func(t *testing.T) {
			toCrop, scale := FaceMeshCrop(tc.box, tc.deg*math.Pi/180)
			toFrame, err := toCrop.Invert()
			if err != nil {
				t.Fatal(err)
			}
			c := tc.box.Center()
			if x, y := toCrop.Apply(c.X, c.Y); math.Abs(x-96) > 1e-9 || math.Abs(y-96) > 1e-9 {
				t.Errorf("box centre maps to (%v, %v), want the input's centre (96, 96)", x, y)
			}
			if want := 192 / (1.5 * math.Max(tc.box.W, tc.box.H)); math.Abs(scale-want) > 1e-12 {
				t.Errorf("scale %v, want %v", scale, want)
			}
			// A point on the tilted eye line through the centre lands level.
			a := tc.deg * math.Pi / 180
			x, y := toCrop.Apply(c.X+30*math.Cos(a), c.Y+30*math.Sin(a))
			if math.Abs(y-96) > 1e-9 || x <= 96 {
				t.Errorf("eye-line point maps to (%v, %v), want level with the centre and right of it", x, y)
			}
			for _, p := range [][2]float64{{0, 0}, {13, 170}, {191, 2}} {
				fx, fy := toFrame.Apply(p[0], p[1])
				bx, by := toCrop.Apply(fx, fy)
				if math.Hypot(bx-p[0], by-p[1]) > 1e-9 {
					t.Errorf("round trip of %v gave (%v, %v)", p, bx, by)
				}
			}
		})
	}
	if _, err := (Affine{}).Invert(); err == nil {
		t.Error("a singular map inverted without error")
	}
}

func TestDecodeFaceMesh(t *testing.T) {
	pts := make([]float32, 3*landmark.MeshPoints)
	for i := 0; i < landmark.MeshPoints; i++ {
		pts[3*i], pts[3*i+1], pts[3*i+2] = float32(i%192), float32(i/192), float32(i%7-3)
	}
	toCrop, scale := FaceMeshCrop(landmark.Rect{X: 50, Y: 60, W: 64, H: 80}, 0.3)
	toFrame, _ := toCrop.Invert()
	m, err := DecodeFaceMesh(pts, 2, toFrame, scale)
	if err != nil {
		t.Fatal(err)
	}
	if want := 1 / (1 + math.Exp(-2)); math.Abs(m.Presence-want) > 1e-9 {
		t.Errorf("presence %v, want sigmoid(2) = %v", m.Presence, want)
	}
	for _, i := range []int{0, 5, 200, 467} {
		x, y := toCrop.Apply(m.Points[i].X, m.Points[i].Y)
		if math.Abs(x-float64(pts[3*i])) > 1e-6 || math.Abs(y-float64(pts[3*i+1])) > 1e-6 {
			t.Errorf("point %d: frame (%v, %v) maps back to (%v, %v), want (%v, %v)", i, m.Points[i].X, m.Points[i].Y, x, y, pts[3*i], pts[3*i+1])
		}
		// Depth is brought to frame pixels by the same scale as x and y.
		if want := float64(pts[3*i+2]) / scale; math.Abs(m.Points[i].Z-want) > 1e-6 {
			t.Errorf("point %d: z %v, want %v", i, m.Points[i].Z, want)
		}
	}
	if _, err := DecodeFaceMesh(pts[:30], 0, toFrame, scale); err == nil {
		t.Error("a short output decoded without error")
	}
	if _, err := DecodeFaceMesh(pts, 0, toFrame, 0); err == nil {
		t.Error("a zero scale decoded without error")
	}
}
