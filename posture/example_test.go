package posture_test

import (
	"fmt"

	"github.com/neckwatch/neckwatch/landmark"
	"github.com/neckwatch/neckwatch/posture"
)

// A camera beside the desk sees the user in profile, facing image right:
// the ear is as far ahead of the shoulder as it is above it.
func ExampleClassifier_ClassifySide() {
	var body landmark.Body
	kp := func(p landmark.BodyPart, x, y float64) {
		body.Keypoints[p] = landmark.Keypoint{Point: landmark.Point{X: x, Y: y}, Score: 0.9}
	}
	kp(landmark.Nose, 440, 210)
	kp(landmark.LeftEar, 400, 200)
	kp(landmark.LeftShoulder, 300, 300)
	kp(landmark.LeftHip, 300, 500)
	frame := landmark.Frame{Width: 640, Height: 480, Body: &body}

	c := posture.NewClassifier(posture.Side, nil)
	ft := posture.MeasureSide(&frame)
	v := c.ClassifySide(ft)
	fmt.Printf("facing %+d, neck %.0f°, torso %.0f°\n", ft.Facing, ft.NeckAngleDeg, ft.TorsoForwardDeg)
	fmt.Printf("%s, severity %.2f: %v\n", v.State, v.Severity, v.Reasons)
	// Output:
	// facing +1, neck 45°, torso 0°
	// forward_head, severity 0.20: [ear-shoulder angle 45°]
}
