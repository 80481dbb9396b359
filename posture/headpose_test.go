package posture

import (
	"math"
	"testing"

	"github.com/neckwatch/neckwatch/landmark"
)

// rotateAbout rotates v by angleDeg about the unit axis k (right-hand
// rule, Rodrigues' formula): a rotation written independently of
// poseFromAngles' convention.
func rotateAbout(v, k vec3, angleDeg float64) vec3 {
	s, c := math.Sincos(angleDeg / deg)
	return v.scale(c).add(k.cross(v).scale(s)).add(k.scale(k.dot(v) * (1 - c)))
}

func rotatePose(h HeadPose, k vec3, angleDeg float64) HeadPose {
	return HeadPose{X: rotateAbout(h.X, k, angleDeg), Y: rotateAbout(h.Y, k, angleDeg), Z: rotateAbout(h.Z, k, angleDeg)}
}

func posesApprox(a, b HeadPose, tol float64) bool {
	for _, p := range [][2]vec3{{a.X, b.X}, {a.Y, b.Y}, {a.Z, b.Z}} {
		if p[0].sub(p[1]).norm() > tol {
			return false
		}
	}
	return true
}

// orthonormal reports whether h's axes are unit length, perpendicular and
// right-handed (Z = X x Y).
func orthonormal(h HeadPose, tol float64) bool {
	return approx(h.X.norm(), 1, tol) && approx(h.Y.norm(), 1, tol) && approx(h.Z.norm(), 1, tol) &&
		approx(h.X.dot(h.Y), 0, tol) && approx(h.Y.dot(h.Z), 0, tol) && approx(h.X.dot(h.Z), 0, tol) &&
		h.X.cross(h.Y).sub(h.Z).norm() <= tol
}

var poseAngleTriples = []struct{ pitch, yaw, roll float64 }{
	{0, 0, 0},
	{20, 0, 0},
	{-15, 0, 0},
	{0, 35, 0},
	{0, -35, 0},
	{0, 0, 12},
	{0, 0, -30},
	{10, 35, 0},
	{25, -40, 8},
	{-20, 44, -15},
	{60, 70, 100},
	{-80, -85, -170},
}

func TestPoseFromAnglesRoundTrip(t *testing.T) {
	for _, a := range poseAngleTriples {
		h := poseFromAngles(a.pitch, a.yaw, a.roll)
		if !orthonormal(h, 1e-12) {
			t.Errorf("poseFromAngles(%v, %v, %v) = %+v: not a rotation", a.pitch, a.yaw, a.roll, h)
		}
		p, y, r := h.Angles()
		if !approx(p, a.pitch, 1e-9) || !approx(y, a.yaw, 1e-9) || !approx(r, a.roll, 1e-9) {
			t.Errorf("poseFromAngles(%v, %v, %v).Angles() = %v, %v, %v", a.pitch, a.yaw, a.roll, p, y, r)
		}
	}
	if h := poseFromAngles(0, 0, 0); !posesApprox(h, IdentityPose, 1e-15) {
		t.Errorf("poseFromAngles(0, 0, 0) = %+v, want the identity", h)
	}
	if p, y, r := IdentityPose.Angles(); p != 0 || y != 0 || r != 0 {
		t.Errorf("IdentityPose.Angles() = %v, %v, %v, want zeros", p, y, r)
	}
}

