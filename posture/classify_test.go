package posture

import (
	"math"
	"strings"
	"testing"

	"github.com/neckwatch/neckwatch/landmark"
)

// calibratedBaseline is NewBaseline over a few upright frames of the test
// scene (eyes 63 px apart at (320, 200), shoulders 280 px wide at y 396).
func calibratedBaseline(t *testing.T) *Baseline {
	t.Helper()
	cam := DefaultCameraModel()
	var frames []FrontFeatures
	for i := 0; i < 5; i++ {
		frames = append(frames, MeasureFront(frontFrame(frontalFace(320, 200, testIED), uprightBody()), cam))
	}
	b, err := NewBaseline(frames)
	if err != nil {
		t.Fatalf("NewBaseline: %v", err)
	}
	if err := b.Validate(); err != nil {
		t.Fatalf("baseline does not validate: %v", err)
	}
	return &b
}

// noseYForPitch returns the nose drop (in eye distances) that headPose
// reads as pitchDeg for a face with the canonical mouth.
func noseYForPitch(pitchDeg float64) float64 {
	tn := math.Tan(pitchDeg * math.Pi / 180)
	r := (faceNoseY + faceNoseZ*tn) / (faceMouthY + faceMouthZ*tn)
	return r * faceMouthY
}

func pitchedFace(cx, cy, ied, pitchDeg float64) landmark.Face {
	f := frontalFace(cx, cy, ied)
	f.Nose.Y = cy + noseYForPitch(pitchDeg)*ied
	return f
}

func headBody() *landmark.Body {
	var b landmark.Body
	for _, p := range []landmark.BodyPart{landmark.Nose, landmark.LeftEye, landmark.RightEye, landmark.LeftEar} {
		b.Keypoints[p] = landmark.Keypoint{Point: landmark.Point{X: 300, Y: 200}, Score: 0.9}
	}
	return &b
}

func TestNoseYForPitch(t *testing.T) {
	for _, p := range []float64{-10, 0, 10, 20, 35} {
		got, _, _ := headPose(pitchedFace(320, 200, testIED, p))
		if !approx(got, p, 1e-9) {
			t.Errorf("pitchedFace(%v): headPose pitch %v", p, got)
		}
	}
}

