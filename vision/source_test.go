package vision

import (
	"errors"
	"image"
	"image/color"
	"io"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"github.com/neckwatch/neckwatch/internal/testenv"
)

// newSourceMat returns a Mat closed at the end of the test.
func newSourceMat(t *testing.T) *gocv.Mat {
	t.Helper()
	m := gocv.NewMat()
	t.Cleanup(func() { m.Close() })
	return &m
}

// openSourceT opens spec and closes it at the end of the test.
func openSourceT(t *testing.T, spec string) FrameSource {
	t.Helper()
	src, err := OpenSource(spec)
	if err != nil {
		t.Fatalf("OpenSource(%q): %v", spec, err)
	}
	t.Cleanup(func() {
		if err := src.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return src
}

func copySourceFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// writeRandomFile fills path with seeded random bytes: no image or video
// signature, and the same bytes on every run.
func writeRandomFile(t *testing.T, path string, n int) {
	t.Helper()
	b := make([]byte, n)
	rand.New(rand.NewSource(42)).Read(b)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func expectEOF(t *testing.T, src FrameSource, dst *gocv.Mat) {
	t.Helper()
	// Twice: the end must be sticky.
	for i := 0; i < 2; i++ {
		if _, err := src.Next(dst); err != io.EOF {
			t.Fatalf("Next at end = %v, want io.EOF", err)
		}
	}
}

func TestSourceKindString(t *testing.T) {
	for _, tc := range []struct {
		k    SourceKind
		want string
	}{
		{SourceCamera, "camera"},
		{SourceVideo, "video"},
		{SourceImage, "image"},
		{SourceFolder, "folder"},
		{SourceKind(0), "SourceKind(0)"},
	} {
		if got := tc.k.String(); got != tc.want {
			t.Errorf("SourceKind(%d).String() = %q, want %q", int(tc.k), got, tc.want)
		}
	}
}

func TestSourceFolderFrontal(t *testing.T) {
	testenv.CheckMatLeaks(t)
	dir := filepath.Join(testenv.Testdata(t), "frontal")
	src := openSourceT(t, dir)
	if got, want := src.Describe(), (SourceInfo{Kind: SourceFolder, Spec: dir, Frames: 4}); got != want {
		t.Errorf("Describe() = %+v, want %+v", got, want)
	}

	want := []struct {
		name string
		w, h int
	}{ // lexical order; the PNG sorts last
		{"apollo11_crew.jpg", 600, 471},
		{"gocv_face.jpg", 640, 480},
		{"grace_hopper.jpg", 517, 606},
		{"skimage_astronaut.png", 512, 512},
	}
	dst := newSourceMat(t)
	for i, w := range want {
		fi, err := src.Next(dst)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if fi != (FrameInfo{Index: i, Name: w.name}) {
			t.Errorf("frame %d: info %+v, want Index %d Name %q Time 0", i, fi, i, w.name)
		}
		if dst.Cols() != w.w || dst.Rows() != w.h || dst.Type() != gocv.MatTypeCV8UC3 {
			t.Errorf("frame %d (%s): %dx%d type %v, want %dx%d BGR", i, w.name, dst.Cols(), dst.Rows(), dst.Type(), w.w, w.h)
		}
	}
	expectEOF(t, src, dst)
}

func TestSourceImage(t *testing.T) {
	td := testenv.Testdata(t)
	// An upper-case extension must be recognised as an image too.
	upper := filepath.Join(t.TempDir(), "HOPPER.JPG")
	copySourceFile(t, filepath.Join(td, "frontal", "grace_hopper.jpg"), upper)

	for _, tc := range []struct {
		name string
		path string
		w, h int
	}{
		{"jpeg", filepath.Join(td, "frontal", "grace_hopper.jpg"), 517, 606},
		{"png", filepath.Join(td, "frontal", "skimage_astronaut.png"), 512, 512},
		{"upper-case extension", upper, 517, 606},
		// Stored 1280x960 with EXIF orientation 6: must come out upright.
		{"exif rotated", filepath.Join(td, "side", "desk_lean_exif.jpeg"), 960, 1280},
	} {
		t.Run(tc.name, func(t *testing.T) {
			testenv.CheckMatLeaks(t)
			src := openSourceT(t, tc.path)
			wantInfo := SourceInfo{Kind: SourceImage, Spec: tc.path, Frames: 1, Width: tc.w, Height: tc.h}
			if got := src.Describe(); got != wantInfo {
				t.Errorf("Describe() = %+v, want %+v", got, wantInfo)
			}
			dst := newSourceMat(t)
			fi, err := src.Next(dst)
			if err != nil {
				t.Fatal(err)
			}
			if want := (FrameInfo{Name: filepath.Base(tc.path)}); fi != want {
				t.Errorf("info %+v, want %+v", fi, want)
			}
			if dst.Cols() != tc.w || dst.Rows() != tc.h || dst.Type() != gocv.MatTypeCV8UC3 {
				t.Errorf("frame %dx%d type %v, want %dx%d BGR", dst.Cols(), dst.Rows(), dst.Type(), tc.w, tc.h)
			}
			expectEOF(t, src, dst)
		})
	}
}

// TestSourceFolderBadFrame checks that one corrupt file spoils only its own
// frame, and that non-images, hidden files and subfolders are ignored.
func TestSourceFolderBadFrame(t *testing.T) {
	testenv.CheckMatLeaks(t)
	td := testenv.Testdata(t)
	dir := t.TempDir()
	copySourceFile(t, filepath.Join(td, "frontal", "gocv_face.jpg"), filepath.Join(dir, "a.jpg"))
	writeRandomFile(t, filepath.Join(dir, "bad.jpg"), 4096)
	copySourceFile(t, filepath.Join(td, "frontal", "skimage_astronaut.png"), filepath.Join(dir, "c.PNG"))
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not an image"), 0o644); err != nil {
		t.Fatal(err)
	}
	writeRandomFile(t, filepath.Join(dir, "._a.jpg"), 128) // macOS AppleDouble
	if err := os.MkdirAll(filepath.Join(dir, "sub.jpg"), 0o755); err != nil {
		t.Fatal(err)
	}
	copySourceFile(t, filepath.Join(td, "frontal", "gocv_face.jpg"), filepath.Join(dir, "sub.jpg", "inner.jpg"))

	src := openSourceT(t, dir)
	if n := src.Describe().Frames; n != 3 {
		t.Errorf("Describe().Frames = %d, want 3 (a.jpg bad.jpg c.PNG)", n)
	}
	dst := newSourceMat(t)

	fi, err := src.Next(dst)
	if err != nil || fi.Name != "a.jpg" || fi.Index != 0 || dst.Cols() != 640 {
		t.Fatalf("frame 0: %+v %dx%d, %v; want a.jpg 640x480", fi, dst.Cols(), dst.Rows(), err)
	}

	fi, err = src.Next(dst)
	if !errors.Is(err, ErrBadFrame) {
		t.Fatalf("frame 1 (bad.jpg): err %v, want ErrBadFrame", err)
	}
	wantMsg := "cannot decode image " + filepath.Join(dir, "bad.jpg") + ": not a supported image or corrupt"
	if err.Error() != wantMsg {
		t.Errorf("frame 1 error %q, want %q", err, wantMsg)
	}
	if fi.Index != 1 || fi.Name != "bad.jpg" {
		t.Errorf("frame 1 info %+v, want Index 1 Name bad.jpg", fi)
	}

	fi, err = src.Next(dst)
	if err != nil || fi.Name != "c.PNG" || fi.Index != 2 || dst.Cols() != 512 || dst.Rows() != 512 {
		t.Fatalf("frame 2: %+v %dx%d, %v; want c.PNG 512x512", fi, dst.Cols(), dst.Rows(), err)
	}
	expectEOF(t, src, dst)
}

// writeTestVideo writes n frames of w x h MJPG at fps. Frame i is filled with
// grey level 10*i, so its order can be checked after lossy compression, and
// carries its number as text for a human looking at the file.
func writeTestVideo(t *testing.T, path string, fps float64, n, w, h int) {
	t.Helper()
	vw, err := gocv.VideoWriterFile(path, "MJPG", fps, w, h, true)
	if err != nil {
		t.Fatalf("VideoWriterFile: %v", err)
	}
	defer vw.Close()
	if !vw.IsOpened() {
		t.Fatalf("VideoWriterFile(%s, MJPG): not opened; is OpenCV built with video I/O?", path)
	}
	for i := 0; i < n; i++ {
		grey := float64(10 * i)
		frame := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(grey, grey, grey, 0), h, w, gocv.MatTypeCV8UC3)
		gocv.PutText(&frame, strconv.Itoa(i), image.Pt(w/2, h-20), gocv.FontHersheySimplex, 2, color.RGBA{255, 255, 255, 0}, 3)
		err := vw.Write(frame)
		frame.Close()
		if err != nil {
			t.Fatalf("writing frame %d: %v", i, err)
		}
	}
}

func TestSourceVideo(t *testing.T) {
	testenv.CheckMatLeaks(t)
	path := filepath.Join(t.TempDir(), "clip.avi")
	writeTestVideo(t, path, 10, 20, 320, 240)

	src := openSourceT(t, path)
	want := SourceInfo{Kind: SourceVideo, Spec: path, FPS: 10, Frames: 20, Width: 320, Height: 240}
	if got := src.Describe(); got != want {
		t.Errorf("Describe() = %+v, want %+v", got, want)
	}
	dst := newSourceMat(t)
	for i := 0; i < 20; i++ {
		fi, err := src.Next(dst)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if want := (FrameInfo{Index: i, Time: time.Duration(i) * 100 * time.Millisecond}); fi != want {
			t.Errorf("frame %d: info %+v, want %+v", i, fi, want)
		}
		if dst.Cols() != 320 || dst.Rows() != 240 || dst.Type() != gocv.MatTypeCV8UC3 {
			t.Fatalf("frame %d: %dx%d type %v, want 320x240 BGR", i, dst.Cols(), dst.Rows(), dst.Type())
		}
		// The top-left corner holds no text: its grey level says which
		// frame this is, within JPEG error.
		corner := dst.Region(image.Rect(0, 0, 40, 40))
		got := corner.Mean().Val1
		corner.Close()
		if d := got - float64(10*i); d < -4 || d > 4 {
			t.Errorf("frame %d: corner grey %.1f, want about %d (frames out of order?)", i, got, 10*i)
		}
	}
	expectEOF(t, src, dst)
}

func TestOpenSourceErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	// A folder holding only things that are not images counts as empty.
	notImages := filepath.Join(dir, "notimages")
	if err := os.MkdirAll(filepath.Join(notImages, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(notImages, "readme.txt"), []byte("hi"), 0o644); err != nil {
		t.Fatal(err)
	}
	textMP4 := filepath.Join(dir, "notes.mp4")
	if err := os.WriteFile(textMP4, []byte(strings.Repeat("this is not a video\n", 50)), 0o644); err != nil {
		t.Fatal(err)
	}
	badJPG := filepath.Join(dir, "bad.jpg")
	writeRandomFile(t, badJPG, 2048)
	missing := filepath.Join(dir, "nothing-here")
	missingMP4 := filepath.Join(dir, "gone.mp4")

	for _, tc := range []struct {
		name    string
		spec    string
		is      []error // errors.Is must hold for each
		wantMsg string  // exact message, or
		substr  []string
	}{
		{name: "empty folder", spec: empty, wantMsg: "no images in folder " + empty},
		{name: "folder without images", spec: notImages, wantMsg: "no images in folder " + notImages},
		{
			name: "missing path", spec: missing, is: []error{fs.ErrNotExist},
			wantMsg: "source " + missing + ": no such file or folder (give a camera index like 0, a /dev/videoN device, a video file, an image or a folder of images)",
		},
		{name: "missing video", spec: missingMP4, is: []error{fs.ErrNotExist}, wantMsg: "video file " + missingMP4 + ": no such file"},
		{name: "text renamed mp4", spec: textMP4, wantMsg: "cannot open video " + textMP4 + ": unsupported format or corrupt"},
		{name: "corrupt image", spec: badJPG, is: []error{ErrBadFrame}, wantMsg: "cannot decode image " + badJPG + ": not a supported image or corrupt"},
		{
			name: "camera index 7", spec: "7", is: []error{ErrCameraNotFound},
			wantMsg: "camera 7: not found (no /dev/video7); list cameras with `neckwatch doctor`",
		},
		{
			name: "camera path /dev/video7", spec: "/dev/video7", is: []error{ErrCameraNotFound},
			substr: []string{"camera /dev/video7: not found", "neckwatch doctor"},
		},
		{
			// Exists but is no camera: said so, not blamed on a video
			// call holding it (no capture is opened at all).
			name: "device that is not a camera", spec: "/dev/null",
			wantMsg: "source /dev/null: not a camera (cameras are /dev/videoN; list them with `neckwatch doctor`)",
		},
		{name: "disk-like device that is not a camera", spec: "/dev/zero", substr: []string{"/dev/zero: not a camera"}},
		{name: "empty spec", spec: "", substr: []string{"source: empty"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			testenv.CheckMatLeaks(t)
			if strings.HasPrefix(tc.spec, "/dev/video") || tc.spec == "7" {
				if _, err := os.Stat("/dev/video7"); err == nil {
					t.Skip("this machine has a /dev/video7")
				}
			}
			src, err := OpenSource(tc.spec)
			if err == nil {
				src.Close()
				t.Fatalf("OpenSource(%q) succeeded, want an error", tc.spec)
			}
			if src != nil {
				t.Errorf("OpenSource(%q) returned a source along with error %v", tc.spec, err)
			}
			for _, target := range tc.is {
				if !errors.Is(err, target) {
					t.Errorf("error %q: errors.Is(%v) = false", err, target)
				}
			}
			if tc.wantMsg != "" && err.Error() != tc.wantMsg {
				t.Errorf("error\n  %q\nwant\n  %q", err, tc.wantMsg)
			}
			for _, s := range tc.substr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
		})
	}
}

// TestSourceClose checks, for every file-backed kind, that Close is
// idempotent and that Next afterwards errors instead of crashing, including
// when Close comes before the first frame.
func TestSourceClose(t *testing.T) {
	td := testenv.Testdata(t)
	video := filepath.Join(t.TempDir(), "clip.avi")
	writeTestVideo(t, video, 10, 3, 64, 48)

	for _, tc := range []struct {
		name      string
		spec      string
		readFirst bool
	}{
		{"image unread", filepath.Join(td, "frontal", "gocv_face.jpg"), false},
		{"image read", filepath.Join(td, "frontal", "gocv_face.jpg"), true},
		{"folder", filepath.Join(td, "frontal"), true},
		{"video unread", video, false},
		{"video read", video, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			testenv.CheckMatLeaks(t)
			src, err := OpenSource(tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			dst := newSourceMat(t)
			if tc.readFirst {
				if _, err := src.Next(dst); err != nil {
					t.Fatalf("Next: %v", err)
				}
			}
			for i := 0; i < 2; i++ {
				if err := src.Close(); err != nil {
					t.Errorf("Close #%d: %v", i+1, err)
				}
			}
			if _, err := src.Next(dst); !errors.Is(err, ErrSourceClosed) {
				t.Errorf("Next after Close = %v, want ErrSourceClosed", err)
			}
			if src.Describe().Spec != tc.spec {
				t.Errorf("Describe after Close lost the spec: %+v", src.Describe())
			}
		})
	}
}

// TestSourceNextBadDst checks that a nil or closed Mat is an error, not a
// crash inside OpenCV.
func TestSourceNextBadDst(t *testing.T) {
	testenv.CheckMatLeaks(t)
	src := openSourceT(t, filepath.Join(testenv.Testdata(t), "frontal"))
	closed := gocv.NewMat()
	closed.Close()
	for _, dst := range []*gocv.Mat{nil, &closed} {
		if _, err := src.Next(dst); err == nil {
			t.Errorf("Next(%v) succeeded, want an error", dst)
		}
	}
	// The failed calls must not have consumed a frame.
	dst := newSourceMat(t)
	if fi, err := src.Next(dst); err != nil || fi.Index != 0 {
		t.Errorf("first real Next: %+v, %v; want frame 0", fi, err)
	}
}

func TestSourceListCameras(t *testing.T) {
	cams := ListCameras()
	idx := make([]int, len(cams))
	for i, c := range cams {
		n, ok := videoNodeIndex(c)
		if !strings.HasPrefix(c, "/dev/video") || !ok {
			t.Errorf("ListCameras() entry %q is not a /dev/videoN node", c)
		}
		idx[i] = n
	}
	if !sort.IntsAreSorted(idx) {
		t.Errorf("ListCameras() = %v, not in numeric order", cams)
	}
	t.Logf("cameras: %v", cams)
}

// Seek jumps to a frame without decoding the ones before: the frame read
// next is that one (its grey level says so), with the media time of its
// index; a seek past the end ends the stream.
func TestSourceVideoSeek(t *testing.T) {
	testenv.CheckMatLeaks(t)
	path := filepath.Join(t.TempDir(), "clip.avi")
	writeTestVideo(t, path, 10, 20, 320, 240)
	src := openSourceT(t, path)
	seeker, ok := src.(FrameSeeker)
	if !ok {
		t.Fatal("a video source cannot seek")
	}
	dst := newSourceMat(t)
	for _, i := range []int{3, 12, 13, 17} {
		if err := seeker.Seek(i); err != nil {
			t.Fatal(err)
		}
		fi, err := src.Next(dst)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if want := (FrameInfo{Index: i, Time: time.Duration(i) * 100 * time.Millisecond}); fi != want {
			t.Errorf("after Seek(%d): info %+v, want %+v", i, fi, want)
		}
		corner := dst.Region(image.Rect(0, 0, 40, 40))
		got := corner.Mean().Val1
		corner.Close()
		if d := got - float64(10*i); d < -4 || d > 4 {
			t.Errorf("after Seek(%d): corner grey %.1f, want about %d", i, got, 10*i)
		}
	}
	if err := seeker.Seek(40); err != nil {
		t.Fatal(err)
	}
	expectEOF(t, src, dst)
}
