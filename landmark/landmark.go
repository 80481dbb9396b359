// Package landmark holds the plain data that the vision pipeline hands to the
// posture geometry: a face with its five YuNet landmarks and PoseNet's body
// keypoints, all in frame pixel coordinates, and a sampled burst of such
// frames with the camera's state. It has no OpenCV dependency so that
// everything downstream of the networks is testable without cgo.
//
// It imports nothing of the project and does no I/O.
package landmark

import "math"

// Point is a position in frame pixels (x to the right, y down).
type Point struct {
	X, Y float64
}

// Sub returns p - q.
func (p Point) Sub(q Point) Point { return Point{p.X - q.X, p.Y - q.Y} }

// Add returns p + q.
func (p Point) Add(q Point) Point { return Point{p.X + q.X, p.Y + q.Y} }

// Scale returns p scaled by k.
func (p Point) Scale(k float64) Point { return Point{p.X * k, p.Y * k} }

// Dist returns the Euclidean distance between p and q.
func (p Point) Dist(q Point) float64 { return math.Hypot(p.X-q.X, p.Y-q.Y) }

// Mid returns the midpoint of p and q.
func Mid(p, q Point) Point { return Point{(p.X + q.X) / 2, (p.Y + q.Y) / 2} }

// Rect is an axis-aligned box in frame pixels.
type Rect struct {
	X, Y, W, H float64
}

// Center returns the centre of r.
func (r Rect) Center() Point { return Point{r.X + r.W/2, r.Y + r.H/2} }

// Area returns the area of r (0 for an empty rect).
func (r Rect) Area() float64 {
	if r.W <= 0 || r.H <= 0 {
		return 0
	}
	return r.W * r.H
}

// IoU returns the intersection over union of a and b.
func IoU(a, b Rect) float64 {
	x0 := math.Max(a.X, b.X)
	y0 := math.Max(a.Y, b.Y)
	x1 := math.Min(a.X+a.W, b.X+b.W)
	y1 := math.Min(a.Y+a.H, b.Y+b.H)
	inter := Rect{x0, y0, x1 - x0, y1 - y0}.Area()
	union := a.Area() + b.Area() - inter
	if union <= 0 {
		return 0
	}
	return inter / union
}

// Face is one YuNet detection. Landmarks are named from the subject's point
// of view: RightEye is the subject's right eye, which appears on the left of
// an unmirrored frontal image.
type Face struct {
	Box        Rect
	Score      float64
	RightEye   Point
	LeftEye    Point
	Nose       Point
	RightMouth Point
	LeftMouth  Point
	// Mesh is the face mesh fitted to this face, nil when the mesh network
	// was not run on it (only the user's face gets one).
	Mesh *Mesh
}

// EyeMid returns the midpoint between the eyes.
func (f Face) EyeMid() Point { return Mid(f.RightEye, f.LeftEye) }

// MouthMid returns the midpoint between the mouth corners.
func (f Face) MouthMid() Point { return Mid(f.RightMouth, f.LeftMouth) }

// EyeDistance returns the distance between the eye centres in pixels.
func (f Face) EyeDistance() float64 { return f.RightEye.Dist(f.LeftEye) }

// BodyPart indexes PoseNet's 17 keypoints, in the network's output order.
type BodyPart int

// PoseNet keypoint order. Left/right are the subject's.
const (
	Nose BodyPart = iota
	LeftEye
	RightEye
	LeftEar
	RightEar
	LeftShoulder
	RightShoulder
	LeftElbow
	RightElbow
	LeftWrist
	RightWrist
	LeftHip
	RightHip
	LeftKnee
	RightKnee
	LeftAnkle
	RightAnkle
	NumBodyParts
)

var bodyPartNames = [NumBodyParts]string{
	"nose", "left_eye", "right_eye", "left_ear", "right_ear",
	"left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
	"left_wrist", "right_wrist", "left_hip", "right_hip",
	"left_knee", "right_knee", "left_ankle", "right_ankle",
}

func (b BodyPart) String() string {
	if b < 0 || b >= NumBodyParts {
		return "unknown"
	}
	return bodyPartNames[b]
}

// Keypoint is one body keypoint with the network's confidence (0..1).
type Keypoint struct {
	Point
	Score float64
}

// Body is PoseNet's single-person estimate. The zero value has every score at
// 0, which downstream code treats as "not seen".
type Body struct {
	Keypoints [NumBodyParts]Keypoint
}

