package visiontest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gocv.io/x/gocv"
)

// HeldStillsVideo writes a video with irregular timestamps, as phones and
// slideshows make: frame i is still i held for holds[i], in FFmpeg's
// concat format, which OpenCV's FFmpeg backend reads with each frame's own
// timestamp and a nominal 25 fps. It returns the .ffconcat file's path.
func HeldStillsVideo(t testing.TB, stills []gocv.Mat, holds []time.Duration) string {
	t.Helper()
	if len(stills) != len(holds) || len(stills) == 0 {
		t.Fatalf("HeldStillsVideo: %d stills for %d holds", len(stills), len(holds))
	}
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("ffconcat version 1.0\n")
	for i, m := range stills {
		name := fmt.Sprintf("still%03d.jpg", i)
		if !gocv.IMWrite(filepath.Join(dir, name), m) {
			t.Fatalf("cannot write %s", name)
		}
		fmt.Fprintf(&b, "file %s\nduration %.3f\n", name, holds[i].Seconds())
	}
	path := filepath.Join(dir, "held.ffconcat")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