// TestPoseAngleSigns pins the sign conventions against rotations built
// without poseFromAngles: chin down, turned to the subject's left and
// tilted towards the subject's left shoulder are positive.
func TestPoseAngleSigns(t *testing.T) {
	xAxis, yAxis, zAxis := vec3{1, 0, 0}, vec3{0, 1, 0}, vec3{0, 0, 1}
	tests := []struct {
		name       string
		pose       HeadPose
		pitch, yaw float64
		roll       float64
	}{
		// Chin down: the forehead-to-chin axis turns away from the camera.
		{"chin down 20°", rotatePose(IdentityPose, xAxis, 20), 20, 0, 0},
		// Turned to the subject's left (image right): the eye line's left
		// end recedes.
		{"turned left 30°", rotatePose(IdentityPose, yAxis, -30), 0, 30, 0},
		// Tilted towards the left shoulder (image right, lower in y-down).
		{"tilted left 15°", rotatePose(IdentityPose, zAxis, 15), 0, 0, 15},
	}
	for _, tc := range tests {
		p, y, r := tc.pose.Angles()
		if !approx(p, tc.pitch, 1e-9) || !approx(y, tc.yaw, 1e-9) || !approx(r, tc.roll, 1e-9) {
			t.Errorf("%s: Angles() = %v, %v, %v, want %v, %v, %v", tc.name, p, y, r, tc.pitch, tc.yaw, tc.roll)
		}
		if want := poseFromAngles(tc.pitch, tc.yaw, tc.roll); !posesApprox(tc.pose, want, 1e-12) {
			t.Errorf("%s: poseFromAngles = %+v, want %+v", tc.name, want, tc.pose)
		}
	}
	// The sign of the yaw: the left eye corner of a head turned to its
	// left is further from the camera (z away) than the right one.
	h := poseFromAngles(0, 30, 0)
	if h.X[2] <= 0 {
		t.Errorf("yaw +30°: eye line %v, want its left end further away (z > 0)", h.X)
	}
}

func TestRelativeToItselfIsIdentity(t *testing.T) {
	for _, a := range poseAngleTriples {
		h := poseFromAngles(a.pitch, a.yaw, a.roll)
		rel := h.Relative(h)
		if !posesApprox(rel, IdentityPose, 1e-12) {
			t.Errorf("pose (%v, %v, %v) relative to itself = %+v, want the identity", a.pitch, a.yaw, a.roll, rel)
		}
		if p, y, r := rel.Angles(); !approx(p, 0, 1e-9) || !approx(y, 0, 1e-9) || !approx(r, 0, 1e-9) {
			t.Errorf("pose (%v, %v, %v) relative to itself: angles %v, %v, %v, want zeros", a.pitch, a.yaw, a.roll, p, y, r)
		}
	}
	// Relative to the identity, a pose is itself.
	for _, a := range poseAngleTriples {
		h := poseFromAngles(a.pitch, a.yaw, a.roll)
		if rel := h.Relative(IdentityPose); !posesApprox(rel, h, 1e-12) {
			t.Errorf("pose (%v, %v, %v) relative to the identity = %+v, want itself", a.pitch, a.yaw, a.roll, rel)
		}
	}
}

// TestRelativeRecoversHeadMotion: the head moves about its own axes from
// its calibrated orientation, wherever the camera sits. Relative must read
// a nod as pitch (not roll or yaw) even when the camera sees the face from
// 35° to the side, and a tilt as roll.
func TestRelativeRecoversHeadMotion(t *testing.T) {
	bases := []struct{ pitch, yaw, roll float64 }{
		{0, 35, 0},    // webcam beside the monitor
		{0, -35, 0},   // on the other side
		{15, 35, 0},   // beside and below eye level
		{-10, 40, 5},  // beside, above, a little tilted
		{0, 0, 0},     // centred
		{25, -20, -8}, // anything else within the accepted placement
	}
	for _, b := range bases {
		base := poseFromAngles(b.pitch, b.yaw, b.roll)
		for _, move := range []float64{-20, 10, 25, 40} {
			// A nod turns the head about its own ear-to-ear axis.
			nod := rotatePose(base, base.X, move)
			p, y, r := nod.Relative(base).Angles()
			if !approx(p, move, 1e-9) || !approx(y, 0, 1e-9) || !approx(r, 0, 1e-9) {
				t.Errorf("base %+v, nod %v°: relative pitch %v yaw %v roll %v, want %v, 0, 0", b, move, p, y, r, move)
			}
			// A tilt turns it about its own front-to-back axis.
			tilt := rotatePose(base, base.Z, move)
			p, y, r = tilt.Relative(base).Angles()
			if !approx(p, 0, 1e-9) || !approx(y, 0, 1e-9) || !approx(r, move, 1e-9) {
				t.Errorf("base %+v, tilt %v°: relative pitch %v yaw %v roll %v, want 0, 0, %v", b, move, p, y, r, move)
			}
		}
		// A turn about its own vertical axis is yaw.
		turn := rotatePose(base, base.Y, -30)
		if p, y, r := turn.Relative(base).Angles(); !approx(p, 0, 1e-9) || !approx(y, 30, 1e-9) || !approx(r, 0, 1e-9) {
			t.Errorf("base %+v, turn: relative %v, %v, %v, want 0, 30, 0", b, p, y, r)
		}
	}
	// Against the camera's axes the same nod seen from 35° to the side
	// is not a pure pitch: that is what the relative pose corrects.
	base := poseFromAngles(0, 35, 0)
	nod := rotatePose(base, base.X, 25)
	cp, cy, cr := nod.Angles()
	rp, ry, rr := nod.Relative(base).Angles()
	if !approx(rp, 25, 1e-9) || !approx(ry, 0, 1e-9) || !approx(rr, 0, 1e-9) {
		t.Errorf("nod 25° from a 35° camera: relative %v, %v, %v (camera axes %v, %v, %v), want 25, 0, 0", rp, ry, rr, cp, cy, cr)
	}
}

