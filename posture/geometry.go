package posture

import (
	"math"

	"github.com/neckwatch/neckwatch/landmark"
)

// View is where the camera sits relative to the user.
type View string

// Camera placements.
const (
	Front View = "front" // laptop or monitor webcam facing the user (default)
	Side  View = "side"  // camera beside the user, seeing them in profile
)

// ParseView parses "front", "side" or "auto".
func ParseView(s string) (View, bool) {
	switch View(s) {
	case Front, Side, Auto:
		return View(s), true
	}
	return "", false
}

// CameraModel holds the physical assumptions behind the centimetre and
// degree estimates. The zero value is not useful; use DefaultCameraModel.
type CameraModel struct {
	// HFOVDeg is the webcam's horizontal field of view. Laptop and USB
	// webcams mostly sit between 60 and 78 degrees.
	HFOVDeg float64
	// EyeDistanceCM is the distance between the eye centres (interpupillary
	// distance): about 6.3 cm for adults.
	EyeDistanceCM float64
	// NeckHeightCM is the vertical distance from the base of the neck (C7)
	// to the ear used by the neck-angle model.
	NeckHeightCM float64
	// UprightNeckAngleDeg is the craniovertebral angle assumed for the
	// upright baseline: 50.6 deg is the healthy adult mean (Lau et al. 2009).
	UprightNeckAngleDeg float64
}

// DefaultCameraModel returns typical adult and webcam figures.
func DefaultCameraModel() CameraModel {
	return CameraModel{HFOVDeg: 70, EyeDistanceCM: 6.3, NeckHeightCM: 10, UprightNeckAngleDeg: 50.6}
}

// FocalPx returns the pinhole focal length in pixels for a frame width.
func (c CameraModel) FocalPx(frameW int) float64 {
	return float64(frameW) / 2 / math.Tan(c.HFOVDeg*math.Pi/360)
}

// NeckAngle returns the craniovertebral-angle proxy of the model neck when
// the head has moved forwardCM forward and its height above the shoulders
// is heightRatio times the upright one: larger is more upright.
func (c CameraModel) NeckAngle(forwardCM, heightRatio float64) float64 {
	up := c.UprightNeckAngleDeg * math.Pi / 180
	h := c.NeckHeightCM * clamp(heightRatio, 0.2, 1.5)
	// A chin tuck retracts the head a few centimetres at most; a larger
	// "backward" figure is measurement error (a wide jacket, a far camera),
	// not a neck angle beyond what a neck can do.
	off := c.NeckHeightCM/math.Tan(up) + math.Max(forwardCM, -maxRetractionCM)
	return math.Atan2(h, off) * 180 / math.Pi
}

// maxRetractionCM is how far behind its upright position the neck-angle
// model lets the head go.
const maxRetractionCM = 3

// FrontFeatures are the front-view measurements of one frame, in units
// that do not depend on the frame's pixel size or on where the person sits
// in it: positions and lengths in frame widths (x/W and y/W, so a 1080p
// and a 540p frame of one camera agree), ratios of the face size or the
// shoulder width, and angles.
type FrontFeatures struct {
	FrameW, FrameH int

	Face      bool // a face with landmarks was found
	Shoulders bool // both shoulders seen and plausible
	FaceScore float64
	// Mesh is set when the pose, size and chin come from the face mesh;
	// otherwise from the five face landmarks (a poorer estimate).
	Mesh         bool
	MeshPresence float64
	// MeshRefused is set when a mesh was fitted but failed the gate.
	MeshRefused bool

	Pose     HeadPose // orientation relative to the camera
	PitchDeg float64  // head flexion: positive = chin down
	YawDeg   float64  // positive = turned to the subject's left
	RollDeg  float64  // positive = tilted towards the subject's left shoulder

	// EyeDistPx is the face's size as the eye distance a frontal view of
	// it would show, in pixels: the one pixel figure, kept for the pinhole
	// distance and for tests.
	EyeDistPx  float64
	HeadDistCM float64        // camera to eyes, pinhole estimate
	FaceWidth  float64        // EyeDistPx in frame widths
	EyeMid     landmark.Point // in frame widths
	Chin       landmark.Point // in frame widths (mesh only)

	ShoulderWidth float64        // in frame widths
	ShoulderMid   landmark.Point // in frame widths
	FaceScale     float64        // face size (eye distance) / shoulder width
	EyeHeight     float64        // (shoulder line - eyes) / shoulder width
	// ChinHeight is the chin's height over the shoulder line in face sizes
	// (eye distances): a head that drops or comes forward and down lowers
	// it. Mesh only.
	ChinHeight    float64
	LateralOffset float64 // (eyes - shoulder midpoint) x / shoulder width

	BodyOnly bool // no face, but a confident body (someone turned away)
	// Dark is set when the frame's mean luminance was below darkFrame
	// (0-255): the body network's shoulders are then the first thing to
	// go astray, well before the face mesh does.
	Dark bool
	// TooDark is set below tooDarkFrame: even equalised, the landmarks of
	// such a frame are mostly noise, and it is judged uncertain.
	TooDark bool
}

