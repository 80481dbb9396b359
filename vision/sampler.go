package vision

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"gocv.io/x/gocv"

	"github.com/neckwatch/neckwatch/landmark"
)

// Opener opens a frame source; OpenSource in production, a file-backed
// emulation of a camera in the resource benchmark.
type Opener func(spec string) (FrameSource, error)

// Detector finds the landmarks of a frame (Pipeline).
type Detector interface {
	Detect(frame gocv.Mat) (landmark.Frame, Timing, error)
}

// Tracker is a Detector that can follow the previous frame's face in the
// next frame of the same stream (an optional capability: Pipeline.Track).
type Tracker interface {
	Track(frame gocv.Mat) (landmark.Frame, Timing, error)
}

// errCameraProblem marks camera states that are not program errors.
var errCameraProblem = errors.New("camera problem")

// CameraSampler samples a camera by duty cycle: open, let the exposure
// settle, grab a short burst, analyse, release. The webcam LED is off
// between samples and a video call can take the camera at any time. With
// KeepOpen the camera stays open between samples instead.
type CameraSampler struct {
	Spec     string
	Open     Opener
	Settle   time.Duration // frames read and dropped after opening
	KeepOpen bool
	Detector Detector
	// Now is the wall clock (time.Now when nil): how long since the last
	// burst is read off it, not off the monotonic clock, which stops
	// while the machine sleeps.
	Now func() time.Time

	src   FrameSource
	frame gocv.Mat
	prev  gocv.Mat // the last frame analysed, in this burst or the last
	// hasPrev says prev holds a frame.
	hasPrev bool
	// analysedAt is when the last frame was analysed, by the wall clock
	// (zero after a Release): a burst within TrackGap of it may follow the
	// face found there.
	analysedAt time.Time
	init       bool
}

// TrackGap is how long after the last analysed frame a burst asked to
// follow it (landmark.BurstRequest.Follow) still does, instead of running
// every network again: the longest default interval between bursts
// (nobody there, 10 s) with room to spare, and far short of a pause. The
// tracker itself checks that the face has not moved, and runs every
// network at least every third frame.
const TrackGap = 15 * time.Second

func (s *CameraSampler) now() time.Time {
	if s.Now != nil {
		return s.Now().Round(0)
	}
	return time.Now().Round(0)
}

func (s *CameraSampler) mats() {
	if !s.init {
		s.frame, s.prev = gocv.NewMat(), gocv.NewMat()
		s.init = true
	}
}

// Close releases the camera and the sampler's Mats.
func (s *CameraSampler) Close() error {
	s.release()
	if s.init {
		s.frame.Close()
		s.prev.Close()
		s.init, s.hasPrev, s.analysedAt = false, false, time.Time{}
	}
	return nil
}

// Release lets go of the camera; the next Sample opens it again.
func (s *CameraSampler) Release() {
	s.release()
	s.analysedAt = time.Time{}
}

func (s *CameraSampler) release() {
	if s.src != nil {
		s.src.Close()
		s.src = nil
	}
}

// Sample takes one burst as req says: up to req.Frames frames, fewer when
// req.Settled says the frames taken so far decide it. Camera problems come
// back as an error wrapping the vision sentinel (ErrCameraBusy,
// ErrCameraNotFound) with the burst's Camera set; the caller backs off and
// retries.
func (s *CameraSampler) Sample(ctx context.Context, req landmark.BurstRequest) (landmark.Burst, error) {
	burst, settled := req.Frames, req.Settled
	s.mats()
	out := landmark.Burst{At: time.Now(), Camera: landmark.CameraIdle}
	opened := time.Now()
	// A camera kept open streams continuously: this sample's first frame
	// follows the last sample's. A camera opened again a few seconds after
	// a burst the caller found clearly upright sees the same user, most of
	// the time unmoved. In both, the face found last can be tracked.
	continuing := s.src != nil
	gap := s.now().Sub(s.analysedAt)
	follows := continuing || (req.Follow && !s.analysedAt.IsZero() && gap >= 0 && gap <= TrackGap)
	if s.src == nil {
		src, err := s.Open(s.Spec)
		if err != nil {
			out.Camera = cameraStateOf(err)
			return out, err
		}
		s.src = src
		// Exposure and white balance adapt only while frames stream; the
		// frames are dropped, undecoded where the source allows.
		skipper, canSkip := s.src.(FrameSkipper)
		for deadline := time.Now().Add(s.Settle); time.Now().Before(deadline); {
			var err error
			if canSkip {
				err = skipper.Skip(1)
			} else {
				_, err = s.src.Next(&s.frame)
			}
			if err != nil {
				s.release()
				out.Camera = cameraStateOf(err)
				return out, err
			}
		}
	} else {
		// A camera kept open has queued frames from earlier: drop a few,
		// undecoded where the source allows, so the burst shows the user
		// now, not seconds ago.
		var err error
		if skipper, ok := s.src.(FrameSkipper); ok {
			err = skipper.Skip(3)
		} else {
			for i := 0; i < 3 && err == nil; i++ {
				_, err = s.src.Next(&s.frame)
			}
		}
		if err != nil {
			s.release()
			out.Camera = cameraStateOf(err)
			return out, err
		}
	}
	// A frame is compared with the one before it, in this burst or the
	// last: a burst that ends after one frame still shows a stuck driver,
	// whose frame seconds later is the same one.
	black, compared, frozen := 0, 0, 0
	for i := 0; i < burst && ctx.Err() == nil; i++ {
		if _, err := s.src.Next(&s.frame); err != nil {
			s.release()
			out.Camera = cameraStateOf(err)
			return out, err
		}
		if IsBlack(s.frame) {
			black++
			continue
		}
		if s.hasPrev {
			compared++
			if SameFrame(s.frame, s.prev) {
				frozen++
			}
		}
		s.frame.CopyTo(&s.prev)
		s.hasPrev = true
		n := len(out.Frames)
		if follows {
			n++
		}
		lm, latency, err := detectInBurst(s.Detector, s.frame, n)
		if err != nil {
			s.release()
			out.Camera = landmark.CameraFailed
			return out, err
		}
		out.Frames = append(out.Frames, lm)
		out.Latency += latency
		s.analysedAt = s.now()
		if settled.Done(out.Frames) {
			break
		}
	}
	if s.KeepOpen {
		out.Camera = landmark.CameraOpen
	} else {
		s.release()
	}
	out.OpenFor = time.Since(opened)
	switch {
	case burst > 0 && black == burst:
		out.Camera = landmark.CameraBlack
		return out, fmt.Errorf("%w: camera %s gives black frames (privacy shutter closed or lens covered?)", errCameraProblem, s.Spec)
	case frozen > 0 && (frozen == compared || frozen >= burst-1-black):
		out.Camera = landmark.CameraFrozen
		return out, fmt.Errorf("%w: camera %s gives frozen frames (the same image every time)", errCameraProblem, s.Spec)
	}
	return out, nil
}