// Canonical face-mesh points of a head with eye distance 1 (the
// interpupillary distance), eye midpoint at the origin, x to the
// subject's left (image right), y down, z away from the camera: the outer
// eye corners 1/0.70 apart, the face sides 1/(0.70*0.66) apart, per the
// ratios meshFaceSize uses.
var canonicalMesh = map[landmark.MeshIndex]vec3{
	landmark.MeshRightEyeOuter: {-0.5 / eyeDistPerMeshEyeCorners, 0, 0.05},
	landmark.MeshLeftEyeOuter:  {0.5 / eyeDistPerMeshEyeCorners, 0, 0.05},
	landmark.MeshRightEyeInner: {-(1 - 0.5/eyeDistPerMeshEyeCorners), 0, 0},
	landmark.MeshLeftEyeInner:  {1 - 0.5/eyeDistPerMeshEyeCorners, 0, 0},
	landmark.MeshRightFaceSide: {-0.5 / eyeDistPerMeshFaceWidth, 0.3, 0.6},
	landmark.MeshLeftFaceSide:  {0.5 / eyeDistPerMeshFaceWidth, 0.3, 0.6},
	landmark.MeshForehead:      {0, -1.1, 0.1},
	landmark.MeshChin:          {0, 1.9, 0.1},
	landmark.MeshNoseTip:       {0, 0.6, -0.55},
	landmark.MeshRightMouth:    {-0.35, 1.05, 0},
	landmark.MeshLeftMouth:     {0.35, 1.05, 0},
}

// syntheticMesh places the canonical mesh with eye distance ied px, its
// eye midpoint at (cx, cy) px, turned by pose.
func syntheticMesh(cx, cy, ied float64, pose HeadPose, presence float64) *landmark.Mesh {
	m := &landmark.Mesh{Presence: presence}
	for i, p := range canonicalMesh {
		q := pose.X.scale(p[0]).add(pose.Y.scale(p[1])).add(pose.Z.scale(p[2])).scale(ied)
		m.Points[i] = landmark.Point3{X: cx + q[0], Y: cy + q[1], Z: q[2]}
	}
	return m
}

// meshFace is a face whose five landmarks are the projection of its mesh
// (the eyes on the mesh's eye centres, as the face detector would see
// them), with a box around them.
func meshFace(cx, cy, ied float64, pose HeadPose) landmark.Face {
	m := syntheticMesh(cx, cy, ied, pose, 0.95)
	bw, bh := ied/eyeDistPerBoxW, ied/eyeDistPerBoxH
	return landmark.Face{
		Box:        landmark.Rect{X: cx - bw/2, Y: cy - 0.45*bh, W: bw, H: bh},
		Score:      0.9,
		RightEye:   m.RightEyeCentre().XY(),
		LeftEye:    m.LeftEyeCentre().XY(),
		Nose:       m.At(landmark.MeshNoseTip).XY(),
		RightMouth: m.At(landmark.MeshRightMouth).XY(),
		LeftMouth:  m.At(landmark.MeshLeftMouth).XY(),
		Mesh:       m,
	}
}