func TestClassifyFrontCalibrated(t *testing.T) {
	base := calibratedBaseline(t)
	c := NewClassifier(Front, base)
	th := c.Thresholds
	lin := func(x, start, severe float64) float64 { return (x - start) / (severe - start) }
	tests := []struct {
		name      string
		frame     *landmark.Frame
		state     State
		severity  float64 // -1: only check > 0
		shoulders bool
		person    bool
		reason    string // substring of one reason
	}{
		{"upright", frontFrame(frontalFace(320, 200, testIED), uprightBody()), Upright, 0, true, true, ""},
		{"head forward", frontFrame(frontalFace(320, 200, 1.16*testIED), uprightBody()), ForwardHead, -1, true, true, "cm forward"},
		// Eyes 49 px lower: 49/63 = 0.78 face sizes (about 5 cm), against
		// the drop limits in face sizes.
		{"slouch", frontFrame(frontalFace(320, 249, testIED), uprightBody()), Slouch, lin(49/testIED, th.DropStart, th.DropSevere), true, true, "cm lower"},
		// Roll 20°: (20-12)/(30-12).
		// The five points give the tilt in the image; against a level head
		// (pitch populationPitchDeg in the mesh's convention) it is a roll
		// about the head's own axis of slightly less.
		{"head roll 20°", frontFrame(rotateFace(frontalFace(320, 200, testIED), 20), uprightBody()), Lean, lin(headRoll(20), th.RollStartDeg, th.RollSevereDeg), true, true, "sideways"},
		{"head roll -20°", frontFrame(rotateFace(frontalFace(320, 200, testIED), -20), uprightBody()), Lean, lin(headRoll(20), th.RollStartDeg, th.RollSevereDeg), true, true, "sideways"},
		// Lateral 70/280 = 0.25 shoulder widths: (0.25-0.15)/(0.4-0.15).
		{"lateral shift right", frontFrame(frontalFace(390, 200, testIED), uprightBody()), Lean, lin(0.25, th.LateralStart, th.LateralSevere), true, true, "off centre"},
		{"lateral shift left", frontFrame(frontalFace(250, 200, testIED), uprightBody()), Lean, lin(0.25, th.LateralStart, th.LateralSevere), true, true, "off centre"},
		// Pitch 27.5° beyond a 0° baseline: (27.5-15)/(40-15).
		{"chin down", frontFrame(pitchedFace(320, 200, testIED, 27.5), uprightBody()), ForwardHead, lin(27.5, th.PitchStartDeg, th.PitchSevereDeg), true, true, "down"},
		{"chin up is fine", frontFrame(pitchedFace(320, 200, testIED, -20), uprightBody()), Upright, 0, true, true, ""},
		{"small roll is fine", frontFrame(rotateFace(frontalFace(320, 200, testIED), 8), uprightBody()), Upright, 0, true, true, ""},
		{"yaw beyond MaxYaw", frontFrame(yawedFace(320, 200, testIED, 45), uprightBody()), Uncertain, 0, true, true, "turned"},
		{"yaw within MaxYaw", frontFrame(yawedFace(320, 200, testIED, 30), uprightBody()), Upright, 0, true, true, ""},
		{"nobody", &landmark.Frame{Width: testW, Height: testH}, Away, 0, false, false, ""},
		{"body without face", &landmark.Frame{Width: testW, Height: testH, Body: uprightBody()}, Away, 0, false, false, ""},
		{"confident head without face", &landmark.Frame{Width: testW, Height: testH, Body: headBody()}, Uncertain, 0, false, true, "no face"},
		{"shoulders missing, upright", frontFrame(frontalFace(320, 200, testIED), nil), Upright, 0, false, true, ""},
		// Measured against the calibrated eye position, in face sizes: the
		// same drop as with the shoulders.
		{"shoulders missing, eyes dropped", frontFrame(frontalFace(320, 249, testIED), nil), Slouch, lin(49/testIED, th.DropStart, th.DropSevere), false, true, "cm lower"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := c.Classify(tc.frame)
			if v.State != tc.state {
				t.Fatalf("State = %s, want %s (reasons %q)", v.State, tc.state, v.Reasons)
			}
			if tc.severity < 0 {
				if v.Severity <= 0 || v.Severity > 1 {
					t.Errorf("Severity = %v, want in (0, 1]", v.Severity)
				}
			} else if !approx(v.Severity, tc.severity, 1e-6) {
				t.Errorf("Severity = %v, want %v", v.Severity, tc.severity)
			}
			if v.Shoulders != tc.shoulders || v.Person != tc.person || !v.Calibrated {
				t.Errorf("Shoulders %v Person %v Calibrated %v, want %v %v true", v.Shoulders, v.Person, v.Calibrated, tc.shoulders, tc.person)
			}
			if tc.reason != "" && !strings.Contains(strings.Join(v.Reasons, "; "), tc.reason) {
				t.Errorf("Reasons %q, want one mentioning %q", v.Reasons, tc.reason)
			}
			if tc.state == Upright && len(v.Reasons) != 0 {
				t.Errorf("upright with reasons %q", v.Reasons)
			}
		})
	}
}

func TestClassifyFrontUprightValues(t *testing.T) {
	c := NewClassifier(Front, calibratedBaseline(t))
	v := c.Classify(frontFrame(frontalFace(320, 200, testIED), uprightBody()))
	if v.ForwardCM == nil || !approx(*v.ForwardCM, 0, 1e-9) {
		t.Errorf("ForwardCM = %v, want 0", v.ForwardCM)
	}
	if v.NeckAngleDeg == nil || !approx(*v.NeckAngleDeg, c.Camera.UprightNeckAngleDeg, 1e-9) {
		t.Errorf("NeckAngleDeg = %v, want the upright %v", v.NeckAngleDeg, c.Camera.UprightNeckAngleDeg)
	}
}

