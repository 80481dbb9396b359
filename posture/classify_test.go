package posture

import (
	"math"
	"strings"
	"testing"

	"github.com/neckwatch/neckwatch/vision/landmark"
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
		// Eyes 25% closer to the shoulder line: (0.25-0.15)/(0.45-0.15).
		{"slouch", frontFrame(frontalFace(320, 249, testIED), uprightBody()), Slouch, 1.0 / 3, true, true, "lower over the shoulders"},
		// Roll 20°: (20-12)/(30-12).
		{"head roll 20°", frontFrame(rotateFace(frontalFace(320, 200, testIED), 20), uprightBody()), Lean, 8.0 / 18, true, true, "sideways"},
		{"head roll -20°", frontFrame(rotateFace(frontalFace(320, 200, testIED), -20), uprightBody()), Lean, 8.0 / 18, true, true, "sideways"},
		// Lateral 70/280 = 0.25 shoulder widths: (0.25-0.15)/(0.4-0.15).
		{"lateral shift right", frontFrame(frontalFace(390, 200, testIED), uprightBody()), Lean, 0.4, true, true, "off centre"},
		{"lateral shift left", frontFrame(frontalFace(250, 200, testIED), uprightBody()), Lean, 0.4, true, true, "off centre"},
		// Pitch 27.5° beyond a 0° baseline: (27.5-15)/(40-15).
		{"chin down", frontFrame(pitchedFace(320, 200, testIED, 27.5), uprightBody()), ForwardHead, 0.5, true, true, "down"},
		{"chin up is fine", frontFrame(pitchedFace(320, 200, testIED, -20), uprightBody()), Upright, 0, true, true, ""},
		{"small roll is fine", frontFrame(rotateFace(frontalFace(320, 200, testIED), 8), uprightBody()), Upright, 0, true, true, ""},
		{"yaw beyond MaxYaw", frontFrame(yawedFace(320, 200, testIED, 45), uprightBody()), Uncertain, 0, true, true, "turned"},
		{"yaw within MaxYaw", frontFrame(yawedFace(320, 200, testIED, 30), uprightBody()), Upright, 0, true, true, ""},
		{"nobody", &landmark.Frame{Width: testW, Height: testH}, Away, 0, false, false, ""},
		{"body without face", &landmark.Frame{Width: testW, Height: testH, Body: uprightBody()}, Away, 0, false, false, ""},
		{"confident head without face", &landmark.Frame{Width: testW, Height: testH, Body: headBody()}, Uncertain, 0, false, true, "no face"},
		{"shoulders missing, upright", frontFrame(frontalFace(320, 200, testIED), nil), Upright, 0, false, true, ""},
		{"shoulders missing, eyes dropped", frontFrame(frontalFace(320, 249, testIED), nil), Slouch, 1.0 / 3, false, true, "lower"},
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
		wantSev := (wantCM - 2.5) / (8 - 2.5)
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
		if !approx(v.Severity, (want-2.5)/5.5, 1e-6) {
			t.Errorf("Severity = %v, want %v", v.Severity, (want-2.5)/5.5)
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

// TestClassifyFrontPopulation: the test scene's upright figures equal the
// population baseline, so the same displacements can be compared with and
// without calibration. The uncalibrated limits are 1.6x wider.
func TestClassifyFrontPopulation(t *testing.T) {
	pop := PopulationBaseline()
	if !approx(pop.FaceScale, testIED/uprightShoulderW, 1e-12) || !approx(pop.EyeHeight, (uprightShoulderY-uprightEye.Y)/uprightShoulderW, 1e-12) {
		t.Fatalf("population baseline %+v no longer matches the test scene", pop)
	}
	cal := NewClassifier(Front, calibratedBaseline(t))
	uncal := NewClassifier(Front, nil)
	tests := []struct {
		name     string
		frame    *landmark.Frame
		calState State
	}{
		{"upright", frontFrame(frontalFace(320, 200, testIED), uprightBody()), Upright},
		{"head 3.4 cm forward", frontFrame(frontalFace(320, 200, 1.08*testIED), uprightBody()), ForwardHead},
		{"eyes 20% lower", frontFrame(frontalFace(320, 396-0.56*uprightShoulderW, testIED), uprightBody()), Slouch},
		{"roll 15°", frontFrame(rotateFace(frontalFace(320, 200, testIED), 15), uprightBody()), Lean},
		{"lateral 0.2", frontFrame(frontalFace(320+0.2*uprightShoulderW, 200, testIED), uprightBody()), Lean},
		{"pitch 20°", frontFrame(pitchedFace(320, 200, testIED, 20), uprightBody()), ForwardHead},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			vc, vu := cal.Classify(tc.frame), uncal.Classify(tc.frame)
			if vc.State != tc.calState || !vc.Calibrated {
				t.Errorf("calibrated: %s (calibrated %v), want %s", vc.State, vc.Calibrated, tc.calState)
			}
			if vu.State != Upright || vu.Calibrated || vu.Severity != 0 {
				t.Errorf("uncalibrated: %s severity %v (calibrated %v), want upright 0 (wider limits)", vu.State, vu.Severity, vu.Calibrated)
			}
		})
	}
	// A large displacement is flagged either way.
	v := uncal.Classify(frontFrame(frontalFace(320, 200, 1.3*testIED), uprightBody()))
	if v.State != ForwardHead || v.Calibrated {
		t.Errorf("uncalibrated, head far forward: %s calibrated %v, want forward_head false", v.State, v.Calibrated)
	}
}