func TestSyntheticMeshPose(t *testing.T) {
	if h, ok := meshPose(syntheticMesh(320, 200, testIED, IdentityPose, 1)); !ok || !posesApprox(h, IdentityPose, 1e-12) {
		t.Fatalf("canonical mesh: meshPose = %+v, %v; want the identity", h, ok)
	}
	for _, a := range poseAngleTriples[:10] {
		want := poseFromAngles(a.pitch, a.yaw, a.roll)
		h, ok := meshPose(syntheticMesh(320, 200, testIED, want, 1))
		if !ok || !posesApprox(h, want, 1e-9) {
			t.Errorf("mesh turned (%v, %v, %v): meshPose = %+v, %v; want %+v", a.pitch, a.yaw, a.roll, h, ok, want)
		}
	}
	if _, ok := meshPose(&landmark.Mesh{}); ok {
		t.Error("meshPose of a degenerate mesh: ok")
	}
}

func TestMeshFaceSizeInvariance(t *testing.T) {
	const ied = 63.0
	tests := []struct {
		name string
		pose HeadPose
	}{
		{"frontal", IdentityPose},
		{"in-plane 20°", rotatePose(IdentityPose, vec3{0, 0, 1}, 20)},
		{"in-plane -35°", rotatePose(IdentityPose, vec3{0, 0, 1}, -35)},
		{"yaw 35°", rotatePose(IdentityPose, vec3{0, 1, 0}, 35)},
		{"yaw -45°", rotatePose(IdentityPose, vec3{0, 1, 0}, -45)},
		{"yaw 70°", rotatePose(IdentityPose, vec3{0, 1, 0}, 70)},
		{"pitch 30°", rotatePose(IdentityPose, vec3{1, 0, 0}, 30)},
		{"yaw 35°, pitch 20°, roll 10°", poseFromAngles(20, 35, 10)},
	}
	for _, tc := range tests {
		for _, at := range []landmark.Point{{X: 320, Y: 200}, {X: 90, Y: 400}} {
			m := syntheticMesh(at.X, at.Y, ied, tc.pose, 1)
			if got := meshFaceSize(m); !approx(got, ied, 1e-9) {
				t.Errorf("%s at %v: meshFaceSize = %v, want %v", tc.name, at, got, ied)
			}
		}
		// Twice as near (or a frame twice the size): twice the size.
		if got := meshFaceSize(syntheticMesh(320, 200, 2*ied, tc.pose, 1)); !approx(got, 2*ied, 1e-9) {
			t.Errorf("%s, doubled: meshFaceSize = %v, want %v", tc.name, got, 2*ied)
		}
	}
	// The two lengths it averages each shrink in 2D with a turn; together
	// in 3D they do not: the projected eye-corner span would.
	m := syntheticMesh(320, 200, ied, rotatePose(IdentityPose, vec3{0, 1, 0}, 45), 1)
	flat := m.At(landmark.MeshLeftEyeOuter).XY().Dist(m.At(landmark.MeshRightEyeOuter).XY()) * eyeDistPerMeshEyeCorners
	if approx(flat, ied, 1) {
		t.Fatalf("test mesh not turned: projected size %v", flat)
	}
}