func TestClassifyFrontForwardHeadGrows(t *testing.T) {
	base := calibratedBaseline(t)
	c := NewClassifier(Front, base)
	headDist := base.HeadDistCM // ~45.7 cm
	prevSev, prevAngle := -1.0, 91.0
	// The face grows by k against unchanged shoulders: the head came
	// closer by HeadDist(now) * (k - 1) = headDist*(k-1)/k.
	for _, k := range []float64{1.08, 1.12, 1.16, 1.2} {
		fr := frontFrame(frontalFace(320, 200, k*testIED), uprightBody())
		ft := MeasureFront(fr, c.Camera)
		v := c.ClassifyFront(ft)
		wantCM := headDist * (k - 1) / k
		if v.ForwardCM == nil || !approx(*v.ForwardCM, wantCM, 1e-6) || !approx(*v.ForwardCM, ft.HeadDistCM*(ft.FaceScale/base.FaceScale-1), 1e-9) {
			t.Fatalf("k=%v: ForwardCM = %v, want %v", k, v.ForwardCM, wantCM)
		}
		th := c.Thresholds
		wantSev := (wantCM - th.ForwardStartCM) / (th.ForwardSevereCM - th.ForwardStartCM)
		if v.State != ForwardHead || !approx(v.Severity, wantSev, 1e-6) {
			t.Errorf("k=%v (%.2f cm): %s severity %v, want forward_head %v", k, wantCM, v.State, v.Severity, wantSev)
		}
		if v.Severity <= prevSev {
			t.Errorf("k=%v: severity %v did not rise (previous %v)", k, v.Severity, prevSev)
		}
		if v.NeckAngleDeg == nil || *v.NeckAngleDeg >= prevAngle || !approx(*v.NeckAngleDeg, c.Camera.NeckAngle(wantCM, 1), 1e-6) {
			t.Errorf("k=%v: NeckAngleDeg %v, want %v below %v", k, v.NeckAngleDeg, c.Camera.NeckAngle(wantCM, 1), prevAngle)
		}
		prevSev, prevAngle = v.Severity, *v.NeckAngleDeg
	}
	// Far forward saturates at 1.
	v := c.Classify(frontFrame(frontalFace(320, 200, 1.5*testIED), uprightBody()))
	if v.State != ForwardHead || v.Severity != 1 {
		t.Errorf("k=1.5: %s severity %v, want forward_head 1", v.State, v.Severity)
	}
	// A small change stays upright.
	v = c.Classify(frontFrame(frontalFace(320, 200, 1.04*testIED), uprightBody()))
	if v.State != Upright || v.ForwardCM == nil || *v.ForwardCM <= 0 {
		t.Errorf("k=1.04: %s ForwardCM %v, want upright with a small positive forward", v.State, v.ForwardCM)
	}
}

func TestClassifyFrontWithoutShoulders(t *testing.T) {
	cam := DefaultCameraModel()
	t.Run("calibrated: judged by head distance", func(t *testing.T) {
		base := calibratedBaseline(t)
		c := NewClassifier(Front, base)
		ft := MeasureFront(frontFrame(frontalFace(320, 200, 1.15*testIED), nil), cam)
		v := c.ClassifyFront(ft)
		want := base.HeadDistCM - ft.HeadDistCM // 45.7 - 45.7/1.15 = 5.96
		if v.ForwardCM == nil || !approx(*v.ForwardCM, want, 1e-9) || !approx(want, base.HeadDistCM*0.15/1.15, 1e-6) {
			t.Fatalf("ForwardCM = %v, want %v", v.ForwardCM, want)
		}
		if v.State != ForwardHead || v.Shoulders || !v.Calibrated || !v.Person {
			t.Errorf("%s Shoulders %v Calibrated %v Person %v, want forward_head false true true", v.State, v.Shoulders, v.Calibrated, v.Person)
		}
		th := c.Thresholds
		if wantSev := (want - th.ForwardStartCM) / (th.ForwardSevereCM - th.ForwardStartCM); !approx(v.Severity, wantSev, 1e-6) {
			t.Errorf("Severity = %v, want %v", v.Severity, wantSev)
		}
	})
	t.Run("uncalibrated: uncertain", func(t *testing.T) {
		c := NewClassifier(Front, nil)
		v := c.Classify(frontFrame(frontalFace(320, 200, testIED), nil))
		if v.State != Uncertain || v.Calibrated || v.Shoulders || !v.Person || v.ForwardCM != nil {
			t.Errorf("%+v: want uncertain, uncalibrated, no shoulders, a person, no ForwardCM", v)
		}
		if len(v.Reasons) != 1 || !strings.Contains(v.Reasons[0], "no calibration") {
			t.Errorf("Reasons %q", v.Reasons)
		}
	})
	t.Run("uncalibrated: clear cases still flagged", func(t *testing.T) {
		c := NewClassifier(Front, nil)
		v := c.Classify(frontFrame(rotateFace(frontalFace(320, 200, testIED), 35), nil))
		if v.State != Lean {
			t.Errorf("35° roll without shoulders: %s, want lean", v.State)
		}
	})
}

