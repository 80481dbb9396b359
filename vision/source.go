package vision

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
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
	if spec == "" {
		return nil, errors.New("source: empty (give a camera index like 0, a /dev/videoN device, a video file, an image or a folder of images)")
	}
	if idx, ok := parseCameraIndex(spec); ok {
		return openCamera(spec, idx)
	}
	if strings.HasPrefix(spec, "/dev/") {
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

// parseCameraIndex accepts plain decimal indexes only: "-1" or "+0" are more
// likely typos than OpenCV's "any camera", and a short limit keeps Atoi from
// overflowing on a long digit string that is really a file name.
func parseCameraIndex(spec string) (int, bool) {
	if len(spec) == 0 || len(spec) > 4 {
		return 0, false
	}
	for _, c := range spec {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(spec)
	return n, err == nil
}

// videoNodeIndex returns N for a path whose base name is "videoN".
func videoNodeIndex(path string) (int, bool) {
	base := filepath.Base(path)
	if !strings.HasPrefix(base, "video") {
		return 0, false
	}
	return parseCameraIndex(strings.TrimPrefix(base, "video"))
}

// ListCameras returns the V4L2 video device nodes present (/dev/video0,
// /dev/video1, ...) in numeric order, for the doctor command. It returns nil
// when there are none or on systems without /dev/video* nodes. Some cameras
// expose a second, metadata-only node, so not every entry can capture.
func ListCameras() []string {
	paths, err := filepath.Glob("/dev/video*")
	if err != nil {
		return nil
	}
	type node struct {
		path string
		n    int
	}
	var nodes []node
	for _, p := range paths {
		if n, ok := videoNodeIndex(p); ok {
			nodes = append(nodes, node{p, n})
		}
	}
	// Numeric, not lexical, so /dev/video10 comes after /dev/video2.
	sort.Slice(nodes, func(i, j int) bool { return nodes[i].n < nodes[j].n })
	var out []string
	for _, nd := range nodes {
		out = append(out, nd.path)
	}
	return out
}

// openCamera opens camera number idx. On Linux the device node is checked
// first, because OpenCV only logs a warning for a missing camera and the
// user deserves to know which node was looked for.
func openCamera(spec string, idx int) (FrameSource, error) {
	if runtime.GOOS != "linux" {
		return openCameraDevice(spec, "", idx)
	}
	return openCameraDevice(spec, "/dev/video"+strconv.Itoa(idx), idx)
}

// openCameraPath opens a camera given as a path under /dev/. Stable names
// such as /dev/v4l/by-id/... are symlinks to /dev/videoN; resolving them lets
// the capture be opened by index like any other camera.
func openCameraPath(spec string) (FrameSource, error) {
	if _, err := os.Stat(spec); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, cameraNotFound(spec, spec)
		}
		return nil, newSourceError(fmt.Sprintf("camera %s: not accessible: %v", spec, err), ErrCameraBusy, err)
	}
	dev := spec
	if resolved, err := filepath.EvalSymlinks(spec); err == nil {
		dev = resolved
	}
	if !isVideoDevice(dev) {
		return nil, fmt.Errorf("source %s: not a camera (cameras are /dev/videoN; list them with `neckwatch doctor`)", spec)
	}
	idx, ok := videoNodeIndex(dev)
	if !ok {
		idx = -1
	}
	return openCameraDevice(spec, dev, idx)
}

// v4lMajor is the Linux device number of Video4Linux devices.
const v4lMajor = 81

// isVideoDevice tells a camera node from other device files (/dev/null,
// a disk): on Linux a character device of the Video4Linux major number;
// elsewhere any character device.
func isVideoDevice(path string) bool {
	fi, err := os.Stat(path)
	if err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if runtime.GOOS != "linux" || !ok {
		return true
	}
	rdev := uint64(st.Rdev)
	major := (rdev>>8)&0xfff | (rdev>>32)&^0xfff
	return major == v4lMajor
}

func cameraNotFound(spec, dev string) error {
	return newSourceError(fmt.Sprintf("camera %s: not found (no %s); list cameras with `neckwatch doctor`", spec, dev), ErrCameraNotFound, fs.ErrNotExist)
}

// cameraBusy explains why an existing camera could not be opened or read.
// When the node itself cannot be opened the OS error tells us more (for
// example a missing video group membership); otherwise the usual cause is
// another application streaming from it, which V4L2 refuses (EBUSY).
func cameraBusy(spec, dev string) error {
	if dev != "" {
		f, err := os.OpenFile(dev, os.O_RDWR, 0)
		if err == nil {
			f.Close()
		} else if errors.Is(err, fs.ErrPermission) {
			return newSourceError(fmt.Sprintf("camera %s: busy or not accessible (permission denied on %s; is your user in the video group?)", spec, dev), ErrCameraBusy, err)
		} else if errors.Is(err, fs.ErrNotExist) {
			// Unplugged between the check and the open.
			return cameraNotFound(spec, dev)
		} else if !errors.Is(err, syscall.EBUSY) {
			return newSourceError(fmt.Sprintf("camera %s: busy or not accessible (%v)", spec, err), ErrCameraBusy, err)
		}
	}
	return newSourceError(fmt.Sprintf("camera %s: busy or not accessible (another app such as a video call may be using it)", spec), ErrCameraBusy)
}