func TestMeshUsable(t *testing.T) {
	good := meshFace(320, 200, testIED, IdentityPose)
	lowPresence := good
	lowPresence.Mesh = syntheticMesh(320, 200, testIED, IdentityPose, minMeshPresence/2)
	occluded := good
	occluded.Mesh = syntheticMesh(320, 200, testIED, IdentityPose, 0.15) // a mask: low but usable
	elsewhere := good
	elsewhere.Mesh = syntheticMesh(420, 200, testIED, IdentityPose, 0.95) // fitted to another face
	slightlyOff := good
	slightlyOff.Mesh = syntheticMesh(320+0.2*testIED, 200, testIED, IdentityPose, 0.95)
	noMesh := good
	noMesh.Mesh = nil
	noEyes := good
	noEyes.RightEye, noEyes.LeftEye = landmark.Point{}, landmark.Point{}
	tests := []struct {
		name string
		face landmark.Face
		want bool
	}{
		{"good", good, true},
		{"turned 35°", meshFace(320, 200, testIED, poseFromAngles(0, 35, 0)), true},
		{"presence below the gate", lowPresence, false},
		{"occluded but present", occluded, true},
		{"eyes elsewhere", elsewhere, false},
		{"eyes a little off", slightlyOff, true},
		{"no mesh", noMesh, false},
		{"no eye distance", noEyes, false},
	}
	for _, tc := range tests {
		if got := meshUsable(tc.face); got != tc.want {
			t.Errorf("%s: meshUsable = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestMeasureFrontWithMesh(t *testing.T) {
	cam := DefaultCameraModel()
	tests := []struct {
		name             string
		pitch, yaw, roll float64
	}{
		{"frontal", 0, 0, 0},
		{"camera 35° to the side", 0, 35, 0},
		{"camera below, to the side", 15, -30, 0},
		{"tilted", 0, 0, 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pose := poseFromAngles(tc.pitch, tc.yaw, tc.roll)
			face := meshFace(320, 200, testIED, pose)
			ft := MeasureFront(frontFrame(face, uprightBody()), cam)
			if !ft.Mesh || ft.MeshPresence != 0.95 {
				t.Fatalf("Mesh %v presence %v, want the mesh used", ft.Mesh, ft.MeshPresence)
			}
			p, y, r := ft.Pose.Angles()
			if !approx(p, tc.pitch, 1e-9) || !approx(y, tc.yaw, 1e-9) || !approx(r, tc.roll, 1e-9) ||
				!approx(ft.PitchDeg, tc.pitch, 1e-9) || !approx(ft.YawDeg, tc.yaw, 1e-9) || !approx(ft.RollDeg, tc.roll, 1e-9) {
				t.Errorf("pose %v, %v, %v (fields %v, %v, %v), want %v, %v, %v", p, y, r, ft.PitchDeg, ft.YawDeg, ft.RollDeg, tc.pitch, tc.yaw, tc.roll)
			}
			// The face's size does not change with the turn.
			if !approx(ft.EyeDistPx, testIED, 1e-9) || !approx(ft.FaceWidth, testIED/testW, 1e-12) ||
				!approx(ft.HeadDistCM, cam.FocalPx(testW)*cam.EyeDistanceCM/testIED, 1e-9) {
				t.Errorf("EyeDistPx %v FaceWidth %v HeadDistCM %v, want %v, %v and the frontal distance", ft.EyeDistPx, ft.FaceWidth, ft.HeadDistCM, testIED, testIED/testW)
			}
			if !ft.Shoulders || !approx(ft.FaceScale, testIED/uprightShoulderW, 1e-9) {
				t.Errorf("Shoulders %v FaceScale %v, want true %v", ft.Shoulders, ft.FaceScale, testIED/uprightShoulderW)
			}
			chin := face.Mesh.At(landmark.MeshChin)
			if !approx(ft.Chin.X, chin.X/testW, 1e-12) || !approx(ft.Chin.Y, chin.Y/testW, 1e-12) {
				t.Errorf("Chin %v, want %v in frame widths", ft.Chin, chin.XY())
			}
			if want := (uprightShoulderY - chin.Y) / testIED; !approx(ft.ChinHeight, want, 1e-9) {
				t.Errorf("ChinHeight %v, want %v", ft.ChinHeight, want)
			}
		})
	}
	// A mesh the gate refuses: the five points decide, the presence is kept.
	face := frontalFace(320, 200, testIED)
	face.Mesh = syntheticMesh(320, 200, testIED, poseFromAngles(30, 0, 0), 0.02)
	ft := MeasureFront(frontFrame(face, uprightBody()), cam)
	if ft.Mesh || ft.MeshPresence != 0.02 || !approx(ft.PitchDeg, populationPitchDeg, 1e-9) || ft.ChinHeight != 0 || ft.Chin != (landmark.Point{}) {
		t.Errorf("refused mesh: Mesh %v presence %v pitch %v chin %v/%v, want the five-point estimate", ft.Mesh, ft.MeshPresence, ft.PitchDeg, ft.Chin, ft.ChinHeight)
	}
}