// Aspect is the frame's width over its height.
func (f FrontFeatures) Aspect() float64 {
	if f.FrameH <= 0 {
		return 0
	}
	return float64(f.FrameW) / float64(f.FrameH)
}

// canonical face, in eye-distance units, y down, z towards the camera: the
// nose tip stands out from the eye plane, the mouth barely. Pitch changes
// the nose's drop relative to the mouth's; yaw moves the nose sideways.
const (
	faceNoseY  = 0.555
	faceNoseZ  = 0.55
	faceMouthY = 1.05
	faceMouthZ = 0.15
)

// Minimum keypoint confidence to use a body keypoint. PoseNet gives 0.6-0.7
// even to a shoulder outside the frame, so scores alone are not enough: the
// geometry gates in shouldersPlausible do the rest.
const (
	minKeypointScore = 0.5
	minShoulderScore = 0.55
	maxShoulderSlope = 0.3 // |dy| / width of the shoulder line
	// darkFrame is the mean luminance below which a frame counts as dark
	// for the shoulders: an evening lamp's frames measured 15-40, daylight
	// desk photos 70-130.
	darkFrame = 50
	// tooDarkFrame is the mean luminance below which nothing is judged:
	// the darkest evening-lamp frames measured 15; below that the
	// landmarks of real faces wander (at a mean of about 10, an eighth of
	// upright photos read as bad posture).
	tooDarkFrame = 13
)

// headPose estimates pitch, yaw and roll from the five face landmarks.
func headPose(f landmark.Face) (pitch, yaw, roll float64) {
	eyeVec := f.LeftEye.Sub(f.RightEye)
	ied := math.Hypot(eyeVec.X, eyeVec.Y)
	if ied == 0 {
		return 0, 0, 0
	}
	rollRad := math.Atan2(eyeVec.Y, eyeVec.X)
	// Unit vectors along the face's horizontal and vertical axes.
	ux, uy := eyeVec.X/ied, eyeVec.Y/ied
	vx, vy := -uy, ux
	eye := f.EyeMid()
	nose := f.Nose.Sub(eye)
	mouth := f.MouthMid().Sub(eye)
	noseAcross := nose.X*ux + nose.Y*uy
	noseDown := nose.X*vx + nose.Y*vy
	mouthDown := mouth.X*vx + mouth.Y*vy
	// yaw: the nose tip sits faceNoseZ in front of the eyes, so turning by
	// phi moves it across by faceNoseZ*sin(phi) while the eyes shrink by cos(phi).
	yawRad := math.Atan(noseAcross / ied / faceNoseZ)
	// pitch: r = noseDown/mouthDown = (ny*c + nz*s)/(my*c + mz*s); solve for tan.
	pitchRad := 0.0
	if mouthDown > 1e-6 {
		r := noseDown / mouthDown
		pitchRad = math.Atan((r*faceMouthY - faceNoseY) / (faceNoseZ - r*faceMouthZ))
	}
	deg := 180 / math.Pi
	return pitchRad * deg, yawRad * deg, rollRad * deg
}

// shouldersPlausible rejects shoulder keypoints that cannot be the user's:
// low scores, outside the frame, above the eyes, far too narrow or wide
// for the face, or a shoulder line steeper than a person can hold.
func shouldersPlausible(body *landmark.Body, face *landmark.Face, w, h int) bool {
	if body == nil {
		return false
	}
	l, r := body.Part(landmark.LeftShoulder), body.Part(landmark.RightShoulder)
	if l.Score < minShoulderScore || r.Score < minShoulderScore {
		return false
	}
	for _, p := range []landmark.Keypoint{l, r} {
		// A shoulder below the frame gets an argmax on the last row: keep a margin.
		if p.X < 0 || p.X > float64(w) || p.Y < 0 || p.Y > float64(h)*0.985 {
			return false
		}
	}
	sw := l.Dist(r.Point)
	if sw < 1 {
		return false
	}
	mid := landmark.Mid(l.Point, r.Point)
	// A shoulder line steeper than ~17° is rare at a desk; the body
	// network's argmax, though, jumps between two peaks for a shoulder
	// (on one portrait, 55 px up the collar in half of the noisy copies),
	// which tilts the line and shrinks the width by 10%.
	if math.Abs(l.Y-r.Y) > maxShoulderSlope*sw {
		return false
	}
	if face != nil {
		ied := face.EyeDistance()
		if ied <= 0 || sw < 1.8*ied || sw > 9*ied {
			return false
		}
		if mid.Y < face.EyeMid().Y+0.4*ied { // shoulders must be below the eyes
			return false
		}
		// The body network's shoulders must belong to the face we measure,
		// not to someone beside the user.
		if math.Abs(mid.X-face.EyeMid().X) > 0.8*sw {
			return false
		}
	}
	return true
}

