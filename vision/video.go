package vision

import (
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"gocv.io/x/gocv"
)

// openVideoCapture prefers FFmpeg, which reads every container in the video
// list; VideoCaptureAny would first let GStreamer probe the file, slow and
// noisy on stderr. Any remains the fallback for files only another backend
// (OpenCV's own MJPEG reader, GStreamer plugins) understands.
func openVideoCapture(path string) *gocv.VideoCapture {
	for _, api := range []gocv.VideoCaptureAPI{gocv.VideoCaptureFFmpeg, gocv.VideoCaptureAny} {
		vc, err := gocv.VideoCaptureFileWithAPI(path, api)
		if err == nil && vc != nil && vc.IsOpened() {
			return vc
		}
		if vc != nil {
			vc.Close()
		}
	}
	return nil
}

// defaultVideoFPS is assumed when a container does not state its frame rate,
// so that FrameInfo.Time still advances plausibly.
const defaultVideoFPS = 30

func openVideo(path string) (FrameSource, error) {
	vc := openVideoCapture(path)
	if vc == nil {
		return nil, fmt.Errorf("cannot open video %s: unsupported format or corrupt", path)
	}
	fps := finiteOrZero(vc.Get(gocv.VideoCaptureFPS))
	if fps == 0 {
		fps = defaultVideoFPS
	}
	frames := 0
	// FFmpeg estimates the count from the duration for some containers and
	// reports negative or NaN values for streams; those mean "unknown".
	if n := finiteOrZero(vc.Get(gocv.VideoCaptureFrameCount)); n >= 1 {
		frames = int(math.Round(n))
	}
	regular := regularTimes(vc, frames, fps)
	if frames > 1 {
		// The probe moved the demuxer; seeking back to 0 is not exact
		// in every format (FFmpeg's concat lists skip an entry), so
		// start afresh.
		vc.Close()
		if vc = openVideoCapture(path); vc == nil {
			return nil, fmt.Errorf("cannot open video %s again: it changed or vanished", path)
		}
	}
	return &videoSource{
		irregular: !regular,
		capture: capture{vc: vc, info: SourceInfo{
			Kind:   SourceVideo,
			Spec:   path,
			FPS:    fps,
			Frames: frames,
			Width:  int(finiteOrZero(vc.Get(gocv.VideoCaptureFrameWidth))),
			Height: int(finiteOrZero(vc.Get(gocv.VideoCaptureFrameHeight))),
		}},
	}, nil
}

type videoSource struct {
	capture
	next int
	eof  bool
	// last is the time of the last frame read (read: one was); irregular:
	// a timestamp was not index/FPS (see frameTime).
	last      time.Duration
	read      bool
	irregular bool
}

func (s *videoSource) Next(dst *gocv.Mat) (FrameInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.vc == nil {
		return FrameInfo{}, closedError(s.info.Spec)
	}
	if err := checkDst(s.info.Spec, dst); err != nil {
		return FrameInfo{}, err
	}
	// Sticky, so that asking again after the end does not make the demuxer
	// seek or report a spurious frame.
	if s.eof {
		return FrameInfo{}, io.EOF
	}
	// OpenCV cannot tell a clean end from a truncated file: both are a
	// failed read, and both end the stream for the caller. An end well
	// before the frame count the container announces is said to be one.
	if !readQuietly(s.vc, dst) {
		s.eof = true
		// Both fewer frames than the count and an end before the length
		// it makes: FFmpeg estimates some counts from the length and the
		// nominal rate, which a video of held frames never reaches.
		n, fps := s.info.Frames, s.info.FPS
		length := time.Duration(float64(n) / fps * float64(time.Second))
		if n > 0 && s.next < n-max(2, n/50) && s.last < length*95/100-time.Duration(2/fps*float64(time.Second)) {
			return FrameInfo{}, newSourceError(fmt.Sprintf("video %s ended after %d of its %d frames: the file looks cut short", s.info.Spec, s.next, n), io.EOF, ErrTruncated)
		}
		return FrameInfo{}, io.EOF
	}
	fi := FrameInfo{Index: s.next, Time: s.frameTime(s.next)}
	s.next++
	return fi, nil
}

// frameTime is the media time of the frame just read as index: the
// container's timestamp (phones record at a variable rate, and a video
// made of stills may hold a frame for seconds), or index/FPS when the
// backend gives none. Times never go backwards. A timestamp away from
// index/FPS by more than a frame and a half marks the video irregular:
// frame numbers no longer tell times, so Seek refuses.
func (s *videoSource) frameTime(index int) time.Duration {
	nominal := time.Duration(math.Round(float64(index) * float64(time.Second) / s.info.FPS))
	t := nominal
	if ms := s.vc.Get(gocv.VideoCapturePosMsec); !math.IsNaN(ms) && !math.IsInf(ms, 0) && ms >= 0 {
		t = time.Duration(math.Round(ms * float64(time.Millisecond)))
	}
	if frame := time.Duration(float64(time.Second) / s.info.FPS); (t - nominal).Abs() > frame*3/2 {
		s.irregular = true
	}
	if s.read && t < s.last {
		t = s.last
	}
	s.last, s.read = t, true
	return t
}

// regularTimes tells, on a just opened video, whether frame i is at media
// time i/fps (so that Seek by frame number lands at the time wanted): the
// last frame's timestamp must be (frames-1)/fps within a frame and a
// half. A video of unknown length, or whose last frame cannot be read, is
// taken as irregular. The capture is left anywhere: reopen it.
func regularTimes(vc *gocv.VideoCapture, frames int, fps float64) bool {
	if frames < 2 {
		return frames == 1
	}
	m := gocv.NewMat()
	defer m.Close()
	vc.Set(gocv.VideoCapturePosFrames, float64(frames-1))
	ok := vc.Read(&m) && !m.Empty()
	ms := vc.Get(gocv.VideoCapturePosMsec)
	want := float64(frames-1) * 1000 / fps
	return ok && math.Abs(ms-want) <= 1500/fps
}

// errIrregular: a video whose timestamps are not index/FPS cannot be
// sought by frame number; the caller reads forward instead.
var errIrregular = errors.New("irregular timestamps: frame numbers do not tell media times")

// Seek moves to frame index, so that the next Next returns it, without
// decoding the frames in between (the demuxer jumps; MJPEG frames are all
// key frames); a seek past the end makes Next report io.EOF. A video seen
// to have irregular timestamps returns errIrregular: frame index is not
// at media time index/FPS there.
func (s *videoSource) Seek(index int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.vc == nil {
		return closedError(s.info.Spec)
	}
	if index < 0 {
		return fmt.Errorf("video %s: cannot seek to frame %d", s.info.Spec, index)
	}
	if s.eof || index == s.next {
		return nil
	}
	if s.irregular {
		return errIrregular
	}
	quietly(func() { s.vc.Set(gocv.VideoCapturePosFrames, float64(index)) })
	s.next = index
	return nil
}