// populationScene is an upright frame that measures exactly as the
// population baseline: a face-mesh head ied px apart at (cx, cy), pitched
// populationPitchDeg as the mesh sees an upright head, over shoulders
// ied/populationFaceScale wide, populationEyeHeight face sizes below the
// eyes. move turns the head about its own axes from there.
func populationScene(cx, cy, ied float64, move func(HeadPose) HeadPose, shoulders bool) *landmark.Frame {
	base := poseFromAngles(populationPitchDeg, 0, 0)
	up := meshFace(320, 200, testIED, base).EyeMid()
	face := meshFace(cx, cy, ied, move(base))
	var body *landmark.Body
	if shoulders {
		sw := testIED / populationFaceScale
		y := up.Y + populationEyeHeight*testIED
		body = bodyWithShoulders(landmark.Point{X: up.X + sw/2, Y: y}, landmark.Point{X: up.X - sw/2, Y: y}, 0.9)
	}
	return frontFrame(face, body)
}

func still(h HeadPose) HeadPose { return h }

// TestClassifyFrontPopulation: the same displacements of an upright
// head judged with and without a calibration. Calibrated, each lies just
// past its start times the calibrated limit. Without one, the face's size
// against the shoulders is not evidence (it varies too much between
// people: the leave-one-person-out fit on real photos leaves it out), and
// the other limits are the widened ones times the uncalibrated limit.
func TestClassifyFrontPopulation(t *testing.T) {
	cam := DefaultCameraModel()
	pop := PopulationBaseline()
	up := MeasureFront(populationScene(320, 200, testIED, still, true), cam)
	if !up.Mesh || !approx(up.FaceScale, pop.FaceScale, 1e-9) || !approx(up.PitchDeg, pop.PitchDeg, 1e-9) ||
		!approx((up.ShoulderMid.Y-up.EyeMid.Y)/up.FaceWidth, populationEyeHeight, 1e-9) {
		t.Fatalf("population scene %+v no longer matches the population baseline %+v", up, pop)
	}
	var calib []FrontFeatures
	for i := 0; i < 3; i++ {
		calib = append(calib, up)
	}
	base, err := NewBaseline(calib)
	if err != nil {
		t.Fatal(err)
	}
	cal := NewClassifier(Front, &base)
	uncal := NewClassifier(Front, nil)
	th := DefaultThresholds()
	sw := testIED / populationFaceScale
	k := 1.1 * th.Evidence // past the calibrated decision
	if u := th.UncalibratedWiden * th.EvidenceUncalibrated; u >= k {
		t.Fatalf("the uncalibrated limits (%.2f x the starts) are no longer the narrower: rewrite this test", u)
	}
	// Calibrated, the head came d0 x (1 - 1/fwdK) nearer.
	d0 := cam.FocalPx(testW) * cam.EyeDistanceCM / testIED
	fwdK := 1 / (1 - k*th.ForwardStartCM/d0)
	tests := []struct {
		name       string
		frame      *landmark.Frame
		calState   State
		uncalState State
	}{
		{"upright", populationScene(320, 200, testIED, still, true), Upright, Upright},
		{"head forward", populationScene(320, 200, fwdK*testIED, still, true), ForwardHead, Upright},
		{"eyes lower", populationScene(320, 200+k*th.DropStart*testIED, testIED, still, true), Slouch, Slouch},
		{"roll", populationScene(320, 200, testIED, func(h HeadPose) HeadPose { return rotatePose(h, h.Z, k*th.RollStartDeg) }, true), Lean, Lean},
		{"lateral", populationScene(320+k*th.LateralStart*sw, 200, testIED, still, true), Lean, Lean},
		{"pitch", populationScene(320, 200, testIED, func(h HeadPose) HeadPose { return rotatePose(h, h.X, k*th.PitchStartDeg) }, true), ForwardHead, ForwardHead},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			vc, vu := cal.Classify(tc.frame), uncal.Classify(tc.frame)
			if vc.State != tc.calState || !vc.Calibrated {
				t.Errorf("calibrated: %s (calibrated %v, reasons %q), want %s", vc.State, vc.Calibrated, vc.Reasons, tc.calState)
			}
			if vu.State != tc.uncalState || vu.Calibrated {
				t.Errorf("uncalibrated: %s severity %v (calibrated %v, reasons %q), want %s", vu.State, vu.Severity, vu.Calibrated, vu.Reasons, tc.uncalState)
			}
		})
	}
	// Far forward without a calibration: the figure is reported, the
	// decision is left to the features that hold across people (here the
	// eyes' height over the shoulders in face sizes, which a face grown
	// 1.3x shortens).
	v := uncal.Classify(populationScene(320, 200, 1.3*testIED, still, true))
	if v.ForwardCM == nil || *v.ForwardCM < 10 || !v.State.Bad() || strings.Contains(strings.Join(v.Reasons, ";"), "cm forward") {
		t.Errorf("uncalibrated, face 1.3x the shoulders' population ratio: %s forward %v reasons %q, want flagged by the eyes' height, the figure reported", v.State, v.ForwardCM, v.Reasons)
	}
}

