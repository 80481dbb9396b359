package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gocv.io/x/gocv"

	"github.com/neckwatch/neckwatch/internal/testenv"
	"github.com/neckwatch/neckwatch/internal/testenv/visiontest"
)

// writeVideo writes n copies of frame as an MJPEG AVI at 10 fps.
func writeVideo(t *testing.T, path string, frame gocv.Mat, n int) {
	t.Helper()
	vw, err := gocv.VideoWriterFile(path, "MJPG", 10, frame.Cols(), frame.Rows(), true)
	if err != nil || !vw.IsOpened() {
		t.Fatalf("video writer: %v", err)
	}
	defer vw.Close()
	for i := 0; i < n; i++ {
		if err := vw.Write(frame); err != nil {
			t.Fatal(err)
		}
	}
}

// cut writes the first half of the file from to the file to.
func cut(t *testing.T, from, to string) string {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data[:len(data)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	return to
}

// TestTruncatedAndBlankMedia: media cut short is said to be (a single
// image is an error, a folder's image is skipped with the reason, a video
// ends with the reason after the frames it had, exit 1); black frames are
// "covered", as the daemon reports a closed privacy shutter, not "away"
// (issue 15 item 4).
func TestTruncatedAndBlankMedia(t *testing.T) {
	isolateConfig(t)
	dir := t.TempDir()
	desk := visiontest.DeskFrame(t)
	black := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(3, 3, 3, 0), 480, 640, gocv.MatTypeCV8UC3)
	defer black.Close()

	cutJPEG := cut(t, testenv.Photo(t, "frontal/grace_hopper.jpg"), filepath.Join(dir, "cut.jpg"))
	pngPath := filepath.Join(dir, "desk.png")
	if !gocv.IMWrite(pngPath, desk) {
		t.Fatal("cannot write the PNG")
	}
	cutPNG := cut(t, pngPath, filepath.Join(dir, "cut.png"))
	folder := filepath.Join(dir, "photos")
	os.Mkdir(folder, 0o700)
	cut(t, testenv.Photo(t, "frontal/grace_hopper.jpg"), filepath.Join(folder, "a-cut.jpg"))
	if data, err := os.ReadFile(testenv.Photo(t, "frontal/gocv_face.jpg")); err != nil || os.WriteFile(filepath.Join(folder, "b-whole.jpg"), data, 0o600) != nil {
		t.Fatal("cannot copy the photo")
	}
	whole := filepath.Join(dir, "whole.avi")
	writeVideo(t, whole, desk, 30)
	half := cut(t, whole, filepath.Join(dir, "half.avi"))
	blackVideo := filepath.Join(dir, "black.avi")
	writeVideo(t, blackVideo, black, 12)
	blackImage := filepath.Join(dir, "black.png")
	if !gocv.IMWrite(blackImage, black) {
		t.Fatal("cannot write the black PNG")
	}

	cases := []struct {
		name, source string
		code         int
		stdout       []string
		stderr       string // "" for none
	}{
		{"cut JPEG", cutJPEG, 1, nil, "image " + cutJPEG + " is truncated: the file ends early"},
		{"cut PNG", cutPNG, 1, nil, "image " + cutPNG + " is truncated"},
		{"folder with a cut JPEG", folder, 0, []string{"a-cut.jpg                uncertain    skipped: image " + filepath.Join(folder, "a-cut.jpg") + " is truncated", "b-whole.jpg", "(1 skipped)"}, ""},
		{"half a video", half, 1, []string{"# "}, "video " + half + " ended after "},
		{"whole video", whole, 0, []string{"29 "}, ""},
		{"black video", blackVideo, 0, []string{"covered      not judged: black frame: privacy shutter closed or lens covered?", "# 12 frames: covered 100%\n"}, ""},
		{"black image", blackImage, 0, []string{"covered", "# 1 frames: covered 100%"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "check", "--source", tc.source)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr %q", code, tc.code, stderr)
			}
			for _, w := range tc.stdout {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout)
				}
			}
			if strings.Contains(stdout, "away") {
				t.Errorf("stdout says away:\n%s", stdout)
			}
			if tc.stderr == "" && stderr != "" || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr %q, want %q", stderr, tc.stderr)
			}
			if tc.code == 1 && strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("stderr is not one line: %q", stderr)
			}
		})
	}
	// JSON says the same.
	_, stdout, _ := runCLI(t, "check", "--source", blackVideo, "--json")
	for _, r := range decodeRecords(t, stdout) {
		if r["state"] != "covered" {
			t.Errorf("JSON state %v, want covered", r["state"])
		}
	}
}

// TestStderrIsOurOwnWords: what OpenCV, FFmpeg, GStreamer and libpng print
// on their own does not reach the terminal: the built command's stderr is
// neckwatch's one line, or nothing (issue 15 item 7).
func TestStderrIsOurOwnWords(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	garbage := writeFile(t, "clip.mp4", strings.Repeat("not a video ", 100))
	desk := visiontest.DeskFrame(t)
	whole := filepath.Join(dir, "whole.avi")
	writeVideo(t, whole, desk, 30)
	half := cut(t, whole, filepath.Join(dir, "half.avi"))
	cases := []struct {
		name   string
		args   []string
		stderr string // the whole of it
	}{
		{"not a video", []string{"check", "--source", garbage}, "neckwatch check: cannot open video " + garbage + ": unsupported format or corrupt\n"},
		{"half a video", []string{"check", "--source", half, "--json"}, "neckwatch check: video " + half + " ended after "},
		{"PNG with an sRGB profile libpng dislikes", []string{"check", "--source", testenv.Photo(t, "frontal/skimage_astronaut.png"), "--json"}, ""},
		{"chart into a missing folder", []string{"report", "--chart", filepath.Join(dir, "nodir", "c.png")}, "neckwatch report: --chart " + filepath.Join(dir, "nodir", "c.png") + ": there is no folder " + filepath.Join(dir, "nodir") + ": create it first, or choose another place\nRun 'neckwatch report --help' for usage.\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(bin, tc.args...)
			cmd.Env = append(daemonEnv(t), "NECKWATCH_MODELS="+testenv.ModelDir(t))
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			cmd.Run()
			got := stderr.String()
			if tc.stderr == "" && got != "" || !strings.HasPrefix(got, tc.stderr) || strings.Count(got, "\n") > 2 {
				t.Errorf("stderr:\n%s\nwant:\n%s", got, tc.stderr)
			}
			for _, noise := range []string{"[ERROR", "[ WARN", "@ 0x", "libpng", "moov", "overread", "GStreamer", ".tmp"} {
				if strings.Contains(got, noise) {
					t.Errorf("stderr has library noise %q:\n%s", noise, got)
				}
			}
			if tc.name == "chart into a missing folder" && stdout.String() != "" {
				t.Errorf("a report was printed before the error:\n%s", stdout.String())
			}
		})
	}
}
