package posture

import (
	"strings"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/landmark"
)

// frontalBody is an upper body facing the camera under a face at (cx, cy)
// with eyes ied apart: nose, eyes, ears and shoulders 280 px wide at y 396.
func frontalBody(cx, cy, ied float64) *landmark.Body {
	b := uprightBody()
	set := func(p landmark.BodyPart, x, y float64) {
		b.Keypoints[p] = landmark.Keypoint{Point: landmark.Point{X: x, Y: y}, Score: 0.9}
	}
	set(landmark.Nose, cx, cy+faceNoseY*ied)
	set(landmark.LeftEye, cx+ied/2, cy)
	set(landmark.RightEye, cx-ied/2, cy)
	set(landmark.LeftEar, cx+ied, cy+0.2*ied)
	set(landmark.RightEar, cx-ied, cy+0.2*ied)
	return b
}

// profileBody is a body seen from the side, facing image right, its head
// at (300, 200).
func profileBody() *landmark.Body {
	pt := func(x, y float64) landmark.Point { return landmark.Point{X: x, Y: y} }
	return sidePose{ear: pt(300, 200), shoulder: pt(300, 300), hip: pt(300, 500), nose: pt(340, 210)}.body()
}

func TestDetectView(t *testing.T) {
	cam := DefaultCameraModel()
	frame := func(body *landmark.Body, faces ...landmark.Face) *landmark.Frame {
		return &landmark.Frame{Width: testW, Height: testH, Faces: faces, Body: body}
	}
	// A face in profile over the profile body: the mesh is turned 70°.
	profileFace := meshFace(330, 200, 40, poseFromAngles(0, 70, 0))
	tests := []struct {
		name  string
		frame *landmark.Frame
		want  View
	}{
		{"frontal face with mesh, wide shoulders", frame(frontalBody(320, 200, testIED), meshFace(320, 200, testIED, IdentityPose)), Front},
		{"frontal face with mesh, shoulders only", frame(uprightBody(), meshFace(320, 200, testIED, IdentityPose)), Front},
		{"frontal face with mesh, no body", frame(nil, meshFace(320, 200, testIED, IdentityPose)), Front},
		{"face 35° off-axis, wide shoulders", frame(frontalBody(320, 200, testIED), meshFace(320, 200, testIED, poseFromAngles(0, 35, 0))), Front},
		{"five-point face over a frontal body", frame(frontalBody(320, 200, testIED), frontalFace(320, 200, testIED)), Front},
		{"no face, profile body", frame(profileBody()), Side},
		{"no face, mirrored profile body", frame(sidePose{ear: landmark.Point{X: 340, Y: 200}, shoulder: landmark.Point{X: 340, Y: 300},
			hip: landmark.Point{X: 340, Y: 500}, nose: landmark.Point{X: 300, Y: 210}}.body()), Side},
		{"mesh face turned 70° over a profile body", frame(profileBody(), profileFace), Side},
		{"frontal mesh face over a profile body", frame(profileBody(), meshFace(320, 200, testIED, IdentityPose)), Side},
		{"five-point face over a profile body", frame(profileBody(), frontalFace(320, 200, 40)), Side},
		{"nobody", frame(nil), Front},
		{"no face, shoulders only", frame(uprightBody()), Front},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := DetectView(tc.frame, cam); got != tc.want {
				t.Errorf("DetectView = %s, want %s", got, tc.want)
			}
		})
	}
}

// TestClassifyAutoView: with the view left to auto the classifier judges
// each frame in the view DetectView reads off it, and says which.
func TestClassifyAutoView(t *testing.T) {
	front := frontFrame(meshFace(320, 200, testIED, IdentityPose), frontalBody(320, 200, testIED))
	side := &landmark.Frame{Width: testW, Height: testH, Body: profileBody()}
	pt := func(x, y float64) landmark.Point { return landmark.Point{X: x, Y: y} }
	hunched := &landmark.Frame{Width: testW, Height: testH,
		Body: sidePose{ear: pt(400, 200), shoulder: pt(300, 300), hip: pt(300, 500), nose: pt(440, 205)}.body()}

	auto := NewClassifier(Auto, nil)
	for _, tc := range []struct {
		name  string
		frame *landmark.Frame
		view  View
	}{
		{"frontal", front, Front},
		{"profile", side, Side},
		{"hunched profile", hunched, Side},
	} {
		got := auto.Classify(tc.frame)
		forced := NewClassifier(tc.view, nil).Classify(tc.frame)
		if got.View != tc.view {
			t.Errorf("%s: View %q, want %q", tc.name, got.View, tc.view)
		}
		if got.State != forced.State || got.Severity != forced.Severity || got.Score != forced.Score {
			t.Errorf("%s: auto %s %.3f (score %.3f), forced %s: %s %.3f (score %.3f)", tc.name, got.State, got.Severity, got.Score, tc.view, forced.State, forced.Severity, forced.Score)
		}
		if forced.View != tc.view {
			t.Errorf("%s: forced %s: View %q", tc.name, tc.view, forced.View)
		}
	}
	if v := auto.Classify(hunched); v.State != ForwardHead {
		t.Errorf("hunched profile: %s, want forward_head", v.State)
	}
	// A forced view is kept even when the picture says otherwise.
	if v := NewClassifier(Front, nil).Classify(side); v.View != Front {
		t.Errorf("forced front on a profile frame: View %q", v.View)
	}
	// With a baseline, the baseline's view rules.
	sideBase, err := NewSideBaseline([]SideFeatures{{Usable: true, NeckAngleDeg: 80}})
	if err != nil {
		t.Fatal(err)
	}
	if v := NewClassifier(Auto, &sideBase).Classify(front); v.View != Side {
		t.Errorf("auto with a side baseline: View %q, want side", v.View)
	}
}

