package vision

import (
	"fmt"
	"time"

	"gocv.io/x/gocv"

	"github.com/neckwatch/neckwatch/models"
	"github.com/neckwatch/neckwatch/vision/landmark"
)

// Timing is where one frame's pipeline time went.
type Timing struct {
	Face        time.Duration // YuNet: pre-processing, forward pass, decode
	Body        time.Duration // PoseNet: pre-processing, forward pass, decode
	FaceForward time.Duration // YuNet's forward pass alone
	BodyForward time.Duration // PoseNet's forward pass alone
	Total       time.Duration // the whole Detect call
}

// Overhead is the time spent outside the two forward passes: resizing,
// blobs, decoding, bookkeeping.
func (t Timing) Overhead() time.Duration { return t.Total - t.FaceForward - t.BodyForward }

// PipelineConfig selects and tunes the networks.
type PipelineConfig struct {
	Face FaceDetectorConfig
	Body BodyDetectorConfig
	// AccurateFace uses yunet_n_320_320 instead of YuNet 2023mar: better
	// on hard faces, about twice as slow.
	AccurateFace bool
	// ModelDir is an extra directory to look for model files in when they
	// are not embedded in the binary.
	ModelDir string
}

// DefaultPipelineConfig returns the settings the commands use.
func DefaultPipelineConfig() PipelineConfig {
	return PipelineConfig{Face: DefaultFaceDetectorConfig(), Body: DefaultBodyDetectorConfig()}
}

// Pipeline turns a BGR frame into landmarks: faces from YuNet, body
// keypoints from PoseNet. It owns both networks; Close releases them. Not
// safe for concurrent use.
type Pipeline struct {
	face *FaceDetector
	body *BodyDetector
}

// NewPipeline loads and verifies the models and builds both networks.
func NewPipeline(cfg PipelineConfig) (*Pipeline, error) {
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
	face, err := NewFaceDetector(faceBytes, cfg.Face)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", faceSpec.Name, err)
	}
	body, err := NewBodyDetector(bodyBytes, cfg.Body)
	if err != nil {
		face.Close()
		return nil, fmt.Errorf("%s: %w", models.PoseNet.Name, err)
	}
	return &Pipeline{face: face, body: body}, nil
}

// Close releases both networks.
func (p *Pipeline) Close() error {
	err1 := p.face.Close()
	err2 := p.body.Close()
	if err1 != nil {
		return err1
	}
	return err2
}

// Detect runs both networks on frame.
func (p *Pipeline) Detect(frame gocv.Mat) (landmark.Frame, Timing, error) {
	var t Timing
	start := time.Now()
	out := landmark.Frame{Width: frame.Cols(), Height: frame.Rows()}
	if frame.Empty() {
		return out, t, fmt.Errorf("empty frame")
	}
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
	t.Total = time.Since(start)
	return out, t, nil
}