// confidentHead reports whether the body network sees a head (nose, eyes or
// ears) confidently: someone is there even when no face was detected.
func confidentHead(body *landmark.Body) bool {
	if body == nil {
		return false
	}
	n := 0
	for _, p := range []landmark.BodyPart{landmark.Nose, landmark.LeftEye, landmark.RightEye, landmark.LeftEar, landmark.RightEar} {
		if body.Part(p).Score >= 0.7 {
			n++
		}
	}
	return n >= 2
}

// Ratios of the eye distance to other measures of the head's size in the
// image, typical of adults facing a webcam. Each measure alone jitters by a
// few percent from frame to frame; their mean, in eye-distance units, is
// steadier, and the baseline absorbs any one person's difference.
const (
	eyeDistPerBoxW       = 0.467 // YuNet box width
	eyeDistPerBoxH       = 0.364 // YuNet box height
	eyeDistPerPoseEyes   = 0.95  // PoseNet eye keypoints
	eyeDistPerPoseEars   = 0.454 // PoseNet ear keypoints
	minSizeKeypointScore = 0.7
)

// faceSize estimates the eye distance in pixels a frontal view of this
// head would show, from YuNet's eyes and box and, when they belong to the
// same head, PoseNet's eyes and ears. A turned head shows foreshortened
// widths; they are corrected for yaw so the distance estimate does not jump
// when the user glances sideways.
func faceSize(face landmark.Face, body *landmark.Body, yawDeg float64) float64 {
	widthScale := 1 / math.Max(math.Cos(yawDeg*math.Pi/180), 0.5)
	sum := face.EyeDistance()*widthScale + face.Box.W*eyeDistPerBoxW*widthScale + face.Box.H*eyeDistPerBoxH
	n := 3.0
	if body != nil {
		for _, pair := range []struct {
			a, b landmark.BodyPart
			k    float64
		}{{landmark.LeftEye, landmark.RightEye, eyeDistPerPoseEyes}, {landmark.LeftEar, landmark.RightEar, eyeDistPerPoseEars}} {
			a, b := body.Part(pair.a), body.Part(pair.b)
			// In a group the body network can take an eye or ear from the
			// next person: use only points on this face (ears just beside it).
			if a.Score >= minSizeKeypointScore && b.Score >= minSizeKeypointScore && inBox(face.Box, 0.3, a.Point, b.Point) {
				sum += a.Dist(b.Point) * pair.k * widthScale
				n++
			}
		}
	}
	return sum / n
}

// inBox reports whether every point lies in r grown by margin (a fraction of
// its width) on the left and right.
func inBox(r landmark.Rect, margin float64, pts ...landmark.Point) bool {
	x0, x1 := r.X-margin*r.W, r.X+r.W+margin*r.W
	for _, p := range pts {
		if p.X < x0 || p.X > x1 || p.Y < r.Y || p.Y > r.Y+r.H {
			return false
		}
	}
	return true
}

// bodyMatchesFace reports whether the body keypoints belong to the face:
// the body's nose lies inside the face box.
func bodyMatchesFace(body *landmark.Body, face landmark.Face) bool {
	if body == nil {
		return false
	}
	n := body.Part(landmark.Nose)
	b := face.Box
	return n.Score >= minKeypointScore && n.X >= b.X && n.X <= b.X+b.W && n.Y >= b.Y && n.Y <= b.Y+b.H
}

// Face-mesh gates. The mesh's presence score drops on occluded faces (a
// mask looking down scored 0.15-0.2 with usable points) and is near 0 on a
// profile, whose points are not usable: trust the mesh above a low score
// and only when its eyes lie on the face detector's eyes.
const (
	minMeshPresence = 0.1
	maxMeshEyeError = 0.35 // of the eye distance
)

