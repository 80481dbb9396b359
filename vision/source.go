package vision

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"gocv.io/x/gocv"
)

// FrameSource yields BGR frames in order, whatever they come from: a camera,
// a video file, a single image or a folder of images. The pipeline only ever
// sees this interface, so the daemon and the offline tools share one code path.
//
// Next decodes the next frame into dst (reusing its memory; the caller owns
// dst and closes it) and returns its FrameInfo; it returns io.EOF at the end of
// a finite source. Close releases the device or file and is always safe to
// call twice; Next after Close returns an error wrapping ErrSourceClosed.
//
// Sources are not meant for concurrent Next calls, but Close may be called
// from another goroutine (say, a signal handler): it waits for an in-flight
// Next instead of freeing the capture under it.
type FrameSource interface {
	Next(dst *gocv.Mat) (FrameInfo, error)
	Close() error
	Describe() SourceInfo
}

// FrameSkipper is implemented by sources that can drop frames without
// decoding them (cameras).
type FrameSkipper interface {
	Skip(n int) error
}

// FrameSeeker is implemented by sources that can jump to a frame without
// decoding the ones before it (video files): the next Next returns frame
// index, at media time index/FPS. A video with irregular timestamps
// refuses (errIrregular) once it has seen them; read forward then.
type FrameSeeker interface {
	Seek(index int) error
}

// FrameInfo describes one frame returned by FrameSource.Next.
type FrameInfo struct {
	// Index is the 0-based position in the source. For folders it counts
	// undecodable files too, so it always matches the file's position.
	Index int
	// Name is the file base name for image and folder sources, "" otherwise.
	Name string
	// Time is the media time for video (the container's timestamp, or
	// Index/FPS when it has none), the capture time since the camera was
	// opened for cameras, and 0 for images.
	Time time.Duration
}

// SourceKind says what kind of input a FrameSource reads.
type SourceKind int

// The kinds of frame source. The zero value is deliberately not a kind, so
// an unset SourceInfo is not mistaken for a camera.
const (
	SourceCamera SourceKind = iota + 1
	SourceVideo
	SourceImage
	SourceFolder
)

// String returns the lower-case name of the kind ("camera", "video", ...).
func (k SourceKind) String() string {
	switch k {
	case SourceCamera:
		return "camera"
	case SourceVideo:
		return "video"
	case SourceImage:
		return "image"
	case SourceFolder:
		return "folder"
	}
	return "SourceKind(" + strconv.Itoa(int(k)) + ")"
}

// SourceInfo describes a FrameSource as a whole.
type SourceInfo struct {
	Kind SourceKind
	// Spec is the string the source was opened with.
	Spec string
	// FPS is the nominal frame rate, 0 if unknown. Video files report 30
	// when the container does not say, since their Time must still advance.
	FPS float64
	// Frames is the number of frames, 0 if unknown or unbounded (cameras).
	Frames int
	// Width and Height are the frame size in pixels, 0 if unknown (folders,
	// whose images may differ in size).
	Width, Height int
}

// Sentinel errors. Errors from this file wrap them, so callers can use
// errors.Is to decide whether to skip a frame, back off and retry, or stop.
var (
	// ErrBadFrame marks an image that could not be decoded. From a folder
	// source it is returned by Next for that one file; the following call
	// moves on to the next file, so callers may log it and continue.
	ErrBadFrame = errors.New("bad frame")
	// ErrCameraNotFound marks a camera device that does not exist (or has
	// been unplugged). A daemon may wait for it to appear.
	ErrCameraNotFound = errors.New("camera not found")
	// ErrCameraBusy marks a camera that exists but cannot be opened or
	// read, typically because another application holds it.
	ErrCameraBusy = errors.New("camera busy or not accessible")
	// ErrSourceClosed is returned by Next after Close.
	ErrSourceClosed = errors.New("frame source closed")
)

// sourceError carries a message already worded for the user while still
// matching its sentinel and underlying cause with errors.Is/As. fmt.Errorf's
// %w would have to append the sentinel's own text to the message.
type sourceError struct {
	msg  string
	errs []error
}

func (e *sourceError) Error() string   { return e.msg }
func (e *sourceError) Unwrap() []error { return e.errs }

// newSourceError builds a sourceError; nil entries in wrapped are dropped so
// call sites can pass an optional cause unconditionally.
func newSourceError(msg string, wrapped ...error) error {
	e := &sourceError{msg: msg}
	for _, w := range wrapped {
		if w != nil {
			e.errs = append(e.errs, w)
		}
	}
	return e
}

// sourceVideoExts are the extensions treated as video without further
// thought. Other regular files that are not images are tried as video too;
// the list mainly decides the wording of the "no such file" error.
var sourceVideoExts = map[string]bool{
	".mp4": true, ".avi": true, ".mkv": true, ".mov": true, ".webm": true,
	".m4v": true, ".mpg": true, ".mpeg": true, ".wmv": true, ".y4m": true,
}

// sourceImageExts are the still-image formats decoded with IMRead, both for
// single images and for picking files out of a folder.
var sourceImageExts = map[string]bool{
	".jpg": true, ".jpeg": true, ".png": true, ".bmp": true, ".webp": true,
	".tif": true, ".tiff": true, ".pgm": true, ".ppm": true,
}

func isSourceImage(name string) bool {
	return sourceImageExts[strings.ToLower(filepath.Ext(name))]
}

func isSourceVideo(name string) bool {
	return sourceVideoExts[strings.ToLower(filepath.Ext(name))]
}