// TestClassifyFrontIgnoresSideBaseline: ClassifyFront judges against the
// population figures when the baseline is for the side view; Classify
// follows the baseline's view.
func TestClassifyFrontIgnoresSideBaseline(t *testing.T) {
	side := Baseline{Version: BaselineVersion, View: Side, NeckAngleDeg: 70}
	c := NewClassifier(Front, &side)
	frame := populationScene(320, 200, testIED, still, true)
	v := c.ClassifyFront(MeasureFront(frame, c.Camera))
	if v.Calibrated || v.State != Upright {
		t.Errorf("front features against a side baseline: %s calibrated %v, want upright against population figures", v.State, v.Calibrated)
	}
	if v := c.Classify(frame); v.View != Side {
		t.Errorf("Classify with a side baseline: judged in the %q view, want the baseline's side view", v.View)
	}
}

func TestWidened(t *testing.T) {
	th := DefaultThresholds()
	for _, k := range []float64{1.6, 3} {
		w := th.widened(k)
		front := []struct {
			name      string
			got, base float64
		}{
			{"ForwardStartCM", w.ForwardStartCM, th.ForwardStartCM}, {"ForwardSevereCM", w.ForwardSevereCM, th.ForwardSevereCM},
			{"DropStart", w.DropStart, th.DropStart}, {"DropSevere", w.DropSevere, th.DropSevere},
			{"PitchStartDeg", w.PitchStartDeg, th.PitchStartDeg}, {"PitchSevereDeg", w.PitchSevereDeg, th.PitchSevereDeg},
			{"LateralStart", w.LateralStart, th.LateralStart}, {"LateralSevere", w.LateralSevere, th.LateralSevere},
			{"RollStartDeg", w.RollStartDeg, th.RollStartDeg}, {"RollSevereDeg", w.RollSevereDeg, th.RollSevereDeg},
		}
		for _, f := range front {
			if !approx(f.got, k*f.base, 1e-12) {
				t.Errorf("widened(%v).%s = %v, want %v", k, f.name, f.got, k*f.base)
			}
		}
		// Side-view and yaw limits are not front-view evidence limits.
		n := w
		n.ForwardStartCM, n.ForwardSevereCM, n.DropStart, n.DropSevere = th.ForwardStartCM, th.ForwardSevereCM, th.DropStart, th.DropSevere
		n.PitchStartDeg, n.PitchSevereDeg, n.LateralStart, n.LateralSevere = th.PitchStartDeg, th.PitchSevereDeg, th.LateralStart, th.LateralSevere
		n.RollStartDeg, n.RollSevereDeg = th.RollStartDeg, th.RollSevereDeg
		if n != th {
			t.Errorf("widened(%v) changed more than the front-view limits: %+v", k, w)
		}
	}
	// The drop is in face sizes now, not a fraction of the eye height:
	// nothing caps it below 1.
	if got := th.widened(3).DropSevere; !approx(got, 3*th.DropSevere, 1e-12) {
		t.Errorf("widened(3).DropSevere = %v, want %v", got, 3*th.DropSevere)
	}
}

func TestRamp(t *testing.T) {
	tests := []struct {
		x, start, severe float64
		val              float64
		over             bool
	}{
		{0, 1, 3, 0, false},
		{1, 1, 3, 0, false},
		{2, 1, 3, 0.5, true},
		{3, 1, 3, 1, true},
		{9, 1, 3, 1, true},
		{2, 1, 1, 1, true},
	}
	for _, tc := range tests {
		val, over := ramp(tc.x, tc.start, tc.severe)
		if val != tc.val || over != tc.over {
			t.Errorf("ramp(%v, %v, %v) = %v, %v; want %v, %v", tc.x, tc.start, tc.severe, val, over, tc.val, tc.over)
		}
	}
}

