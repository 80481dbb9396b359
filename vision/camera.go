package vision

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"gocv.io/x/gocv"
)

// videoNodeIndex returns N for a path whose base name is "videoN".
func videoNodeIndex(path string) (int, bool) {
	base := filepath.Base(path)
	if !strings.HasPrefix(base, "video") {
		return 0, false
	}
	return cameraIndex(strings.TrimPrefix(base, "video"))
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
		capture: capture{vc: vc, info: SourceInfo{
			Kind:   SourceCamera,
			Spec:   spec,
			FPS:    finiteOrZero(vc.Get(gocv.VideoCaptureFPS)),
			Width:  probe.Cols(),
			Height: probe.Rows(),
		}},
		spec:   spec,
		dev:    dev,
		opened: time.Now(),
	}
	return s, nil
}

type cameraSource struct {
	capture
	spec   string
	dev    string
	opened time.Time
	next   int
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
