package posture

import (
	"testing"

	"github.com/neckwatch/neckwatch/vision/landmark"
)

// The desk set-up figures are absolute: a head pitched, turned and placed
// where the camera sees it, whatever the calibration says. A calibration
// made with the head already pitched down (a laptop too low) judges the
// frame upright, and the verdict still reports the pitch.
func TestVerdictSetupMeasures(t *testing.T) {
	cam := DefaultCameraModel()
	wantDist := cam.FocalPx(testW) * cam.EyeDistanceCM / testIED
	// The mesh reads populationPitchDeg on a level face: a mesh pitched
	// 32° against the camera is a head 22° down.
	low := poseFromAngles(32, -18, 0)
	lowFrame := func() *landmark.Frame { return frontFrame(meshFace(320, 200, testIED, low), uprightBody()) }
	var calib []landmark.Frame
	for i := 0; i < 3; i++ {
		calib = append(calib, *lowFrame())
	}
	b, err := BuildBaseline(Front, calib, cam)
	if err != nil {
		t.Fatal(err)
	}
	// A level head looking straight into the camera.
	level := frontFrame(meshFace(320, 200, testIED, poseFromAngles(populationPitchDeg, 0, 0)), uprightBody())
	tests := []struct {
		name              string
		c                 *Classifier
		fr                *landmark.Frame
		state             State
		pitch, yaw, dist  float64
		none              bool
		distTol, angleTol float64
	}{
		{"calibrated at the low screen: upright, still 22° down and 18° to the right", NewClassifier(Front, &b), lowFrame(), Upright, 22, -18, wantDist, false, 1e-6, 1e-9},
		{"uncalibrated, same frame", NewClassifier(Front, nil), lowFrame(), "", 22, -18, wantDist, false, 1e-6, 1e-9},
		{"level face square to the camera", NewClassifier(Front, nil), level, Upright, 0, 0, wantDist, false, 1e-6, 1e-9},
		// The five face points read pitch 0 on a level face; the same
		// convention, so 0 here too.
		{"five points only", NewClassifier(Front, nil), frontFrame(frontalFace(320, 200, testIED), uprightBody()), Upright, 0, 0, wantDist, false, 1e-6, 1e-9},
		{"twice as far", NewClassifier(Front, nil), frontFrame(frontalFace(320, 200, testIED/2), uprightBody()), "", 0, 0, 2 * wantDist, false, 1e-6, 1e-9},
		{"nobody", NewClassifier(Front, nil), &landmark.Frame{Width: testW, Height: testH}, Away, 0, 0, 0, true, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := tc.c.Classify(tc.fr)
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
			if !approx(*v.HeadPitchDeg, tc.pitch, tc.angleTol) || !approx(*v.HeadYawDeg, tc.yaw, tc.angleTol) || !approx(*v.DistanceCM, tc.dist, tc.distTol) {
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
