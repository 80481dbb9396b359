// Package pose3d moves a real person's detected landmarks through exact
// three-dimensional head and trunk motions under a pinhole camera: the
// head bowed about the head-neck joint (a glance at the keyboard or a
// phone), the head glided forward, the trunk leaned back about the hips.
//
// It is the synthetic part that a photo cannot give: motions of a known
// size, applied to the landmarks the networks found on a real upright
// photo. Because the motion is applied after detection, it says what the
// geometry, the classifier and the coach make of a motion, and nothing
// about how the networks would see it: a real bowed face is fitted less
// well by the face mesh than a rotated one. Look-alikes that change what
// the camera sees rather than where things are (a hand on the chin, a
// phone in front of the face) cannot be made this way.
//
// It is plain Go over package landmark: no image, no OpenCV.
package pose3d

import (
	"errors"
	"math"

	"github.com/neckwatch/neckwatch/landmark"
)

// Anatomy are the body's proportions the motions need, in centimetres,
// measured from the eyes' midpoint: depth is away from the camera, height
// downwards. The defaults are an adult's (anthropometric tables: the ear
// canal lies about 8 cm behind the eyes; the head-neck joint a little
// below and behind it; the hips about 50 cm below the shoulders when
// seated upright).
type Anatomy struct {
	EyeDistanceCM float64 // between the eye centres, the scale of the face
	NoseAheadCM   float64 // the nose tip in front of the eyes
	EarBehindCM   float64 // the ear canals behind the eyes
	// ShoulderBehindCM is how far behind the eyes the shoulder points
	// lie upright: about under the ears.
	ShoulderBehindCM float64
	// NeckJoint is the head-neck (atlanto-occipital) joint that a glance
	// down pivots about: below and behind the eyes.
	NeckJointDownCM, NeckJointBehindCM float64
	// Hips is the pivot of a lean back: below the shoulder line and a
	// little behind it.
	HipsBelowShouldersCM, HipsBehindShouldersCM float64
}

// DefaultAnatomy is an adult's.
func DefaultAnatomy() Anatomy {
	return Anatomy{
		EyeDistanceCM: 6.3, NoseAheadCM: 2, EarBehindCM: 8, ShoulderBehindCM: 8,
		NeckJointDownCM: 4, NeckJointBehindCM: 8,
		HipsBelowShouldersCM: 50, HipsBehindShouldersCM: 4,
	}
}

// Motion is one rigid motion of the seated person relative to the photo.
// The parts combine in this order: the head bows, the head glides
// forward, then the whole trunk leans back.
type Motion struct {
	// BowDeg bows the head about the head-neck joint: chin down,
	// positive (a glance at the keyboard is 15-30°, a phone 30-45°).
	BowDeg float64
	// ForwardCM glides the head towards the screen with the eyes level
	// (forward head posture), positive; DropCM lowers it.
	ForwardCM, DropCM float64
	// LeanBackDeg leans the trunk, head and shoulders back about the
	// hips, positive.
	LeanBackDeg float64
}

// Camera is the pinhole camera that took the photo.
type Camera struct {
	FocalPx float64 // focal length in pixels at the photo's width
	// HeadDistCM is the distance from the camera to the eyes when the
	// photo was taken (from the face's size).
	HeadDistCM float64
}

// ErrNoFace is returned for a frame without a face to move.
var ErrNoFace = errors.New("pose3d: no face in the frame")

type vec struct{ x, y, z float64 }

func (a vec) sub(b vec) vec { return vec{a.x - b.x, a.y - b.y, a.z - b.z} }
func (a vec) add(b vec) vec { return vec{a.x + b.x, a.y + b.y, a.z + b.z} }

// rotX turns v about the camera's horizontal axis by deg: positive brings
// a point above the pivot towards the camera and a point in front of it
// down (a bow).
func rotX(v vec, deg float64) vec {
	s, c := math.Sincos(deg * math.Pi / 180)
	return vec{v.x, v.y*c - v.z*s, v.y*s + v.z*c}
}

// scene holds one frame's points in camera space (cm, x right, y down, z
// away from the camera).
type scene struct {
	cam    Camera
	cx, cy float64
	eyes   vec // the eyes' midpoint
}

// toSpace places image point p at depth z.
func (s scene) toSpace(p landmark.Point, z float64) vec {
	return vec{(p.X - s.cx) * z / s.cam.FocalPx, (p.Y - s.cy) * z / s.cam.FocalPx, z}
}

func (s scene) toImage(v vec) landmark.Point {
	return landmark.Point{X: s.cx + s.cam.FocalPx*v.x/v.z, Y: s.cy + s.cam.FocalPx*v.y/v.z}
}