// Part returns the keypoint for b.
func (b *Body) Part(p BodyPart) Keypoint { return b.Keypoints[p] }

// Frame is everything the networks found in one frame. Faces is sorted by
// descending score; Body is nil when the pose network was not run.
type Frame struct {
	Width, Height int
	Faces         []Face
	Body          *Body
	// Brightness is the frame's mean luminance (0-255; -1 when not
	// measured) and Enhanced says the networks saw a brightened copy.
	Brightness float64
	Enhanced   bool
}

// PrimaryFace returns the user's face and whether there is one. The body
// network follows one person: when it sees a nose, the face around that
// nose is the user's, so the shoulders and the face belong together.
// Otherwise the user sits closest to their own webcam, so the largest face
// is theirs, not a colleague's walking past.
func (f *Frame) PrimaryFace() (Face, bool) {
	i := f.PrimaryFaceIndex()
	if i < 0 {
		return Face{}, false
	}
	return f.Faces[i], true
}

// PrimaryFaceIndex is PrimaryFace's index into Faces, or -1.
func (f *Frame) PrimaryFaceIndex() int {
	if f.Body != nil {
		if nose := f.Body.Part(Nose); nose.Score >= 0.5 {
			best := -1
			for i, fc := range f.Faces {
				b := fc.Box
				if nose.X >= b.X && nose.X <= b.X+b.W && nose.Y >= b.Y && nose.Y <= b.Y+b.H &&
					(best < 0 || fc.Box.Area() > f.Faces[best].Box.Area()) {
					best = i
				}
			}
			if best >= 0 {
				return best
			}
		}
	}
	best := -1
	for i, fc := range f.Faces {
		if best < 0 || fc.Box.Area() > f.Faces[best].Box.Area() {
			best = i
		}
	}
	return best
}

// Point3 is a face-mesh point: X and Y in frame pixels, Z the depth
// relative to the face's centre on the same pixel scale, negative towards
// the camera. Only the differences between points' Z mean anything.
type Point3 struct {
	X, Y, Z float64
}

// Sub returns p - q.
func (p Point3) Sub(q Point3) Point3 { return Point3{p.X - q.X, p.Y - q.Y, p.Z - q.Z} }

// Norm returns the length of p.
func (p Point3) Norm() float64 { return math.Sqrt(p.X*p.X + p.Y*p.Y + p.Z*p.Z) }

// XY drops the depth.
func (p Point3) XY() Point { return Point{p.X, p.Y} }

// MeshPoints is the number of landmarks in a face mesh.
const MeshPoints = 468

// MeshIndex names a face-mesh landmark by MediaPipe's standard numbering.
// Right/left are the subject's.
type MeshIndex int

// The landmarks the posture geometry uses.
const (
	MeshNoseTip       MeshIndex = 1
	MeshForehead      MeshIndex = 10  // top of the forehead, on the midline
	MeshChin          MeshIndex = 152 // bottom of the chin, on the midline
	MeshRightEyeOuter MeshIndex = 33
	MeshRightEyeInner MeshIndex = 133
	MeshLeftEyeOuter  MeshIndex = 263
	MeshLeftEyeInner  MeshIndex = 362
	MeshRightMouth    MeshIndex = 61
	MeshLeftMouth     MeshIndex = 291
	MeshRightFaceSide MeshIndex = 234
	MeshLeftFaceSide  MeshIndex = 454
)

// Mesh is MediaPipe Face Mesh's estimate for one face.
type Mesh struct {
	Points [MeshPoints]Point3
	// Presence is the network's face-presence probability (0..1). It is
	// near 1 on a clear frontal face, drops on occluded faces (a mask,
	// looking down) while the points often stay usable, and is near 0
	// on a profile.
	Presence float64
}

// At returns landmark i.
func (m *Mesh) At(i MeshIndex) Point3 { return m.Points[i] }

// RightEyeCentre and LeftEyeCentre are the midpoints of each eye's corners.
func (m *Mesh) RightEyeCentre() Point3 {
	return mid3(m.Points[MeshRightEyeOuter], m.Points[MeshRightEyeInner])
}

// LeftEyeCentre is the midpoint of the left eye's corners.
func (m *Mesh) LeftEyeCentre() Point3 {
	return mid3(m.Points[MeshLeftEyeOuter], m.Points[MeshLeftEyeInner])
}

func mid3(a, b Point3) Point3 { return Point3{(a.X + b.X) / 2, (a.Y + b.Y) / 2, (a.Z + b.Z) / 2} }