func TestBuildBaseline(t *testing.T) {
	cam := DefaultCameraModel()
	var fronts, sides []landmark.Frame
	for i := 0; i < 3; i++ {
		fronts = append(fronts, *frontFrame(meshFace(320, 200, testIED, IdentityPose), frontalBody(320, 200, testIED)))
		sides = append(sides, landmark.Frame{Width: testW, Height: testH, Body: profileBody()})
	}
	mostlySide := append(append([]landmark.Frame(nil), sides...), fronts[0])
	tests := []struct {
		name    string
		view    View
		frames  []landmark.Frame
		want    View
		wantErr bool
	}{
		{"auto, frontal frames", Auto, fronts, Front, false},
		{"auto, profile frames", Auto, sides, Side, false},
		{"auto, mostly profile", Auto, mostlySide, Side, false},
		{"forced front", Front, fronts, Front, false},
		{"forced side", Side, sides, Side, false},
		{"forced front on profile frames", Front, sides, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := BuildBaseline(tc.view, tc.frames, cam)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("BuildBaseline = %+v, want an error", b)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if b.View != tc.want {
				t.Errorf("View %s, want %s", b.View, tc.want)
			}
			if err := b.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
		})
	}
	// The builder is NewBaseline over MeasureFront.
	b, err := BuildBaseline(Front, fronts, cam)
	if err != nil {
		t.Fatal(err)
	}
	var feats []FrontFeatures
	for i := range fronts {
		feats = append(feats, MeasureFront(&fronts[i], cam))
	}
	want, err := NewBaseline(feats)
	if err != nil {
		t.Fatal(err)
	}
	b.CreatedAt, want.CreatedAt = time.Time{}, time.Time{}
	if b != want || !b.Mesh || !b.Shoulders {
		t.Errorf("BuildBaseline(Front) =\n%+v\nwant NewBaseline's\n%+v (with the mesh and shoulders)", b, want)
	}
}

// scaleFrame returns fr with every landmark scaled by k, in a w x h frame:
// the same scene from the same camera at another resolution.
func scaleFrame(fr *landmark.Frame, k float64, w, h int) *landmark.Frame {
	out := &landmark.Frame{Width: w, Height: h}
	sp := func(p landmark.Point) landmark.Point { return p.Scale(k) }
	for _, f := range fr.Faces {
		f.Box = landmark.Rect{X: f.Box.X * k, Y: f.Box.Y * k, W: f.Box.W * k, H: f.Box.H * k}
		f.RightEye, f.LeftEye, f.Nose = sp(f.RightEye), sp(f.LeftEye), sp(f.Nose)
		f.RightMouth, f.LeftMouth = sp(f.RightMouth), sp(f.LeftMouth)
		if f.Mesh != nil {
			m := *f.Mesh
			for i, p := range m.Points {
				m.Points[i] = landmark.Point3{X: p.X * k, Y: p.Y * k, Z: p.Z * k}
			}
			f.Mesh = &m
		}
		out.Faces = append(out.Faces, f)
	}
	if fr.Body != nil {
		b := *fr.Body
		for i := range b.Keypoints {
			b.Keypoints[i].Point = sp(b.Keypoints[i].Point)
		}
		out.Body = &b
	}
	return out
}

