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

// TestClassifyFrontPopulation: the population scene's upright figures
// equal the population baseline, so the same displacements can be
// compared with and without calibration. The uncalibrated limits are 1.6x
// wider: a displacement between the two starts is flagged only when
// calibrated.
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
	// Each displacement lies between the calibrated and the widened start.
	// Calibrated, the head came 45.7 x (1 - 1/1.05) = 2.2 cm nearer;
	// uncalibrated, the face/shoulder ratio is 5% over the population's,
	// 2.75 cm at the typical distance.
	fwdK := 1.05
	d0 := cam.FocalPx(testW) * cam.EyeDistanceCM / testIED
	if cm := d0 * (1 - 1/fwdK); cm <= th.ForwardStartCM {
		t.Fatalf("calibrated forward test displacement %.2f cm not past the start %.2f", cm, th.ForwardStartCM)
	}
	if cm := populationHeadDistCM * (fwdK - 1); cm >= th.ForwardStartCM*th.UncalibratedWiden {
		t.Fatalf("uncalibrated forward test displacement %.2f cm not within the widened start", cm)
	}
	drop := (th.DropStart + th.DropStart*th.UncalibratedWiden) / 2 // face sizes
	tests := []struct {
		name     string
		frame    *landmark.Frame
		calState State
	}{
		{"upright", populationScene(320, 200, testIED, still, true), Upright},
		{"head 2.2 cm forward", populationScene(320, 200, fwdK*testIED, still, true), ForwardHead},
		{"eyes 0.65 face sizes lower", populationScene(320, 200+drop*testIED, testIED, still, true), Slouch},
		{"roll 15°", populationScene(320, 200, testIED, func(h HeadPose) HeadPose { return rotatePose(h, h.Z, 15) }, true), Lean},
		{"lateral 0.2", populationScene(320+0.2*sw, 200, testIED, still, true), Lean},
		{"pitch 20°", populationScene(320, 200, testIED, func(h HeadPose) HeadPose { return rotatePose(h, h.X, 20) }, true), ForwardHead},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			vc, vu := cal.Classify(tc.frame), uncal.Classify(tc.frame)
			if vc.State != tc.calState || !vc.Calibrated {
				t.Errorf("calibrated: %s (calibrated %v, reasons %q), want %s", vc.State, vc.Calibrated, vc.Reasons, tc.calState)
			}
			if vu.State != Upright || vu.Calibrated || vu.Severity != 0 {
				t.Errorf("uncalibrated: %s severity %v (calibrated %v, reasons %q), want upright 0 (wider limits)", vu.State, vu.Severity, vu.Calibrated, vu.Reasons)
			}
			// The same displacement is nearer bad when calibrated.
			if tc.calState != Upright && vu.Score >= vc.Score {
				t.Errorf("score uncalibrated %v, calibrated %v: want the calibrated one higher", vu.Score, vc.Score)
			}
		})
	}
	// A large displacement is flagged either way.
	v := uncal.Classify(populationScene(320, 200, 1.3*testIED, still, true))
	if v.State != ForwardHead || v.Calibrated {
		t.Errorf("uncalibrated, head far forward: %s calibrated %v, want forward_head false", v.State, v.Calibrated)
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

func TestSeverityCombinesEvidence(t *testing.T) {
	cases := []struct {
		name  string
		cs    []component
		state State
		sev   float64
	}{
		{"none over", []component{{state: ForwardHead, reason: "a"}}, Upright, 0},
		{"one", []component{{state: Slouch, value: 0.5, over: true, reason: "a"}, {state: ForwardHead, reason: "b"}}, Slouch, 0.5},
		{"two add up, the worst names the state", []component{{state: Slouch, value: 0.5, over: true, reason: "a"}, {state: ForwardHead, value: 0.2, over: true, reason: "b"}}, Slouch, 0.6},
		{"never above 1", []component{{state: Lean, value: 1, over: true, reason: "a"}, {state: ForwardHead, value: 1, over: true, reason: "b"}}, Lean, 1},
	}
	for _, tc := range cases {
		var v Verdict
		judge(&v, tc.cs)
		if v.State != tc.state || !approx(v.Severity, tc.sev, 1e-9) {
			t.Errorf("%s: %s %.3f, want %s %.3f", tc.name, v.State, v.Severity, tc.state, tc.sev)
		}
	}
}

func TestMeasureMargin(t *testing.T) {
	tests := []struct {
		x, start, severe float64
		val, margin      float64
		over             bool
	}{
		{0, 1, 3, 0, -0.5, false},
		{1, 1, 3, 0, 0, false},
		{2, 1, 3, 0.5, 0.5, true},
		{3, 1, 3, 1, 1, true},
		{9, 1, 3, 1, 4, true}, // the margin goes on past severe
		// Decreasing measures (the side view's neck angle) as negatives.
		{-45, -50, -25, 0.2, 0.2, true},
		{-60, -50, -25, 0, -0.4, false},
	}
	for _, tc := range tests {
		c := measure(Slouch, tc.x, tc.start, tc.severe, "r")
		if c.state != Slouch || c.reason != "r" || !approx(c.value, tc.val, 1e-12) || c.over != tc.over || !approx(c.margin, tc.margin, 1e-12) {
			t.Errorf("measure(%v, %v, %v) = %+v, want value %v over %v margin %v", tc.x, tc.start, tc.severe, c, tc.val, tc.over, tc.margin)
		}
	}
}

func TestVerdictScore(t *testing.T) {
	cases := []struct {
		name  string
		cs    []component
		state State
		score float64
	}{
		{"nothing measured", nil, Upright, 0},
		{"all within: the closest to its start", []component{{state: ForwardHead, margin: -0.6}, {state: Lean, margin: -0.2}}, Upright, -0.2},
		{"one over: its margin", []component{{state: Slouch, value: 0.3, over: true, margin: 0.3}, {state: Lean, margin: -0.9}}, Slouch, 0.3},
		{"past severe: not capped", []component{{state: Lean, value: 1, over: true, margin: 2.5}}, Lean, 2.5},
	}
	for _, tc := range cases {
		var v Verdict
		judge(&v, tc.cs)
		if v.State != tc.state || !approx(v.Score, tc.score, 1e-12) {
			t.Errorf("%s: %s score %v, want %s %v", tc.name, v.State, v.Score, tc.state, tc.score)
		}
	}
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
