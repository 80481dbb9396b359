package vision

import (
	"errors"
	"fmt"
	"math"
	"time"

	"gocv.io/x/gocv"

	"github.com/neckwatch/neckwatch/landmark"
	"github.com/neckwatch/neckwatch/models"
)

// Timing is where one frame's pipeline time went.
type Timing struct {
	Face        time.Duration // YuNet: pre-processing, forward pass, decode
	Body        time.Duration // PoseNet: pre-processing, forward pass, decode
	Mesh        time.Duration // Face Mesh: crop, forward pass, decode
	FaceForward time.Duration // YuNet's forward pass alone
	BodyForward time.Duration // PoseNet's forward pass alone
	MeshForward time.Duration // Face Mesh's forward pass alone
	Total       time.Duration // the whole Detect call
}

// Forward is the time of the networks' own forward passes.
func (t Timing) Forward() time.Duration { return t.FaceForward + t.BodyForward + t.MeshForward }

// PipelineConfig selects and tunes the networks.
type PipelineConfig struct {
	Face  FaceDetectorConfig
	Body  BodyDetectorConfig
	Light LightConfig
	// RefitMesh fits the face mesh a second time in the span of its first
	// fit (see FaceMeshDetector.Refit): steadier face size and tilt for
	// one more forward pass on frames that are not tracked.
	RefitMesh bool
	// AccurateFace uses yunet_n_320_320 instead of YuNet 2023mar: better
	// on hard faces, about twice as slow.
	AccurateFace bool
	// ModelDir is an extra directory to look for model files in when they
	// are not embedded in the binary.
	ModelDir string
}

// DefaultPipelineConfig returns the settings the commands use.
func DefaultPipelineConfig() PipelineConfig {
	return PipelineConfig{Face: DefaultFaceDetectorConfig(), Body: DefaultBodyDetectorConfig(), Light: DefaultLightConfig(), RefitMesh: true}
}

// Pipeline turns a BGR frame into landmarks: faces from YuNet, body
// keypoints from PoseNet, and a face mesh (MediaPipe Face Mesh) on the
// user's face. It owns the networks; Close releases them. Not safe for
// concurrent use.
type Pipeline struct {
	face  *FaceDetector
	body  *BodyDetector
	mesh  *FaceMeshDetector
	light *lightEnhancer
	refit bool

	// prev is the last frame's user face and body, for Track; reused
	// counts the frames in a row that reused them.
	prev   *landmark.Frame
	reused int
}

// NewPipeline loads and verifies the models and builds both networks.
func NewPipeline(cfg PipelineConfig) (p *Pipeline, err error) {
	quietly(func() { p, err = newPipeline(cfg) })
	return p, err
}

func newPipeline(cfg PipelineConfig) (*Pipeline, error) {
	faceSpec := models.YuNet
	if cfg.AccurateFace {
		faceSpec = models.YuNetN
	}
	faceBytes, _, err := models.Load(faceSpec, cfg.ModelDir)
	if err != nil {
		return nil, err
	}
	bodyBytes, _, err := models.Load(models.PoseNet, cfg.ModelDir)
	if err != nil {
		return nil, err
	}
	meshBytes, _, err := models.Load(models.FaceMesh, cfg.ModelDir)
	if err != nil {
		return nil, err
	}
	face, err := NewFaceDetector(faceBytes, cfg.Face)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", faceSpec.Name, err)
	}
	body, err := NewBodyDetector(bodyBytes, cfg.Body)
	if err != nil {
		face.Close()
		return nil, fmt.Errorf("%s: %w", models.PoseNet.Name, err)
	}
	mesh, err := NewFaceMeshDetector(meshBytes)
	if err != nil {
		face.Close()
		body.Close()
		return nil, fmt.Errorf("%s: %w", models.FaceMesh.Name, err)
	}
	return &Pipeline{face: face, body: body, mesh: mesh, light: newLightEnhancer(cfg.Light), refit: cfg.RefitMesh}, nil
}

// Close releases the networks.
func (p *Pipeline) Close() error {
	return errors.Join(p.face.Close(), p.body.Close(), p.mesh.Close(), p.light.Close())
}

// Tracking limits. A frame following the last one reuses its face box and
// body keypoints when the face mesh, fitted in the old box, finds a
// confident face that has moved less than trackMaxShift of its eye
// distance and changed size by less than trackMaxScale; after
// trackMaxReuse such frames the networks run in full again.
const (
	trackMinPresence = 0.5
	trackMaxShift    = 0.15
	trackMaxScale    = 0.04
	trackMaxReuse    = 2
)