// TestResolutionInvariance: a calibration made at 1280x720 judges the
// same scene at 640x360, 960x540 and 1920x1080 exactly as at 1280x720,
// including without the shoulders (where the eyes are measured against
// the calibrated shoulder line); a frame of another shape (another camera
// or field of view) is not judged but sent back to calibration.
func TestResolutionInvariance(t *testing.T) {
	cam := DefaultCameraModel()
	// The 1280x720 scene: eyes 126 px apart at (640, 300), shoulders
	// 560 px wide at y 690.
	const w, h, ied = 1280, 720, 126.0
	body := func(dx, dy float64) *landmark.Body {
		var b landmark.Body
		b.Keypoints[landmark.LeftShoulder] = landmark.Keypoint{Point: landmark.Point{X: 640 + 280 + dx, Y: 690 + dy}, Score: 0.9}
		b.Keypoints[landmark.RightShoulder] = landmark.Keypoint{Point: landmark.Point{X: 640 - 280 + dx, Y: 690 + dy}, Score: 0.9}
		b.Keypoints[landmark.Nose] = landmark.Keypoint{Point: landmark.Point{X: 640 + dx, Y: 300 + faceNoseY*ied + dy}, Score: 0.9}
		return &b
	}
	at := func(f landmark.Face, b *landmark.Body) *landmark.Frame {
		return &landmark.Frame{Width: w, Height: h, Faces: []landmark.Face{f}, Body: b}
	}
	for _, mesh := range []bool{true, false} {
		face := func(cx, cy, size float64, pose HeadPose) landmark.Face {
			if mesh {
				return meshFace(cx, cy, size, pose)
			}
			p, _, r := pose.Angles()
			f := pitchedFace(cx, cy, size, p)
			return rotateFace(f, r)
		}
		name := map[bool]string{true: "mesh", false: "five points"}[mesh]
		var calib []landmark.Frame
		for i := 0; i < 3; i++ {
			calib = append(calib, *at(face(640, 300, ied, IdentityPose), body(0, 0)))
		}
		base, err := BuildBaseline(Auto, calib, cam)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if base.View != Front || base.FrameW != w || base.FrameH != h || base.Mesh != mesh {
			t.Fatalf("%s: baseline %+v", name, base)
		}
		c := NewClassifier(Auto, &base)
		scenes := []struct {
			name  string
			frame *landmark.Frame
			state State
		}{
			{"upright", at(face(640, 300, ied, IdentityPose), body(0, 0)), Upright},
			{"head forward", at(face(640, 300, 1.2*ied, IdentityPose), body(0, 0)), ForwardHead},
			{"head dropped", at(face(640, 300+1.2*ied, ied, IdentityPose), body(0, 0)), Slouch},
			{"chin down", at(face(640, 300, ied, poseFromAngles(30, 0, 0)), body(0, 0)), ForwardHead},
			{"head tilted", at(face(640, 300, ied, poseFromAngles(0, 0, 25)), body(0, 0)), Lean},
			{"upright, shoulders out of frame", at(face(640, 300, ied, IdentityPose), nil), Upright},
			{"head dropped, shoulders out of frame", at(face(640, 300+1.2*ied, ied, IdentityPose), nil), Slouch},
			{"head forward, shoulders out of frame", at(face(640, 300, 1.2*ied, IdentityPose), nil), ForwardHead},
		}
		for _, sc := range scenes {
			ref := c.Classify(sc.frame)
			if ref.State != sc.state || !ref.Calibrated {
				t.Errorf("%s, %s at 1280x720: %s (calibrated %v, reasons %q), want %s", name, sc.name, ref.State, ref.Calibrated, ref.Reasons, sc.state)
			}
			for _, res := range []struct {
				w, h int
			}{{640, 360}, {960, 540}, {1920, 1080}} {
				k := float64(res.w) / w
				v := c.Classify(scaleFrame(sc.frame, k, res.w, res.h))
				if v.State != ref.State || !approx(v.Severity, ref.Severity, 1e-9) || !approx(v.Score, ref.Score, 1e-9) ||
					!ptrApprox(v.ForwardCM, ref.ForwardCM) || !ptrApprox(v.NeckAngleDeg, ref.NeckAngleDeg) || v.Shoulders != ref.Shoulders {
					t.Errorf("%s, %s at %dx%d: %s severity %v score %v forward %v; at 1280x720 %s severity %v score %v forward %v",
						name, sc.name, res.w, res.h, v.State, v.Severity, v.Score, fmtPtr(v.ForwardCM), ref.State, ref.Severity, ref.Score, fmtPtr(ref.ForwardCM))
				}
			}
		}
		// Another shape: the field of view changed; say so.
		for _, res := range []struct {
			w, h int
		}{{640, 480}, {1280, 960}, {720, 1280}} {
			k := float64(res.w) / w
			fr := scaleFrame(at(face(640, 300, ied, IdentityPose), body(0, 0)), k, res.w, res.h)
			v := c.Classify(fr)
			if v.State != Uncertain || !strings.Contains(strings.Join(v.Reasons, "; "), "recalibrate") || v.Severity != 0 {
				t.Errorf("%s: 1280x720 calibration, %dx%d frame: %s severity %v %q, want uncertain asking to recalibrate", name, res.w, res.h, v.State, v.Severity, v.Reasons)
			}
		}
		// A few pixels of difference in shape (a cropped sensor mode) is
		// within the tolerance.
		if v := c.Classify(scaleFrame(at(face(640, 300, ied, IdentityPose), body(0, 0)), 1, 1280, 736)); v.State != Upright {
			t.Errorf("%s: 1280x736 frame: %s %q, want upright", name, v.State, v.Reasons)
		}
	}
}

func ptrApprox(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return approx(*a, *b, 1e-9)
}

func fmtPtr(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