// Face-mesh lengths in eye-distance units: the outer eye corners of an
// adult lie about 9 cm apart against a 6.3 cm interpupillary distance, and
// the face's width at the cheekbones (landmarks 234-454) is about 1.5 times
// the outer-corner span. Both are measured in 3D, so they do not shrink
// when the head turns or nods.
const (
	eyeDistPerMeshEyeCorners = 0.70
	eyeDistPerMeshFaceWidth  = 0.70 * 0.66
)

// meshUsable reports whether face's mesh can be trusted.
func meshUsable(face landmark.Face) bool {
	m := face.Mesh
	if m == nil || m.Presence < minMeshPresence {
		return false
	}
	ied := face.EyeDistance()
	if ied <= 0 {
		return false
	}
	return m.RightEyeCentre().XY().Dist(face.RightEye) < maxMeshEyeError*ied &&
		m.LeftEyeCentre().XY().Dist(face.LeftEye) < maxMeshEyeError*ied
}

// meshFaceSize is the face's size in eye-distance pixels from the mesh's
// 3D lengths: the same whichever way the head is turned.
func meshFaceSize(m *landmark.Mesh) float64 {
	corners := m.At(landmark.MeshLeftEyeOuter).Sub(m.At(landmark.MeshRightEyeOuter)).Norm()
	width := m.At(landmark.MeshLeftFaceSide).Sub(m.At(landmark.MeshRightFaceSide)).Norm()
	return (corners*eyeDistPerMeshEyeCorners + width*eyeDistPerMeshFaceWidth) / 2
}

// MeasureFront computes the front-view features of one frame.
func MeasureFront(fr *landmark.Frame, cam CameraModel) FrontFeatures {
	ft := FrontFeatures{FrameW: fr.Width, FrameH: fr.Height, Dark: fr.Enhanced && fr.Brightness < darkFrame,
		TooDark: fr.Enhanced && fr.Brightness < tooDarkFrame}
	face, ok := fr.PrimaryFace()
	if !ok || fr.Width <= 0 {
		ft.BodyOnly = ok || confidentHead(fr.Body)
		return ft
	}
	w := float64(fr.Width)
	norm := func(p landmark.Point) landmark.Point { return p.Scale(1 / w) }
	ft.Face = true
	ft.FaceScore = face.Score
	body := fr.Body
	if !bodyMatchesFace(body, face) {
		body = nil // the body network is following someone else
	}
	eyeMid := face.EyeMid()
	if meshUsable(face) {
		ft.Mesh = true
		ft.MeshPresence = face.Mesh.Presence
		ft.Pose, _ = meshPose(face.Mesh)
		ft.PitchDeg, ft.YawDeg, ft.RollDeg = ft.Pose.Angles()
		ft.EyeDistPx = meshFaceSize(face.Mesh)
		eyeMid = landmark.Mid(face.Mesh.RightEyeCentre().XY(), face.Mesh.LeftEyeCentre().XY())
		ft.Chin = norm(face.Mesh.At(landmark.MeshChin).XY())
	} else {
		if face.Mesh != nil {
			ft.MeshPresence = face.Mesh.Presence
			ft.MeshRefused = true
		}
		ft.PitchDeg, ft.YawDeg, ft.RollDeg = headPose(face)
		// The five-point pitch reads 0 on a level head; the mesh's
		// forehead-chin line leans back by populationPitchDeg. One
		// convention for both, so a baseline made with the mesh judges a
		// frame where the mesh dropped out.
		ft.PitchDeg += populationPitchDeg
		// YuNet's landmarks barely follow a tilted head (it was trained on
		// upright faces); PoseNet's eyes do, so they give the roll when seen.
		if body != nil {
			le, re := body.Part(landmark.LeftEye), body.Part(landmark.RightEye)
			if le.Score >= 0.7 && re.Score >= 0.7 && le.Dist(re.Point) > 0 && inBox(face.Box, 0, le.Point, re.Point) {
				ft.RollDeg = math.Atan2(le.Y-re.Y, le.X-re.X) * 180 / math.Pi
			}
		}
		ft.Pose = poseFromAngles(ft.PitchDeg, ft.YawDeg, ft.RollDeg)
		ft.EyeDistPx = faceSize(face, body, ft.YawDeg)
	}
	ft.EyeMid = norm(eyeMid)
	if ft.EyeDistPx > 0 {
		ft.HeadDistCM = cam.FocalPx(fr.Width) * cam.EyeDistanceCM / ft.EyeDistPx
		ft.FaceWidth = ft.EyeDistPx / w
	}
	if shouldersPlausible(fr.Body, &face, fr.Width, fr.Height) {
		l := fr.Body.Part(landmark.LeftShoulder).Point
		r := fr.Body.Part(landmark.RightShoulder).Point
		sw := l.Dist(r)
		mid := landmark.Mid(l, r)
		ft.Shoulders = true
		ft.ShoulderWidth = sw / w
		ft.ShoulderMid = norm(mid)
		ft.FaceScale = ft.EyeDistPx / sw
		ft.EyeHeight = (mid.Y - eyeMid.Y) / sw
		ft.LateralOffset = (eyeMid.X - mid.X) / sw
		if ft.Mesh && ft.EyeDistPx > 0 {
			ft.ChinHeight = (mid.Y - face.Mesh.At(landmark.MeshChin).Y) / ft.EyeDistPx
		}
	}
	return ft
}