// Track is Detect for a frame that closely follows the previous one (the
// later frames of a burst, consecutive video frames). A face that has not
// moved has the same face box and, as the body keeps still with it, the
// same shoulders: only the face mesh runs, in the previous face's box, and
// the face's five points are read off the mesh. Anything else (no previous
// frame, another frame size, a face that moved or that the mesh no longer
// finds) runs the full pipeline. It never reuses more than trackMaxReuse
// frames in a row.
func (p *Pipeline) Track(frame gocv.Mat) (landmark.Frame, Timing, error) {
	prev := p.prev
	if prev == nil || p.reused >= trackMaxReuse || frame.Empty() || frame.Cols() != prev.Width || frame.Rows() != prev.Height {
		return p.Detect(frame)
	}
	old, ok := prev.PrimaryFace()
	if !ok || old.Mesh == nil {
		return p.Detect(frame)
	}
	var t Timing
	start := time.Now()
	out := landmark.Frame{Width: frame.Cols(), Height: frame.Rows(), Body: prev.Body}
	in, brightness, enhanced := p.light.apply(frame)
	out.Brightness, out.Enhanced = brightness, enhanced
	m, err := p.mesh.Refit(in, old.Mesh)
	if err != nil {
		return out, t, err
	}
	face, ok := trackedFace(old, &m)
	if !ok {
		return p.Detect(frame)
	}
	t.Mesh = time.Since(start)
	t.MeshForward = p.mesh.lastForward
	out.Faces = []landmark.Face{face}
	t.Total = time.Since(start)
	p.prev = &out
	p.reused++
	return out, t, nil
}

// trackedFace is old's face moved to where mesh m found it, with its five
// points read off the mesh, or false when m is not a confident fit of the
// same, unmoved face.
func trackedFace(old landmark.Face, m *landmark.Mesh) (landmark.Face, bool) {
	if m.Presence < trackMinPresence {
		return landmark.Face{}, false
	}
	re, le := m.RightEyeCentre().XY(), m.LeftEyeCentre().XY()
	om := old.Mesh
	ore, ole := om.RightEyeCentre().XY(), om.LeftEyeCentre().XY()
	ied := ore.Dist(ole)
	if ied <= 0 {
		return landmark.Face{}, false
	}
	shift := landmark.Mid(re, le).Dist(landmark.Mid(ore, ole)) / ied
	scale := re.Dist(le) / ied
	if shift > trackMaxShift || math.Abs(scale-1) > trackMaxScale {
		return landmark.Face{}, false
	}
	// The five points keep their offset from the mesh's own points (the
	// face detector's eye centres are not the mesh's corner midpoints).
	d := landmark.Mid(re, le).Sub(landmark.Mid(ore, ole))
	f := old
	f.Box.X += d.X
	f.Box.Y += d.Y
	f.RightEye = old.RightEye.Add(d)
	f.LeftEye = old.LeftEye.Add(d)
	f.Nose = old.Nose.Add(d)
	f.RightMouth = old.RightMouth.Add(d)
	f.LeftMouth = old.LeftMouth.Add(d)
	f.Mesh = m
	return f, true
}

// Detect runs the networks on frame: the face detector and the body
// network on the whole frame, the face mesh on the user's face.
func (p *Pipeline) Detect(frame gocv.Mat) (landmark.Frame, Timing, error) {
	p.prev, p.reused = nil, 0
	var t Timing
	start := time.Now()
	out := landmark.Frame{Width: frame.Cols(), Height: frame.Rows()}
	if frame.Empty() {
		return out, t, fmt.Errorf("empty frame")
	}
	// A dark frame (an evening lamp, a window behind) is equalised first:
	// the networks then find the face and shoulders they would lose.
	frame, out.Brightness, out.Enhanced = p.light.apply(frame)
	faces, err := p.face.Detect(frame)
	if err != nil {
		return out, t, err
	}
	t.Face = time.Since(start)
	t.FaceForward = p.face.lastForward
	bodyStart := time.Now()
	body, err := p.body.Detect(frame)
	if err != nil {
		return out, t, err
	}
	t.Body = time.Since(bodyStart)
	t.BodyForward = p.body.lastForward
	out.Faces = faces
	out.Body = &body
	// The mesh runs on the user's face only: the one the posture is
	// judged from (PrimaryFace matches it to the body's nose).
	if i := out.PrimaryFaceIndex(); i >= 0 {
		meshStart := time.Now()
		m, err := p.mesh.Detect(frame, faces[i].Box, eyeAngle(faces[i], &body))
		if err != nil {
			return out, t, err
		}
		if p.refit {
			fwd := p.mesh.lastForward
			if m, err = p.mesh.Refit(frame, &m); err != nil {
				return out, t, err
			}
			p.mesh.lastForward += fwd
		}
		faces[i].Mesh = &m
		t.Mesh = time.Since(meshStart)
		t.MeshForward = p.mesh.lastForward
		p.prev = &out
	}
	t.Total = time.Since(start)
	return out, t, nil
}

// eyeAngle is the angle (radians) of the face's eye line in the frame, for
// levelling the mesh crop. YuNet's eye points barely follow a tilted head
// (it was trained on upright faces); PoseNet's eyes do, so they are used
// when both are confident and on this face.
func eyeAngle(face landmark.Face, body *landmark.Body) float64 {
	if body != nil {
		le, re := body.Part(landmark.LeftEye), body.Part(landmark.RightEye)
		b := face.Box
		in := func(p landmark.Keypoint) bool {
			return p.Score >= 0.7 && p.X >= b.X && p.X <= b.X+b.W && p.Y >= b.Y && p.Y <= b.Y+b.H
		}
		if in(le) && in(re) && le.Dist(re.Point) > 0 {
			return math.Atan2(le.Y-re.Y, le.X-re.X)
		}
	}
	ev := face.LeftEye.Sub(face.RightEye)
	return math.Atan2(ev.Y, ev.X)
}