func cameraStateOf(err error) landmark.CameraState {
	switch {
	case errors.Is(err, ErrCameraBusy):
		return landmark.CameraBusy
	case errors.Is(err, ErrCameraNotFound):
		return landmark.CameraAbsent
	}
	return landmark.CameraFailed
}

// IsBlack reports whether a frame is (nearly) black: a closed privacy
// shutter gives frames, just dark ones, and "nobody there" would be wrong.
func IsBlack(m gocv.Mat) bool {
	mean := m.Mean()
	return (mean.Val1+mean.Val2+mean.Val3)/3 < 6
}

// SameFrame reports whether two frames are identical: real sensors always
// add noise, so identical consecutive frames mean a stuck driver.
func SameFrame(a, b gocv.Mat) bool {
	if a.Rows() != b.Rows() || a.Cols() != b.Cols() || a.Type() != b.Type() {
		return false
	}
	return gocv.NormWithMats(a, b, gocv.NormL1) == 0
}

// VideoSampler plays a video file in real time at its own frame rate, as a
// stand-in for a camera (how the daemon is tested without a webcam): a
// sample at wall time t since the start takes the frames at media time t.
type VideoSampler struct {
	Source   FrameSource
	Detector Detector
	Now      func() time.Time

	start time.Time
	frame gocv.Mat
	init  bool
	info  FrameInfo
	ended bool
}

// Close closes the video and the sampler's Mat.
func (s *VideoSampler) Close() error {
	if s.init {
		s.frame.Close()
		s.init = false
	}
	return s.Source.Close()
}

// Sample analyses the burst of frames at the current media time, up to
// req.Frames, fewer when req.Settled says the frames so far decide it.
// Every burst's first frame runs every network (req.Follow is not used:
// a video's samples are seconds of media time apart, its people move).
func (s *VideoSampler) Sample(ctx context.Context, req landmark.BurstRequest) (landmark.Burst, error) {
	burst, settled := req.Frames, req.Settled
	if !s.init {
		s.frame = gocv.NewMat()
		s.init = true
		s.start = s.Now()
		s.info.Index = -1
	}
	if s.ended {
		return landmark.Burst{}, io.EOF
	}
	now := s.Now()
	target := now.Sub(s.start)
	// Jump to the frame on screen now without decoding the ones between
	// (a video file then costs what a camera costs); a source that cannot
	// seek is read forward.
	if seeker, ok := s.Source.(FrameSeeker); ok {
		if fps := s.Source.Describe().FPS; fps > 0 {
			if idx := int(math.Ceil(target.Seconds()*fps - 1e-9)); idx > s.info.Index+1 {
				if err := seeker.Seek(idx); err != nil && !errors.Is(err, errIrregular) {
					return landmark.Burst{}, err
				}
			}
		}
	}
	for s.info.Index < 0 || s.info.Time < target {
		info, err := s.Source.Next(&s.frame)
		if err != nil {
			if errors.Is(err, io.EOF) {
				s.ended = true
			}
			return landmark.Burst{}, err
		}
		s.info = info
	}
	out := landmark.Burst{At: now, Camera: landmark.CameraOpen}
	for i := 0; i < burst && ctx.Err() == nil; i++ {
		if i > 0 {
			info, err := s.Source.Next(&s.frame)
			if errors.Is(err, io.EOF) {
				s.ended = true
				break
			}
			if err != nil {
				return out, err
			}
			s.info = info
		}
		lm, latency, err := detectInBurst(s.Detector, s.frame, len(out.Frames))
		if err != nil {
			return out, err
		}
		out.Frames = append(out.Frames, lm)
		out.Latency += latency
		if settled.Done(out.Frames) {
			break
		}
	}
	return out, nil
}

// detectInBurst finds the landmarks of the burst's n-th frame: the first
// in full, the rest following it (a face that has not moved keeps its box
// and shoulders, and only the face mesh runs).
func detectInBurst(det Detector, frame gocv.Mat, n int) (landmark.Frame, time.Duration, error) {
	start := time.Now()
	detect := det.Detect
	if t, ok := det.(Tracker); ok && n > 0 {
		detect = t.Track
	}
	lm, _, err := detect(frame)
	if err != nil {
		return lm, 0, err
	}
	return lm, time.Since(start), nil
}