// SideFeatures are the side-view measurements of one frame.
type SideFeatures struct {
	Person bool // any confident head or body evidence
	Usable bool // an ear and a shoulder were seen
	Facing int  // +1 facing image right, -1 facing image left

	// NeckAngleDeg is the ear-shoulder line's angle above the horizontal,
	// measured on the side the user faces: 90 = ear straight above the
	// shoulder, smaller = head further forward (a CVA proxy).
	NeckAngleDeg float64
	// TorsoForwardDeg is the shoulder-hip line's inclination from vertical,
	// positive when the shoulders are ahead of the hips (hunching forward).
	TorsoForwardDeg float64
	Hips            bool
	// HeadFlexionDeg is how far the ear-to-nose line points below the
	// horizontal: looking down at a laptop raises it.
	HeadFlexionDeg float64
	NoseSeen       bool
}

// weightedMid averages the confident keypoints of a left/right pair by
// score. In profile both shoulders (or hips) overlap and the network often
// swaps or splits them; the weighted mean is steadier than either.
func weightedMid(a, b landmark.Keypoint, min float64) (landmark.Point, bool) {
	wa, wb := a.Score, b.Score
	if wa < min {
		wa = 0
	}
	if wb < min {
		wb = 0
	}
	if wa+wb == 0 {
		return landmark.Point{}, false
	}
	return a.Point.Scale(wa / (wa + wb)).Add(b.Point.Scale(wb / (wa + wb))), true
}

// MeasureSide computes the side-view features of one frame.
func MeasureSide(fr *landmark.Frame) SideFeatures {
	var ft SideFeatures
	_, hasFace := fr.PrimaryFace()
	b := fr.Body
	if b == nil {
		ft.Person = hasFace
		return ft
	}
	ft.Person = hasFace || confidentHead(b)
	ear := b.Part(landmark.LeftEar)
	if r := b.Part(landmark.RightEar); r.Score > ear.Score {
		ear = r
	}
	sh, okS := weightedMid(b.Part(landmark.LeftShoulder), b.Part(landmark.RightShoulder), 0.3)
	shScore := math.Max(b.Part(landmark.LeftShoulder).Score, b.Part(landmark.RightShoulder).Score)
	if ear.Score < minKeypointScore || !okS || shScore < minKeypointScore || sh.Y <= ear.Y {
		return ft
	}
	ft.Usable = true
	ft.Person = true
	nose := b.Part(landmark.Nose)
	ft.NoseSeen = nose.Score >= minKeypointScore
	switch {
	case ft.NoseSeen && nose.X != ear.X:
		ft.Facing = sign(nose.X - ear.X)
	default:
		// Without the nose, assume the head leans over the shoulder it faces.
		ft.Facing = sign(ear.X - sh.X)
		if ft.Facing == 0 {
			ft.Facing = 1
		}
	}
	f := float64(ft.Facing)
	ft.NeckAngleDeg = math.Atan2(sh.Y-ear.Y, f*(ear.X-sh.X)) * 180 / math.Pi
	if hip, ok := weightedMid(b.Part(landmark.LeftHip), b.Part(landmark.RightHip), 0.3); ok && hip.Y > sh.Y {
		ft.Hips = true
		ft.TorsoForwardDeg = math.Atan2(f*(sh.X-hip.X), hip.Y-sh.Y) * 180 / math.Pi
	}
	if ft.NoseSeen {
		ft.HeadFlexionDeg = math.Atan2(nose.Y-ear.Y, math.Abs(nose.X-ear.X)) * 180 / math.Pi
	}
	return ft
}

func sign(v float64) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

func clamp(v, lo, hi float64) float64 {
	return math.Max(lo, math.Min(hi, v))
}