// openCameraCapture tries V4L2 first on Linux: VideoCaptureAny would probe
// GStreamer first, which takes seconds and floods stderr. Any is kept as a
// fallback for index-based opening only; handing a device path to Any lets
// FFmpeg probe the device as if it were a file.
func openCameraCapture(dev string, idx int) *gocv.VideoCapture {
	apis := []gocv.VideoCaptureAPI{gocv.VideoCaptureAny}
	if runtime.GOOS == "linux" {
		apis = []gocv.VideoCaptureAPI{gocv.VideoCaptureV4L2, gocv.VideoCaptureAny}
		if idx < 0 {
			apis = apis[:1]
		}
	}
	for _, api := range apis {
		var vc *gocv.VideoCapture
		var err error
		if idx >= 0 {
			vc, err = gocv.OpenVideoCaptureWithAPI(idx, api)
		} else {
			vc, err = gocv.VideoCaptureFileWithAPI(dev, api)
		}
		if err == nil && vc != nil && vc.IsOpened() {
			return vc
		}
		// gocv returns the allocated capture even on failure.
		if vc != nil {
			vc.Close()
		}
	}
	return nil
}

func openCameraDevice(spec, dev string, idx int) (FrameSource, error) {
	if dev != "" {
		if _, err := os.Stat(dev); errors.Is(err, fs.ErrNotExist) {
			return nil, cameraNotFound(spec, dev)
		}
	}
	vc := openCameraCapture(dev, idx)
	if vc == nil {
		if dev == "" {
			// No device node to inspect (not Linux): cannot tell missing
			// from busy, and a missing camera is the likelier mistake.
			return nil, newSourceError(fmt.Sprintf("camera %s: not found or not accessible; list cameras with `neckwatch doctor`", spec), ErrCameraNotFound)
		}
		return nil, cameraBusy(spec, dev)
	}

	// V4L2 lets a second process open a device that another one is
	// streaming from; the failure only shows when frames are requested. A
	// probe read turns that into an error here rather than on the first
	// Next. The probe frame is dropped: the caller asks for a fresh one.
	probe := gocv.NewMat()
	defer probe.Close()
	if !vc.Read(&probe) || probe.Empty() {
		vc.Close()
		return nil, cameraBusy(spec, dev)
	}

	s := &cameraSource{
		vc:     vc,
		spec:   spec,
		dev:    dev,
		opened: time.Now(),
		info: SourceInfo{
			Kind:   SourceCamera,
			Spec:   spec,
			FPS:    finiteOrZero(vc.Get(gocv.VideoCaptureFPS)),
			Width:  probe.Cols(),
			Height: probe.Rows(),
		},
	}
	return s, nil
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

type cameraSource struct {
	mu     sync.Mutex // serialises Next and Close; see FrameSource
	vc     *gocv.VideoCapture
	spec   string
	dev    string
	opened time.Time
	next   int
	info   SourceInfo
}

func (s *cameraSource) Next(dst *gocv.Mat) (FrameInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.vc == nil {
		return FrameInfo{}, closedError(s.spec)
	}
	if err := checkDst(s.spec, dst); err != nil {
		return FrameInfo{}, err
	}
	if !readQuietly(s.vc, dst) {
		// A camera has no end, so a failed read is never io.EOF: either
		// it was unplugged or something else grabbed it.
		if s.dev != "" {
			if _, err := os.Stat(s.dev); errors.Is(err, fs.ErrNotExist) {
				return FrameInfo{}, newSourceError(fmt.Sprintf("camera %s: disconnected (no %s); list cameras with `neckwatch doctor`", s.spec, s.dev), ErrCameraNotFound, fs.ErrNotExist)
			}
		}
		return FrameInfo{}, newSourceError(fmt.Sprintf("camera %s: reading a frame failed; busy or not accessible (another app such as a video call may be using it)", s.spec), ErrCameraBusy)
	}
	fi := FrameInfo{Index: s.next, Time: time.Since(s.opened)}
	s.next++
	return fi, nil
}

// Skip grabs n frames without decoding them. While a camera's exposure
// settles its frames are thrown away anyway; decoding them (MJPEG at 30
// fps) would be most of the daemon's CPU.
func (s *cameraSource) Skip(n int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.vc == nil {
		return closedError(s.spec)
	}
	quietly(func() { s.vc.Grab(n) })
	s.next += n
	return nil
}

func (s *cameraSource) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.vc != nil {
		s.vc.Close()
		s.vc = nil
	}
	return nil
}

func (s *cameraSource) Describe() SourceInfo { return s.info }

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
		vc:        vc,
		irregular: !regular,
		info: SourceInfo{
			Kind:   SourceVideo,
			Spec:   path,
			FPS:    fps,
			Frames: frames,
			Width:  int(finiteOrZero(vc.Get(gocv.VideoCaptureFrameWidth))),
			Height: int(finiteOrZero(vc.Get(gocv.VideoCaptureFrameHeight))),
		},
	}, nil
}