// Apply returns a copy of fr (a real frame's landmarks, the person
// upright) with m applied. The face box, the five face landmarks, the
// mesh and the body network's head points move with the head; the
// shoulders (and the arms and hips) stay unless the trunk leans.
func Apply(fr landmark.Frame, cam Camera, a Anatomy, m Motion) (landmark.Frame, error) {
	fi := fr.PrimaryFaceIndex()
	if fi < 0 {
		return fr, ErrNoFace
	}
	if cam.FocalPx <= 0 || cam.HeadDistCM <= 0 {
		return fr, errors.New("pose3d: the camera needs a focal length and a head distance")
	}
	face := fr.Faces[fi]
	s := scene{cam: cam, cx: float64(fr.Width) / 2, cy: float64(fr.Height) / 2}
	d := cam.HeadDistCM
	s.eyes = s.toSpace(face.EyeMid(), d)
	cmPerPx := d / cam.FocalPx

	// The pivots, from the eyes.
	neck := s.eyes.add(vec{0, a.NeckJointDownCM, a.NeckJointBehindCM})
	var shoulderMid vec
	haveBody := fr.Body != nil
	if haveBody {
		l, r := fr.Body.Part(landmark.LeftShoulder), fr.Body.Part(landmark.RightShoulder)
		shoulderMid = s.toSpace(landmark.Mid(l.Point, r.Point), d+a.ShoulderBehindCM)
	} else {
		shoulderMid = s.eyes.add(vec{0, 25, a.ShoulderBehindCM})
	}
	hips := shoulderMid.add(vec{0, a.HipsBelowShouldersCM, a.HipsBehindShouldersCM})

	moveHead := func(v vec) vec {
		v = rotX(v.sub(neck), m.BowDeg).add(neck)
		v = v.add(vec{0, m.DropCM, -m.ForwardCM})
		return rotX(v.sub(hips), -m.LeanBackDeg).add(hips)
	}
	moveTrunk := func(v vec) vec { return rotX(v.sub(hips), -m.LeanBackDeg).add(hips) }

	out := fr
	out.Faces = append([]landmark.Face(nil), fr.Faces...)
	nf := face
	// The mesh: each point at its own depth (its z is in the frame's
	// pixels, like x, relative to the face's centre).
	if face.Mesh != nil {
		mesh := *face.Mesh
		zEyes := (mesh.RightEyeCentre().Z + mesh.LeftEyeCentre().Z) / 2
		eyes := moveHead(s.eyes)
		for i, p := range mesh.Points {
			v := moveHead(s.toSpace(landmark.Point{X: p.X, Y: p.Y}, d+(p.Z-zEyes)*cmPerPx))
			q := s.toImage(v)
			mesh.Points[i] = landmark.Point3{X: q.X, Y: q.Y, Z: zEyes + (v.z-eyes.z)*cam.FocalPx/eyes.z}
		}
		nf.Mesh = &mesh
	}
	// The five landmarks: eyes at the eyes' depth, the nose ahead of
	// them, the mouth corners in between.
	move := func(p landmark.Point, aheadCM float64) landmark.Point {
		return s.toImage(moveHead(s.toSpace(p, d-aheadCM)))
	}
	nf.RightEye, nf.LeftEye = move(face.RightEye, 0), move(face.LeftEye, 0)
	nf.Nose = move(face.Nose, a.NoseAheadCM)
	nf.RightMouth, nf.LeftMouth = move(face.RightMouth, a.NoseAheadCM/2), move(face.LeftMouth, a.NoseAheadCM/2)
	// The box: its corners on the face's plane.
	b := face.Box
	var minX, minY, maxX, maxY = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, c := range []landmark.Point{{X: b.X, Y: b.Y}, {X: b.X + b.W, Y: b.Y}, {X: b.X, Y: b.Y + b.H}, {X: b.X + b.W, Y: b.Y + b.H}} {
		q := move(c, 0)
		minX, minY, maxX, maxY = math.Min(minX, q.X), math.Min(minY, q.Y), math.Max(maxX, q.X), math.Max(maxY, q.Y)
	}
	nf.Box = landmark.Rect{X: minX, Y: minY, W: maxX - minX, H: maxY - minY}
	out.Faces[fi] = nf

	if haveBody {
		body := *fr.Body
		head := map[landmark.BodyPart]float64{
			landmark.Nose: a.NoseAheadCM, landmark.LeftEye: 0, landmark.RightEye: 0,
			landmark.LeftEar: -a.EarBehindCM, landmark.RightEar: -a.EarBehindCM,
		}
		for part := landmark.BodyPart(0); part < landmark.NumBodyParts; part++ {
			k := body.Keypoints[part]
			if ahead, ok := head[part]; ok {
				k.Point = move(k.Point, ahead)
			} else {
				// The trunk and arms, at the shoulders' depth: they move
				// only with a lean.
				k.Point = s.toImage(moveTrunk(s.toSpace(k.Point, d+a.ShoulderBehindCM)))
			}
			body.Keypoints[part] = k
		}
		out.Body = &body
	}
	return out, nil
}