// OpenSource opens the frame source described by spec:
//
//   - a camera index ("0", "1") or a device path (anything under /dev/);
//   - a folder: its images in lexical order of file name, ignoring
//     subfolders, hidden files and files that are not images;
//   - an image (.jpg .jpeg .png .bmp .webp .tif .tiff .pgm .ppm, any case);
//   - any other regular file, opened as a video (.mp4 .avi .mkv ...).
//
// Camera errors wrap ErrCameraNotFound or ErrCameraBusy; a missing file wraps
// fs.ErrNotExist; an undecodable image wraps ErrBadFrame.
func OpenSource(spec string) (src FrameSource, err error) {
	quietly(func() { src, err = openSource(spec) })
	return src, err
}

func openSource(spec string) (FrameSource, error) {
	sp, err := ParseSpec(spec)
	switch {
	case err != nil:
		return nil, err
	case sp.Camera && sp.Index >= 0:
		return openCamera(spec, sp.Index)
	case sp.Camera:
		return openCameraPath(spec)
	}

	fi, err := os.Stat(spec)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if isSourceVideo(spec) {
				return nil, newSourceError(fmt.Sprintf("video file %s: no such file", spec), fs.ErrNotExist)
			}
			return nil, newSourceError(fmt.Sprintf("source %s: no such file or folder (give a camera index like 0, a /dev/videoN device, a video file, an image or a folder of images)", spec), fs.ErrNotExist)
		}
		return nil, fmt.Errorf("source %s: %w", spec, err)
	}
	switch {
	case fi.IsDir():
		return openFolder(spec)
	case !fi.Mode().IsRegular():
		// Pipes and sockets outside /dev would make OpenCV block or probe
		// forever; nothing in neckwatch produces them.
		return nil, fmt.Errorf("source %s: not a regular file, folder or camera device", spec)
	case isSourceImage(spec):
		return openImage(spec)
	default:
		return openVideo(spec)
	}
}

// A Spec is what a source names, read off its text alone (nothing is
// opened): a camera, by index or device path, or a file or folder.
type Spec struct {
	Text string // as given
	// Camera is true for a camera: one that is missing now may be plugged
	// in later, so the daemon retries it (a missing file it does not).
	Camera bool
	Index  int // the camera's index; -1 for a device path or a file
}

// ParseSpec reads a source the one way every command and OpenSource do: a
// plain decimal index of at most four digits ("0", "12") is a camera,
// so is a path under /dev/, and anything else is a file or folder. An
// empty spec is a *SpecError, and so is a signed number ("-1", "+0"): more
// likely a typo than OpenCV's "any camera", and no file is named that.
func ParseSpec(spec string) (Spec, error) {
	switch {
	case spec == "":
		return Spec{}, &SpecError{spec, "empty: give a camera index like 0, a /dev/videoN device, a video file, an image or a folder of images"}
	case (spec[0] == '-' || spec[0] == '+') && len(spec) > 1 && allDigits(spec[1:]):
		return Spec{}, &SpecError{spec, "not a camera index: use 0, 1, 2… or a /dev/videoN device"}
	}
	if idx, ok := cameraIndex(spec); ok {
		return Spec{Text: spec, Camera: true, Index: idx}, nil
	}
	return Spec{Text: spec, Camera: strings.HasPrefix(spec, "/dev/"), Index: -1}, nil
}

// A SpecError is a source that names nothing neckwatch can open. Msg says
// why without the spec, for a message that names it otherwise (a flag).
type SpecError struct{ Spec, Msg string }

func (e *SpecError) Error() string {
	if e.Spec == "" {
		return "source: " + e.Msg
	}
	return "source " + e.Spec + ": " + e.Msg
}

// cameraIndex accepts plain decimal indexes only; a short limit keeps Atoi
// from overflowing on a long digit string that is really a file name.
func cameraIndex(s string) (int, bool) {
	if len(s) == 0 || len(s) > 4 || !allDigits(s) {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// readQuietly reads the next frame into dst (see quietly): false at the
// end, on a failure or for an empty frame.
func readQuietly(vc *gocv.VideoCapture, dst *gocv.Mat) bool {
	ok := false
	quietly(func() { ok = vc.Read(dst) && !dst.Empty() })
	return ok
}

// finiteOrZero maps the NaN, infinite and non-positive values OpenCV uses
// for "unknown" properties to 0.
func finiteOrZero(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
		return 0
	}
	return v
}

// checkDst rejects a nil or closed Mat up front: handing its nil C pointer to
// OpenCV would crash the process rather than return an error.
func checkDst(spec string, dst *gocv.Mat) error {
	if dst == nil || dst.Ptr() == nil {
		return fmt.Errorf("source %s: Next needs an allocated Mat (use gocv.NewMat), got a nil or closed one", spec)
	}
	return nil
}

func closedError(spec string) error {
	return fmt.Errorf("source %s: %w", spec, ErrSourceClosed)
}

// capture is what the camera and the video source share: an OpenCV
// capture behind the lock that serialises Next and Close (see
// FrameSource), nil once closed.
type capture struct {
	mu   sync.Mutex
	vc   *gocv.VideoCapture
	info SourceInfo
}

func (c *capture) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.vc != nil {
		c.vc.Close()
		c.vc = nil
	}
	return nil
}

func (c *capture) Describe() SourceInfo { return c.info }

// ready says why a source cannot give a frame into dst now: closed, or a
// dst it cannot fill.
func ready(closed bool, spec string, dst *gocv.Mat) error {
	if closed {
		return closedError(spec)
	}
	return checkDst(spec, dst)
}
