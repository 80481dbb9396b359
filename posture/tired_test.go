package posture

import (
	"errors"
	"testing"
)

// A user whose own tired posture is small (the head 0.6 of the forward
// start and 0.6 of the pitch start, together below the combined limit)
// is flagged halfway there once the step is taken, and not before; an
// upright frame and a move the other way stay upright.
func TestTiredPostureSetsTheOperatingPoint(t *testing.T) {
	cam := DefaultCameraModel()
	th := DefaultThresholds()
	scene := func(fwdCM, pitchDeg float64) FrontFeatures {
		// The face grown so the pinhole distance is fwdCM nearer, pitched down.
		b := calibratedBaseline(t)
		k := b.HeadDistCM / (b.HeadDistCM - fwdCM)
		return MeasureFront(populationScene(320, 200, k*testIED, func(h HeadPose) HeadPose { return rotatePose(h, h.X, pitchDeg) }, true), cam)
	}
	var upright []FrontFeatures
	for i := 0; i < 5; i++ {
		upright = append(upright, scene(0, 0))
	}
	b, err := NewBaseline(upright)
	if err != nil {
		t.Fatal(err)
	}
	fwd, pitch := 1.4*th.ForwardStartCM, 1.4*th.PitchStartDeg // the tired posture: sqrt(2)*1.4 = 1.98 of the starts
	var tired []FrontFeatures
	for i := 0; i < 4; i++ {
		tired = append(tired, scene(fwd, pitch))
	}
	plain := NewClassifier(Front, &b)
	withTired := b
	if err := withTired.AddTiredPosture(tired); err != nil {
		t.Fatalf("AddTiredPosture: %v", err)
	}
	if withTired.Tired.Frames != 4 || withTired.Tired.ForwardCM < 0.8*fwd || withTired.Tired.PitchDeg < 0.8*pitch {
		t.Fatalf("tired posture %+v, want about %.1f cm and %.0f°", withTired.Tired, fwd, pitch)
	}
	personal := NewClassifier(Front, &withTired)
	cases := []struct {
		name         string
		frac         float64 // of the way to the tired posture
		plain, aware bool    // flagged
	}{
		{"upright", 0, false, false},
		{"a third of the way", 0.33, false, false},
		{"60% of the way", 0.6, false, true},
		{"the tired posture itself", 1, true, true},
		{"the other way", -0.6, false, false},
	}
	for _, tc := range cases {
		ft := scene(tc.frac*fwd, tc.frac*pitch)
		vp, va := plain.ClassifyFront(ft), personal.ClassifyFront(ft)
		if vp.State.Bad() != tc.plain || va.State.Bad() != tc.aware {
			t.Errorf("%s: without the step %s (score %.2f), with it %s (score %.2f) %q; want flagged %v / %v",
				tc.name, vp.State, vp.Score, va.State, va.Score, va.Reasons, tc.plain, tc.aware)
		}
		if va.Score < vp.Score-1e-9 {
			t.Errorf("%s: the step lowered the score (%.2f < %.2f)", tc.name, va.Score, vp.Score)
		}
	}
	// A tired posture inside the upright's limits is refused, and the
	// baseline is left as it was.
	var near []FrontFeatures
	for i := 0; i < 4; i++ {
		near = append(near, scene(0.3*th.ForwardStartCM, 0.3*th.PitchStartDeg))
	}
	c := b
	if err := c.AddTiredPosture(near); !errors.Is(err, ErrTiredTooClose) || c.Tired.Frames != 0 {
		t.Errorf("AddTiredPosture(near upright) = %v, tired %+v; want ErrTiredTooClose and nothing kept", err, c.Tired)
	}
	if err := c.AddTiredPosture(near[:2]); !errors.Is(err, ErrTooFewFrames) {
		t.Errorf("AddTiredPosture(2 frames) = %v, want ErrTooFewFrames", err)
	}
	// The step survives the file.
	data, err := MarshalBaseline(withTired)
	if err != nil {
		t.Fatal(err)
	}
	back, err := UnmarshalBaseline(data)
	if err != nil || back.Tired != withTired.Tired {
		t.Errorf("round trip: %+v, %v; want %+v", back.Tired, err, withTired.Tired)
	}
}

// A frame too dark even after equalising is uncertain, not judged; an
// evening lamp's frame is judged.
func TestTooDarkIsUncertain(t *testing.T) {
	c := NewClassifier(Front, calibratedBaseline(t))
	for _, tc := range []struct {
		brightness float64
		enhanced   bool
		want       State
	}{
		{10, true, Uncertain},
		{tooDarkFrame + 2, true, Upright},
		{10, false, Upright}, // not measured by the pipeline (hand-built landmarks)
	} {
		fr := frontFrame(frontalFace(320, 200, testIED), uprightBody())
		fr.Brightness, fr.Enhanced = tc.brightness, tc.enhanced
		if v := c.Classify(fr); v.State != tc.want {
			t.Errorf("brightness %v enhanced %v: %s %q, want %s", tc.brightness, tc.enhanced, v.State, v.Reasons, tc.want)
		}
	}
}

// A forward displacement no neck can make is not reported as a posture:
// the frame is uncertain, with no figure to put in a notification.
func TestImplausibleForwardIsUncertain(t *testing.T) {
	b := calibratedBaseline(t)
	c := NewClassifier(Front, b)
	for _, tc := range []struct {
		scale float64 // of the face: the head this much nearer the camera
		want  State
	}{
		{1.2, ForwardHead}, // about 7.6 cm: a real forward head
		{3.0, Uncertain},   // about 30 cm: another face, or the camera moved
	} {
		v := c.Classify(frontFrame(frontalFace(320, 200, tc.scale*testIED), uprightBody()))
		if v.State != tc.want {
			t.Errorf("face x%v: %s %q, want %s", tc.scale, v.State, v.Reasons, tc.want)
		}
		if tc.want == Uncertain && (v.ForwardCM != nil || v.NeckAngleDeg != nil) {
			t.Errorf("face x%v: figures reported (forward %v, neck %v) for an implausible frame", tc.scale, v.ForwardCM, v.NeckAngleDeg)
		}
	}
}