func TestClassifyFrontIgnoresSideBaseline(t *testing.T) {
	side := Baseline{Version: BaselineVersion, View: Side, NeckAngleDeg: 70}
	v := NewClassifier(Front, &side).Classify(frontFrame(frontalFace(320, 200, testIED), uprightBody()))
	if v.Calibrated || v.State != Upright {
		t.Errorf("front frame against a side baseline: %s calibrated %v, want upright against population figures", v.State, v.Calibrated)
	}
}

func TestWidened(t *testing.T) {
	th := DefaultThresholds()
	w := th.widened(1.6)
	if !approx(w.ForwardStartCM, 4, 1e-12) || !approx(w.ForwardSevereCM, 12.8, 1e-12) || !approx(w.DropStart, 0.24, 1e-12) ||
		!approx(w.DropSevere, 0.72, 1e-12) || !approx(w.RollStartDeg, 19.2, 1e-12) || !approx(w.LateralStart, 0.24, 1e-12) {
		t.Errorf("widened(1.6) = %+v", w)
	}
	if w.SideNeckStartDeg != th.SideNeckStartDeg || w.MaxYawDeg != th.MaxYawDeg {
		t.Errorf("widened changed side or yaw limits: %+v", w)
	}
	if got := th.widened(3).DropSevere; got != 0.9 {
		t.Errorf("widened(3).DropSevere = %v, want capped at 0.9", got)
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
	tests := []struct {
		name     string
		ft       SideFeatures
		state    State
		severity float64
		reason   string
	}{
		{"upright", SideFeatures{Person: true, Usable: true, Facing: 1, NeckAngleDeg: 80, Hips: true, TorsoForwardDeg: 2, NoseSeen: true, HeadFlexionDeg: 5}, Upright, 0, ""},
		{"at the neck start", SideFeatures{Person: true, Usable: true, Facing: 1, NeckAngleDeg: 55}, Upright, 0, ""},
		// (55-45)/(55-30).
		{"neck 45°", SideFeatures{Person: true, Usable: true, Facing: 1, NeckAngleDeg: 45}, ForwardHead, 0.4, "ear-shoulder angle 45°"},
		{"neck 20°", SideFeatures{Person: true, Usable: true, Facing: -1, NeckAngleDeg: 20}, ForwardHead, 1, "ear-shoulder"},
		// (20-12)/(35-12).
		{"torso forward 20°", SideFeatures{Person: true, Usable: true, Facing: 1, NeckAngleDeg: 90, Hips: true, TorsoForwardDeg: 20}, Slouch, 8.0 / 23, "torso 20° forward"},
		{"torso ignored without hips", SideFeatures{Person: true, Usable: true, Facing: 1, NeckAngleDeg: 90, TorsoForwardDeg: 20}, Upright, 0, ""},
		{"leaning back", SideFeatures{Person: true, Usable: true, Facing: 1, NeckAngleDeg: 90, Hips: true, TorsoForwardDeg: -20}, Upright, 0, ""},
		// (30-15)/(45-15).
		{"looking down", SideFeatures{Person: true, Usable: true, Facing: 1, NeckAngleDeg: 70, NoseSeen: true, HeadFlexionDeg: 30}, ForwardHead, 0.5, "down"},
		// Neck (55-40)/25 = 0.6 beats torso (20-12)/23 = 8/23 for the state;
		// the severity combines both: 1 - (1-0.6)(1-8/23).
		{"worst wins, both count", SideFeatures{Person: true, Usable: true, Facing: 1, NeckAngleDeg: 40, Hips: true, TorsoForwardDeg: 20}, ForwardHead, 1 - 0.4*(1-8.0/23), "torso"},
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
		{"none over", []component{{ForwardHead, 0, false, "a"}}, Upright, 0},
		{"one", []component{{Slouch, 0.5, true, "a"}, {ForwardHead, 0, false, "b"}}, Slouch, 0.5},
		{"two add up, the worst names the state", []component{{Slouch, 0.5, true, "a"}, {ForwardHead, 0.2, true, "b"}}, Slouch, 0.6},
		{"never above 1", []component{{Lean, 1, true, "a"}, {ForwardHead, 1, true, "b"}}, Lean, 1},
	}
	for _, tc := range cases {
		var v Verdict
		judge(&v, tc.cs)
		if v.State != tc.state || !approx(v.Severity, tc.sev, 1e-9) {
			t.Errorf("%s: %s %.3f, want %s %.3f", tc.name, v.State, v.Severity, tc.state, tc.sev)
		}
	}
}
