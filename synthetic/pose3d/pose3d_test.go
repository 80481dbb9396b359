package pose3d

import (
	"math"
	"testing"

	"github.com/neckwatch/neckwatch/landmark"
)

// deskFrame is a 640x480 frame of an upright person about 48 cm from a
// 70° webcam: eyes 60 px apart, shoulders 200 px apart.
func deskFrame() (landmark.Frame, Camera) {
	f := 320 / math.Tan(35*math.Pi/180)
	cam := Camera{FocalPx: f, HeadDistCM: f * 6.3 / 60}
	pxPerCM := f / cam.HeadDistCM
	face := landmark.Face{
		Box: landmark.Rect{X: 270, Y: 150, W: 100, H: 130}, Score: 0.9,
		RightEye: landmark.Point{X: 290, Y: 200}, LeftEye: landmark.Point{X: 350, Y: 200},
		Nose: landmark.Point{X: 320, Y: 235}, RightMouth: landmark.Point{X: 300, Y: 265}, LeftMouth: landmark.Point{X: 340, Y: 265},
	}
	var mesh landmark.Mesh
	for i := range mesh.Points {
		mesh.Points[i] = landmark.Point3{X: 320, Y: 230}
	}
	set := func(i landmark.MeshIndex, x, y, zCM float64) {
		mesh.Points[i] = landmark.Point3{X: x, Y: y, Z: zCM * pxPerCM}
	}
	set(landmark.MeshRightEyeOuter, 280, 200, 0)
	set(landmark.MeshRightEyeInner, 300, 200, 0)
	set(landmark.MeshLeftEyeInner, 340, 200, 0)
	set(landmark.MeshLeftEyeOuter, 360, 200, 0)
	set(landmark.MeshNoseTip, 320, 235, -2)
	set(landmark.MeshChin, 320, 290, 0)
	set(landmark.MeshForehead, 320, 150, 0.5)
	mesh.Presence = 1
	face.Mesh = &mesh
	body := &landmark.Body{}
	kp := func(p landmark.BodyPart, x, y float64) {
		body.Keypoints[p] = landmark.Keypoint{Point: landmark.Point{X: x, Y: y}, Score: 0.9}
	}
	kp(landmark.Nose, 320, 235)
	kp(landmark.RightEye, 290, 200)
	kp(landmark.LeftEye, 350, 200)
	kp(landmark.RightEar, 255, 215)
	kp(landmark.LeftEar, 385, 215)
	kp(landmark.RightShoulder, 220, 380)
	kp(landmark.LeftShoulder, 420, 380)
	return landmark.Frame{Width: 640, Height: 480, Faces: []landmark.Face{face}, Body: body, Brightness: 120}, cam
}

func shoulderWidth(fr landmark.Frame) float64 {
	return fr.Body.Part(landmark.LeftShoulder).Dist(fr.Body.Part(landmark.RightShoulder).Point)
}

func TestApply(t *testing.T) {
	fr, cam := deskFrame()
	a := DefaultAnatomy()
	d := cam.HeadDistCM
	for _, tc := range []struct {
		name  string
		m     Motion
		check func(t *testing.T, got landmark.Frame)
	}{
		{"still", Motion{}, func(t *testing.T, got landmark.Frame) {
			g, w := got.Faces[0], fr.Faces[0]
			for i := range g.Mesh.Points {
				if p, q := g.Mesh.Points[i], w.Mesh.Points[i]; math.Abs(p.X-q.X)+math.Abs(p.Y-q.Y)+math.Abs(p.Z-q.Z) > 1e-9 {
					t.Fatalf("mesh point %d moved: %v -> %v", i, q, p)
				}
			}
			moved := g.Nose.Dist(w.Nose) + g.RightEye.Dist(w.RightEye) + math.Abs(g.Box.W-w.Box.W) + math.Abs(g.Box.Y-w.Box.Y)
			for p := range got.Body.Keypoints {
				moved += got.Body.Keypoints[p].Dist(fr.Body.Keypoints[p].Point)
			}
			if moved > 1e-9 {
				t.Errorf("a still motion moved the face or body by %g px", moved)
			}
		}},
		{"forward 5 cm", Motion{ForwardCM: 5}, func(t *testing.T, got landmark.Frame) {
			// Two points at one depth: their distance scales by d/(d-5).
			if r, want := got.Faces[0].EyeDistance()/fr.Faces[0].EyeDistance(), d/(d-5); math.Abs(r-want) > 1e-9 {
				t.Errorf("eye distance x%.4f, want x%.4f", r, want)
			}
			if shoulderWidth(got) != shoulderWidth(fr) {
				t.Error("the shoulders moved with the head")
			}
		}},
		{"bow 20°", Motion{BowDeg: 20}, func(t *testing.T, got landmark.Frame) {
			g, w := got.Faces[0], fr.Faces[0]
			if g.EyeMid().Y <= w.EyeMid().Y+5 {
				t.Errorf("eyes at y %.1f, want well below %.1f", g.EyeMid().Y, w.EyeMid().Y)
			}
			// The nose tip, in front of the eyes, comes down towards the
			// mouth's level: the nose-to-mouth gap closes.
			if gg, ww := g.MouthMid().Y-g.Nose.Y, w.MouthMid().Y-w.Nose.Y; gg >= ww {
				t.Errorf("nose to mouth %.1f px, was %.1f: want smaller", gg, ww)
			}
			if got.Body.Part(landmark.LeftShoulder) != fr.Body.Part(landmark.LeftShoulder) {
				t.Error("the shoulders moved with a bow")
			}
		}},
		{"lean back 15°", Motion{LeanBackDeg: 15}, func(t *testing.T, got landmark.Frame) {
			fe, fs := got.Faces[0].EyeDistance()/fr.Faces[0].EyeDistance(), shoulderWidth(got)/shoulderWidth(fr)
			if fe >= 1 || fs >= 1 {
				t.Errorf("face x%.3f, shoulders x%.3f: both should shrink", fe, fs)
			}
			// The head, further from the hips, goes further back than the
			// shoulders: against them it reads as drawn back, never forward.
			if fe >= fs {
				t.Errorf("face x%.3f, shoulders x%.3f: the head should recede more", fe, fs)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Apply(fr, cam, a, tc.m)
			if err != nil {
				t.Fatal(err)
			}
			if got.Faces[0].Mesh == fr.Faces[0].Mesh || got.Body == fr.Body {
				t.Fatal("Apply shares the input's mesh or body")
			}
			tc.check(t, got)
		})
	}
}

func TestApplyRefuses(t *testing.T) {
	fr, cam := deskFrame()
	if _, err := Apply(landmark.Frame{Width: 640, Height: 480}, cam, DefaultAnatomy(), Motion{}); err != ErrNoFace {
		t.Errorf("no face: %v, want ErrNoFace", err)
	}
	if _, err := Apply(fr, Camera{}, DefaultAnatomy(), Motion{}); err == nil {
		t.Error("no camera: no error")
	}
}