func TestClassifySide(t *testing.T) {
	c := NewClassifier(Side, nil)
	th := c.Thresholds
	lin := func(x, start, severe float64) float64 { return (x - start) / (severe - start) }
	neck := func(a float64) float64 { return lin(-a, -th.SideNeckStartDeg, -th.SideNeckSevereDeg) }
	torso := func(a float64) float64 { return lin(a, th.SideTorsoStartDeg, th.SideTorsoSevereDeg) }
	tests := []struct {
		name     string
		ft       SideFeatures
		state    State
		severity float64
		reason   string
	}{
		{"upright", SideFeatures{Person: true, Usable: true, Facing: 1, NeckAngleDeg: 80, Hips: true, TorsoForwardDeg: 2, NoseSeen: true, HeadFlexionDeg: 5}, Upright, 0, ""},
		{"at the neck start", SideFeatures{Person: true, Usable: true, Facing: 1, NeckAngleDeg: th.SideNeckStartDeg}, Upright, 0, ""},
		// (start-45)/(start-severe).
		{"neck 45°", SideFeatures{Person: true, Usable: true, Facing: 1, NeckAngleDeg: 45}, ForwardHead, neck(45), "ear-shoulder angle 45°"},
		{"neck 20°", SideFeatures{Person: true, Usable: true, Facing: -1, NeckAngleDeg: 20}, ForwardHead, 1, "ear-shoulder"},
		// (20-start)/(severe-start).
		{"torso forward 20°", SideFeatures{Person: true, Usable: true, Facing: 1, NeckAngleDeg: 90, Hips: true, TorsoForwardDeg: 20}, Slouch, torso(20), "torso 20° forward"},
		{"torso ignored without hips", SideFeatures{Person: true, Usable: true, Facing: 1, NeckAngleDeg: 90, TorsoForwardDeg: 20}, Upright, 0, ""},
		{"leaning back", SideFeatures{Person: true, Usable: true, Facing: 1, NeckAngleDeg: 90, Hips: true, TorsoForwardDeg: -20}, Upright, 0, ""},
		// (30-start)/(severe-start).
		{"looking down", SideFeatures{Person: true, Usable: true, Facing: 1, NeckAngleDeg: 70, NoseSeen: true, HeadFlexionDeg: 30}, ForwardHead, lin(30, th.SideFlexionStartDeg, th.SideFlexionSevereDeg), "down"},
		// The neck at 40° beats the torso at 20° for the state; the
		// severity combines both: 1 - (1-neck)(1-torso).
		{"worst wins, both count", SideFeatures{Person: true, Usable: true, Facing: 1, NeckAngleDeg: 40, Hips: true, TorsoForwardDeg: 20}, ForwardHead, 1 - (1-neck(40))*(1-torso(20)), "torso"},
		{"person, no ear", SideFeatures{Person: true}, Uncertain, 0, "not visible"},
		{"nobody", SideFeatures{}, Away, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := c.ClassifySide(tc.ft)
			if v.State != tc.state || !approx(v.Severity, tc.severity, 1e-9) {
				t.Fatalf("%s severity %v, want %s %v (reasons %q)", v.State, v.Severity, tc.state, tc.severity, v.Reasons)
			}
			if v.ForwardCM != nil {
				t.Errorf("ForwardCM = %v, want nil in the side view", *v.ForwardCM)
			}
			if v.Calibrated {
				t.Error("Calibrated without a baseline")
			}
			if tc.ft.Usable {
				if v.NeckAngleDeg == nil || *v.NeckAngleDeg != tc.ft.NeckAngleDeg || !v.Person || !v.Shoulders {
					t.Errorf("NeckAngleDeg %v Person %v Shoulders %v, want %v true true", v.NeckAngleDeg, v.Person, v.Shoulders, tc.ft.NeckAngleDeg)
				}
			} else if v.NeckAngleDeg != nil || v.Person != tc.ft.Person {
				t.Errorf("NeckAngleDeg %v Person %v, want nil %v", v.NeckAngleDeg, v.Person, tc.ft.Person)
			}
			if tc.reason != "" && !strings.Contains(strings.Join(v.Reasons, "; "), tc.reason) {
				t.Errorf("Reasons %q, want one mentioning %q", v.Reasons, tc.reason)
			}
		})
	}
}

