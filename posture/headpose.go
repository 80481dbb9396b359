package posture

import (
	"math"

	"github.com/neckwatch/neckwatch/landmark"
)

// HeadPose is the head's orientation relative to the camera, as the three
// unit axes of the face in camera coordinates (x right, y down, z away
// from the camera): X runs from the subject's right eye to the left eye,
// Y from the forehead down to the chin, Z = X × Y into the head.
type HeadPose struct {
	X, Y, Z vec3
}

type vec3 [3]float64

func (a vec3) dot(b vec3) float64 { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }
func (a vec3) sub(b vec3) vec3    { return vec3{a[0] - b[0], a[1] - b[1], a[2] - b[2]} }
func (a vec3) scale(k float64) vec3 {
	return vec3{a[0] * k, a[1] * k, a[2] * k}
}
func (a vec3) norm() float64 { return math.Sqrt(a.dot(a)) }
func (a vec3) cross(b vec3) vec3 {
	return vec3{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
}
func (a vec3) unit() vec3 {
	n := a.norm()
	if n == 0 {
		return a
	}
	return a.scale(1 / n)
}

const deg = 180 / math.Pi

// IdentityPose is a face looking straight into the camera, level.
var IdentityPose = HeadPose{X: vec3{1, 0, 0}, Y: vec3{0, 1, 0}, Z: vec3{0, 0, 1}}

// poseFromAxes builds an orthonormal pose from an eye-line vector and a
// forehead-to-chin vector (Gram-Schmidt, the eye line kept).
func poseFromAxes(x, y vec3) (HeadPose, bool) {
	x = x.unit()
	y = y.sub(x.scale(y.dot(x)))
	if x.norm() == 0 || y.norm() < 1e-9 {
		return HeadPose{}, false
	}
	y = y.unit()
	return HeadPose{X: x, Y: y, Z: x.cross(y)}, true
}

// meshPose reads the head's orientation off the face mesh's 3D points:
// the outer eye corners give the face's x axis, forehead to chin its y
// axis. The depth values make this a true 3D orientation, so a turned or
// pitched head is measured, not guessed from foreshortening.
func meshPose(m *landmark.Mesh) (HeadPose, bool) {
	p := func(i landmark.MeshIndex) vec3 { q := m.At(i); return vec3{q.X, q.Y, q.Z} }
	x := p(landmark.MeshLeftEyeOuter).sub(p(landmark.MeshRightEyeOuter))
	// The mouth corners and the face sides steady the eye line.
	x = x.add(p(landmark.MeshLeftFaceSide).sub(p(landmark.MeshRightFaceSide)).scale(0.66))
	y := p(landmark.MeshChin).sub(p(landmark.MeshForehead))
	return poseFromAxes(x, y)
}

func (a vec3) add(b vec3) vec3 { return vec3{a[0] + b[0], a[1] + b[1], a[2] + b[2]} }

// poseFromAngles builds the pose with the given angles (see Angles).
func poseFromAngles(pitchDeg, yawDeg, rollDeg float64) HeadPose {
	// R = Rz(roll) · Ry(yaw) · Rx(pitch), applied to the identity axes.
	p, y, r := pitchDeg/deg, yawDeg/deg, rollDeg/deg
	rx := func(v vec3) vec3 {
		c, s := math.Cos(p), math.Sin(p)
		return vec3{v[0], c*v[1] - s*v[2], s*v[1] + c*v[2]}
	}
	ry := func(v vec3) vec3 {
		c, s := math.Cos(y), math.Sin(y)
		return vec3{c*v[0] - s*v[2], v[1], s*v[0] + c*v[2]}
	}
	rz := func(v vec3) vec3 {
		c, s := math.Cos(r), math.Sin(r)
		return vec3{c*v[0] - s*v[1], s*v[0] + c*v[1], v[2]}
	}
	f := func(v vec3) vec3 { return rz(ry(rx(v))) }
	return HeadPose{X: f(vec3{1, 0, 0}), Y: f(vec3{0, 1, 0}), Z: f(vec3{0, 0, 1})}
}

// Angles returns the pose as pitch (chin down positive), yaw (turned to
// the subject's left positive) and roll (tilted towards the subject's left
// shoulder in the image, positive), in degrees: the inverse of
// poseFromAngles.
func (h HeadPose) Angles() (pitch, yaw, roll float64) {
	// Columns of R are X, Y, Z. R = Rz Ry Rx gives
	// R[2][0] = -sin(yaw)·(-1)... written out: X = (cy cr, cy sr, sy)
	// with the sign convention of ry above.
	yawRad := math.Asin(clamp(h.X[2], -1, 1))
	rollRad := math.Atan2(h.X[1], h.X[0])
	// Y's component along the z axis and Z's along it give the pitch.
	pitchRad := math.Atan2(h.Y[2], h.Z[2])
	return pitchRad * deg, yawRad * deg, rollRad * deg
}

// Relative returns the rotation that takes base to h, expressed in base's
// own axes: how the head moved from its calibrated orientation, whatever
// the camera's placement. Pitch then is flexion about the head's own
// left-right axis even when the camera looks at the face from 40° to the
// side.
func (h HeadPose) Relative(base HeadPose) HeadPose {
	to := func(v vec3) vec3 { return vec3{v.dot(base.X), v.dot(base.Y), v.dot(base.Z)} }
	return HeadPose{X: to(h.X), Y: to(h.Y), Z: to(h.Z)}
}
