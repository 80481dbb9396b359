// Package analysis runs frames from a source through the vision pipeline
// and the posture classifier: the loop shared by `check`, `calibrate` and
// the daemon. It owns the one frame Mat the loop decodes into.
//
// It is the one place besides vision that touches gocv Mats for the
// commands; the daemon does not use it (it classifies the samplers'
// landmarks itself).
package analysis

import (
	"errors"
	"fmt"
	"io"
	"time"

	"gocv.io/x/gocv"

	"github.com/neckwatch/neckwatch/landmark"
	"github.com/neckwatch/neckwatch/posture"
	"github.com/neckwatch/neckwatch/vision"
)

// Result is one analysed frame.
type Result struct {
	Info      vision.FrameInfo
	Landmarks landmark.Frame
	Verdict   posture.Verdict
	Timing    vision.Timing
	// Latency is the pipeline's own time for the frame (networks, decode of
	// their outputs, geometry and classification); decoding the image or
	// video frame is excluded.
	Latency time.Duration
	// Err is set, and the rest is empty, for a frame that could not be
	// decoded (a corrupt image in a folder); the loop goes on after it.
	Err error
	// Camera is landmark.CameraBlack for a black frame (privacy shutter,
	// covered lens) and landmark.CameraFrozen for a camera frame identical to
	// the one before (a stuck driver), as the daemon's sampler tells them;
	// such a frame is not analysed (no Landmarks, no Verdict). "" otherwise.
	Camera landmark.CameraState
}

// Detector is the landmark stage: a frame in, landmarks out. *vision.Pipeline
// implements it.
type Detector = vision.Detector

// Tracker is a Detector that can follow the user's face from one frame
// to the next closely following one at less cost (*vision.Pipeline's
// Track): an optional capability, as database/sql/driver's Pinger is.
type Tracker = vision.Tracker

// ErrStop may be returned by the callback to end the loop early without error.
var ErrStop = errors.New("stop")

// Each analyses every frame of src in order and calls fn with the result.
// It returns nil at the end of the source or when fn returns ErrStop, and
// the first other error from the source, the detector or fn; a video that
// ends before its announced length returns, after its last frame, the
// source's error wrapping vision.ErrTruncated.
//
// Consecutive frames of a video or camera are tracked (see Tracker); the
// images of a folder are unrelated to each other and each gets the full
// pipeline.
func Each(src vision.FrameSource, det Detector, cls *posture.Classifier, fn func(Result) error) error {
	frame := gocv.NewMat()
	defer frame.Close()
	prev := gocv.NewMat() // a camera's previous frame, to tell a frozen one
	defer prev.Close()
	kind := src.Describe().Kind
	follow := kind == vision.SourceVideo || kind == vision.SourceCamera
	first := true
	for {
		info, err := src.Next(&frame)
		if errors.Is(err, io.EOF) {
			if errors.Is(err, vision.ErrTruncated) {
				return err
			}
			return nil
		}
		if errors.Is(err, vision.ErrBadFrame) {
			if err := fn(Result{Info: info, Err: err}); err != nil {
				return stopOrErr(err)
			}
			continue
		}
		if err != nil {
			return err
		}
		camera := landmark.CameraState("")
		switch {
		case vision.IsBlack(frame):
			camera = landmark.CameraBlack
		case kind == vision.SourceCamera && !prev.Empty() && vision.SameFrame(frame, prev):
			camera = landmark.CameraFrozen
		}
		if kind == vision.SourceCamera {
			frame.CopyTo(&prev)
		}
		if camera != "" {
			first = true // nothing to follow after it
			if err := fn(Result{Info: info, Camera: camera}); err != nil {
				return stopOrErr(err)
			}
			continue
		}
		var r Result
		if follow && !first {
			r = AnalyzeNext(det, cls, frame)
		} else {
			r = Analyze(det, cls, frame)
		}
		first = false
		r.Info = info
		if r.Err != nil {
			return fmt.Errorf("frame %d: %w", info.Index, r.Err)
		}
		if err := fn(r); err != nil {
			return stopOrErr(err)
		}
	}
}

// Analyze runs one decoded frame through the detector and classifier.
func Analyze(det Detector, cls *posture.Classifier, frame gocv.Mat) Result {
	return analyze(det.Detect, cls, frame)
}

// AnalyzeNext is Analyze for a frame that closely follows the previous
// one given to det (the rest of a burst, the next video frame): a Tracker
// may reuse what it found there.
func AnalyzeNext(det Detector, cls *posture.Classifier, frame gocv.Mat) Result {
	if t, ok := det.(Tracker); ok {
		return analyze(t.Track, cls, frame)
	}
	return Analyze(det, cls, frame)
}

func analyze(detect func(gocv.Mat) (landmark.Frame, vision.Timing, error), cls *posture.Classifier, frame gocv.Mat) Result {
	start := time.Now()
	lm, timing, err := detect(frame)
	if err != nil {
		return Result{Err: err}
	}
	v := cls.Classify(&lm)
	return Result{Landmarks: lm, Verdict: v, Timing: timing, Latency: time.Since(start)}
}

func stopOrErr(err error) error {
	if errors.Is(err, ErrStop) {
		return nil
	}
	return err
}