func TestClassifySideFromLandmarks(t *testing.T) {
	pt := func(x, y float64) landmark.Point { return landmark.Point{X: x, Y: y} }
	base, err := NewSideBaseline([]SideFeatures{{Usable: true, NeckAngleDeg: 80}})
	if err != nil {
		t.Fatal(err)
	}
	for _, baseline := range []*Baseline{nil, &base} {
		c := NewClassifier(Side, baseline)
		tests := []struct {
			name  string
			pose  sidePose
			state State
			neck  float64
		}{
			{"upright", sidePose{ear: pt(300, 200), shoulder: pt(300, 300), hip: pt(300, 500), nose: pt(340, 205)}, Upright, 90},
			{"head forward", sidePose{ear: pt(400, 200), shoulder: pt(300, 300), hip: pt(300, 500), nose: pt(440, 205)}, ForwardHead, 45},
			{"hunched", sidePose{ear: pt(300, 200), shoulder: pt(300, 300), hip: pt(220, 500), nose: pt(340, 205)}, Slouch, 90},
		}
		for _, tc := range tests {
			for _, p := range []sidePose{tc.pose, tc.pose.mirrored(testW)} {
				v := c.Classify(&landmark.Frame{Width: testW, Height: testH, Body: p.body()})
				if v.State != tc.state || v.NeckAngleDeg == nil || !approx(*v.NeckAngleDeg, tc.neck, 1e-9) || v.ForwardCM != nil {
					t.Errorf("%s (baseline %v): %s neck %v forward %v, want %s %v nil", tc.name, baseline != nil, v.State, v.NeckAngleDeg, v.ForwardCM, tc.state, tc.neck)
				}
				if v.Calibrated != (baseline != nil) {
					t.Errorf("%s: Calibrated %v with baseline %v", tc.name, v.Calibrated, baseline != nil)
				}
			}
		}
	}
}

func TestStates(t *testing.T) {
	for _, s := range States {
		got, err := ParseState(string(s))
		if err != nil || got != s {
			t.Errorf("ParseState(%q) = %q, %v", s, got, err)
		}
	}
	if _, err := ParseState("hunched"); err == nil {
		t.Error("ParseState(hunched): no error")
	}
	bad := map[State]bool{ForwardHead: true, Slouch: true, Lean: true}
	for _, s := range States {
		if s.Bad() != bad[s] {
			t.Errorf("%s.Bad() = %v", s, s.Bad())
		}
		if s.Present() != (s != Away) {
			t.Errorf("%s.Present() = %v", s, s.Present())
		}
	}
}

func TestJudgeCombinesEvidence(t *testing.T) {
	cases := []struct {
		name    string
		cs      []component
		limit   float64
		state   State
		sev     float64
		score   float64
		reasons int
	}{
		{"nothing measured", nil, 1, Upright, 0, -1, 0},
		{"one below its start", []component{{state: ForwardHead, evidence: 0.9, reason: "a"}}, 1, Upright, 0, -0.1, 0},
		{"one at its start", []component{{state: Slouch, evidence: 1, reason: "a"}}, 1, Upright, 0, 0, 0},
		{"one past its start", []component{{state: Slouch, evidence: 1.3, reason: "a"}}, 1, Slouch, 0.15, 0.3, 1},
		// 0.8 and 0.7 each pass, together sqrt(0.64+0.49) = 1.063 does not.
		{"two small deviations add up", []component{{state: Slouch, evidence: 0.7, reason: "a"}, {state: ForwardHead, evidence: 0.8, reason: "b"}}, 1, ForwardHead, 0.063 / 2, 0.063, 2},
		{"the good direction does not offset", []component{{state: Slouch, evidence: -3, reason: "a"}, {state: ForwardHead, evidence: 0.9, reason: "b"}}, 1, Upright, 0, -0.1, 0},
		{"a higher limit", []component{{state: Slouch, evidence: 0.7}, {state: ForwardHead, evidence: 0.8}}, 1.2, Upright, 0, 1.063/1.2 - 1, 0},
		{"severity of the ramps", []component{{state: Slouch, value: 0.5, over: true, evidence: 1.5, reason: "a"}, {state: ForwardHead, value: 0.2, over: true, evidence: 1.1, reason: "b"}}, 1, Slouch, 0.6, 0.860, 2},
		{"severe at three times the limit", []component{{state: Lean, evidence: 3}}, 1, Lean, 1, 2, 1},
	}
	for _, tc := range cases {
		var v Verdict
		judge(&v, tc.cs, tc.limit)
		if v.State != tc.state || !approx(v.Severity, tc.sev, 2e-3) || !approx(v.Score, tc.score, 2e-3) || len(v.Reasons) != tc.reasons {
			t.Errorf("%s: %s severity %.3f score %.3f reasons %q, want %s %.3f %.3f and %d reasons", tc.name, v.State, v.Severity, v.Score, v.Reasons, tc.state, tc.sev, tc.score, tc.reasons)
		}
	}
}