type videoSource struct {
	mu   sync.Mutex // serialises Next and Close; see FrameSource
	vc   *gocv.VideoCapture
	next int
	eof  bool
	info SourceInfo
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

func (s *videoSource) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.vc != nil {
		s.vc.Close()
		s.vc = nil
	}
	return nil
}

func (s *videoSource) Describe() SourceInfo { return s.info }

// decodeImage reads path as a 3-channel BGR image. IMRead (unlike IMDecode
// of the bytes with some flags) applies the EXIF orientation, so a phone
// photo stored sideways comes out upright. The caller closes the result.
func decodeImage(path string) (gocv.Mat, error) {
	if err := checkComplete(path); err != nil {
		return gocv.Mat{}, err
	}
	img := gocv.IMRead(path, gocv.IMReadColor)
	if !img.Empty() {
		return img, nil
	}
	img.Close()
	// IMRead says nothing about why; a vanished or unreadable file is a
	// different problem from a corrupt one, so look.
	f, err := os.Open(path)
	if err != nil {
		return gocv.Mat{}, newSourceError(fmt.Sprintf("cannot read image %s: %v", path, err), ErrBadFrame, err)
	}
	f.Close()
	return gocv.Mat{}, newSourceError(fmt.Sprintf("cannot decode image %s: not a supported image or corrupt", path), ErrBadFrame)
}

func openImage(path string) (FrameSource, error) {
	// Decoding at open time makes a bad image an OpenSource error, where
	// the user is looking, and gives Describe the real (rotated) size.
	img, err := decodeImage(path)
	if err != nil {
		return nil, err
	}
	return &imageSource{
		img:  img,
		path: path,
		info: SourceInfo{Kind: SourceImage, Spec: path, Frames: 1, Width: img.Cols(), Height: img.Rows()},
	}, nil
}

type imageSource struct {
	mu     sync.Mutex
	img    gocv.Mat // decoded at open; closed once handed out
	path   string
	done   bool
	closed bool
	info   SourceInfo
}

func (s *imageSource) Next(dst *gocv.Mat) (FrameInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return FrameInfo{}, closedError(s.info.Spec)
	}
	if err := checkDst(s.info.Spec, dst); err != nil {
		return FrameInfo{}, err
	}
	if s.done {
		return FrameInfo{}, io.EOF
	}
	s.img.CopyTo(dst)
	// The frame is only ever returned once; free it now rather than hold
	// a full-size image until Close.
	s.img.Close()
	s.done = true
	return FrameInfo{Index: 0, Name: filepath.Base(s.path)}, nil
}

func (s *imageSource) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed && !s.done {
		s.img.Close()
	}
	s.closed = true
	return nil
}

func (s *imageSource) Describe() SourceInfo { return s.info }

func openFolder(dir string) (FrameSource, error) {
	entries, err := os.ReadDir(dir) // sorted by file name
	if err != nil {
		return nil, fmt.Errorf("folder %s: %w", dir, err)
	}
	var files []string
	for _, e := range entries {
		name := e.Name()
		// Hidden files are skipped too: macOS leaves "._IMG_1234.jpg"
		// AppleDouble files next to copied photos, which are not images.
		if strings.HasPrefix(name, ".") || !isSourceImage(name) {
			continue
		}
		p := filepath.Join(dir, name)
		if !e.Type().IsRegular() {
			// A symlink counts if it points at a regular file; a
			// directory named like an image does not.
			fi, err := os.Stat(p)
			if err != nil || !fi.Mode().IsRegular() {
				continue
			}
		}
		files = append(files, p)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no images in folder %s", dir)
	}
	return &folderSource{
		files: files,
		info:  SourceInfo{Kind: SourceFolder, Spec: dir, Frames: len(files)},
	}, nil
}

// folderSource decodes lazily, one file per Next, so a large folder costs
// no memory up front and a bad file only spoils its own frame.
type folderSource struct {
	mu     sync.Mutex
	files  []string
	next   int
	closed bool
	info   SourceInfo
}

func (s *folderSource) Next(dst *gocv.Mat) (FrameInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return FrameInfo{}, closedError(s.info.Spec)
	}
	if err := checkDst(s.info.Spec, dst); err != nil {
		return FrameInfo{}, err
	}
	if s.next >= len(s.files) {
		return FrameInfo{}, io.EOF
	}
	i, path := s.next, s.files[s.next]
	// Advance even on failure so the caller can skip a bad file by
	// calling Next again.
	s.next++
	var img gocv.Mat
	var err error
	quietly(func() { img, err = decodeImage(path) })
	if err != nil {
		// The Index and Name still say which file failed.
		return FrameInfo{Index: i, Name: filepath.Base(path)}, err
	}
	defer img.Close()
	img.CopyTo(dst)
	return FrameInfo{Index: i, Name: filepath.Base(path)}, nil
}

func (s *folderSource) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}

func (s *folderSource) Describe() SourceInfo { return s.info }
