package posture

import "testing"

// derefs copies frames out of their pointers (BuildBaseline takes values).
func derefs[T any](ps ...*T) []T {
	out := make([]T, len(ps))
	for i, p := range ps {
		out[i] = *p
	}
	return out
}

// The desk set-up figures are absolute: a head pitched, turned and placed
// where the camera sees it, whatever the calibration says. A calibration
// made with the head already pitched down (a laptop too low) judges the
// frame upright, and the verdict still reports the pitch.
func TestVerdictSetupMeasures(t *testing.T) {
	cam := DefaultCameraModel()
	wantDist := cam.FocalPx(testW) * cam.EyeDistanceCM / testIED
	// The mesh reads populationPitchDeg on a level face: a mesh pitched
	// 32° against the camera is a head 22° down, turned 18° to the right.
	low := frontFrame(meshFace(320, 200, testIED, poseFromAngles(32, -18, 0)), uprightBody())
	b, err := BuildBaseline(Front, derefs(low, low, low), cam)
	if err != nil {
		t.Fatal(err)
	}
	// A level head looking straight into the camera.
	level := frontFrame(meshFace(320, 200, testIED, poseFromAngles(populationPitchDeg, 0, 0)), uprightBody())
	// Five face points only (no mesh): they read pitch 0 on a level face,
	// the same convention, so 0 here too.
	five := frontFrame(frontalFace(320, 200, testIED), uprightBody())
	far := frontFrame(frontalFace(320, 200, testIED/2), uprightBody())
	nobody := frontFrame(frontalFace(320, 200, testIED), nil)
	nobody.Faces = nil
	tests := []struct {
		name             string
		verdict          Verdict
		state            State
		pitch, yaw, dist float64
		none             bool
	}{
		{"calibrated at the low screen: upright, still 22° down and 18° to the right", NewClassifier(Front, &b).Classify(low), Upright, 22, -18, wantDist, false},
		{"uncalibrated, same frame", NewClassifier(Front, nil).Classify(low), "", 22, -18, wantDist, false},
		{"level face square to the camera", NewClassifier(Front, nil).Classify(level), Upright, 0, 0, wantDist, false},
		{"five points only", NewClassifier(Front, nil).Classify(five), Upright, 0, 0, wantDist, false},
		{"twice as far", NewClassifier(Front, nil).Classify(far), "", 0, 0, 2 * wantDist, false},
		{"nobody", NewClassifier(Front, nil).Classify(nobody), Away, 0, 0, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := tc.verdict
			if tc.state != "" && v.State != tc.state {
				t.Errorf("state %s (%q), want %s", v.State, v.Reasons, tc.state)
			}
			if tc.none {
				if v.HeadPitchDeg != nil || v.HeadYawDeg != nil || v.DistanceCM != nil {
					t.Fatalf("pitch %v yaw %v distance %v, want nil", v.HeadPitchDeg, v.HeadYawDeg, v.DistanceCM)
				}
				return
			}
			if v.HeadPitchDeg == nil || v.HeadYawDeg == nil || v.DistanceCM == nil {
				t.Fatalf("pitch %v yaw %v distance %v, want all set", v.HeadPitchDeg, v.HeadYawDeg, v.DistanceCM)
			}
			if !approx(*v.HeadPitchDeg, tc.pitch, 1e-9) || !approx(*v.HeadYawDeg, tc.yaw, 1e-9) || !approx(*v.DistanceCM, tc.dist, 1e-6) {
				t.Errorf("pitch %v yaw %v distance %v, want %v %v %v", *v.HeadPitchDeg, *v.HeadYawDeg, *v.DistanceCM, tc.pitch, tc.yaw, tc.dist)
			}
		})
	}
	// The side view has none of them.
	side := NewClassifier(Side, nil).ClassifySide(SideFeatures{Person: true, Usable: true, Facing: 1, NeckAngleDeg: 70})
	if side.HeadPitchDeg != nil || side.HeadYawDeg != nil || side.DistanceCM != nil {
		t.Errorf("side view: pitch %v yaw %v distance %v, want nil", side.HeadPitchDeg, side.HeadYawDeg, side.DistanceCM)
	}
}