func TestMeasureMargin(t *testing.T) {
	tests := []struct {
		x, ref, start, severe float64
		val, margin, evidence float64
		over                  bool
	}{
		{0, 0, 1, 3, 0, -0.5, 0, false},
		{1, 0, 1, 3, 0, 0, 1, false},
		{2, 0, 1, 3, 0.5, 0.5, 2, true},
		{3, 0, 1, 3, 1, 1, 3, true},
		{9, 0, 1, 3, 1, 4, 9, true}, // the margin goes on past severe
		// Decreasing measures (the side view's neck angle) as negatives,
		// counted from the ear over the shoulder (90°).
		{-45, -90, -50, -25, 0.2, 0.2, 45.0 / 40, true},
		{-60, -90, -50, -25, 0, -0.4, 30.0 / 40, false},
	}
	for _, tc := range tests {
		c := measure(Slouch, tc.x, tc.ref, tc.start, tc.severe, "r")
		if c.state != Slouch || c.reason != "r" || !approx(c.value, tc.val, 1e-12) || c.over != tc.over || !approx(c.margin, tc.margin, 1e-12) || !approx(c.evidence, tc.evidence, 1e-12) {
			t.Errorf("measure(%v, %v, %v, %v) = %+v, want value %v over %v margin %v evidence %v", tc.x, tc.ref, tc.start, tc.severe, c, tc.val, tc.over, tc.margin, tc.evidence)
		}
	}
	// The user's own spread widens a limit only where it is larger.
	if c := measureFrom(Slouch, 2, 1, 3, 0.2, 3, "r"); !approx(c.evidence, 2, 1e-12) {
		t.Errorf("steady user: evidence %v, want 2 (the physical limit)", c.evidence)
	}
	if c := measureFrom(Slouch, 2, 1, 3, 1, 3, "r"); !approx(c.evidence, 2.0/3, 1e-12) || !approx(c.margin, (2-3)/(9-3.0), 1e-12) {
		t.Errorf("noisy user: evidence %v margin %v, want 2/3 and the severe point widened alike", c.evidence, c.margin)
	}
}

func TestVerdictScore(t *testing.T) {
	// The score ranks frames that are all upright (severity 0) by how
	// near bad they are, and passes 0 where the frame turns bad.
	c := NewClassifier(Front, calibratedBaseline(t))
	prev := math.Inf(-1)
	for _, k := range []float64{1, 1.01, 1.02, 1.03, 1.04, 1.08, 1.12} {
		v := c.Classify(frontFrame(frontalFace(320, 200, k*testIED), uprightBody()))
		if v.Score <= prev {
			t.Errorf("face x%v: score %v did not rise (previous %v)", k, v.Score, prev)
		}
		if (v.State == Upright) != (v.Score <= 0) {
			t.Errorf("face x%v: %s with score %v: want a score above 0 exactly when flagged", k, v.State, v.Score)
		}
		prev = v.Score
	}
	if v := c.Classify(frontFrame(frontalFace(320, 200, testIED), uprightBody())); v.Severity != 0 || v.Score >= 0 {
		t.Errorf("upright: severity %v score %v, want 0 and below 0", v.Severity, v.Score)
	}
}

// headRoll is the roll about the head's own axis of a five-point face
// tilted by imageRollDeg in the image, against a level one.
func headRoll(imageRollDeg float64) float64 {
	rel := poseFromAngles(populationPitchDeg, 0, imageRollDeg).Relative(poseFromAngles(populationPitchDeg, 0, 0))
	_, _, roll := rel.Angles()
	return math.Abs(roll)
}
