package main

import (
	"io"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"github.com/neckwatch/neckwatch/analysis"
	"github.com/neckwatch/neckwatch/landmark"
	"github.com/neckwatch/neckwatch/posture"
	"github.com/neckwatch/neckwatch/vision"
)

// fakeSource gives n grey frames, each a shade lighter (so none is a
// camera's frozen repeat), 100 ms apart from first, or black ones where
// black says; kind is what it claims to be.
type fakeSource struct {
	kind  vision.SourceKind
	n     int
	first time.Duration
	black map[int]bool
	next  int
}

func (s *fakeSource) Next(dst *gocv.Mat) (vision.FrameInfo, error) {
	if s.next >= s.n {
		return vision.FrameInfo{}, io.EOF
	}
	shade := float64(60 + s.next)
	if s.black[s.next] {
		shade = 0
	}
	m := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(shade, shade, shade, 0), 48, 64, gocv.MatTypeCV8UC3)
	defer m.Close()
	m.CopyTo(dst)
	info := vision.FrameInfo{Index: s.next, Time: s.first + time.Duration(s.next)*100*time.Millisecond}
	s.next++
	return info, nil
}
func (s *fakeSource) Close() error { return nil }
func (s *fakeSource) Describe() vision.SourceInfo {
	return vision.SourceInfo{Kind: s.kind, Frames: s.n}
}

// nobody finds no one in any frame.
type nobody struct{}

func (nobody) Detect(gocv.Mat) (landmark.Frame, vision.Timing, error) {
	return landmark.Frame{}, vision.Timing{}, nil
}

// TestEachFrameTakesACamerasWindow: check and calibrate share one frame
// loop; from a camera it takes the frames from skip after the first for
// length, then stops the camera, and from a file every frame. calibrate
// keeps only usable frames (not black).
func TestEachFrameTakesACamerasWindow(t *testing.T) {
	cls := posture.NewClassifier(posture.Front, nil)
	for _, tc := range []struct {
		name       string
		src        *fakeSource
		win        window
		want       []int // indexes given to fn
		wantUsed   int   // frames read from the source
		wantUsable int
	}{
		// Frames at 1.0 s, 1.1 s, ...: the window is measured from the
		// first, however long the camera was open before.
		{"camera", &fakeSource{kind: vision.SourceCamera, n: 20, first: time.Second, black: map[int]bool{4: true}},
			window{300 * time.Millisecond, 400 * time.Millisecond}, []int{3, 4, 5, 6, 7}, 9, 4},
		{"video: every frame", &fakeSource{kind: vision.SourceVideo, n: 6},
			window{300 * time.Millisecond, 100 * time.Millisecond}, []int{0, 1, 2, 3, 4, 5}, 6, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []int
			usableN := 0
			err := eachFrame(tc.src, nobody{}, cls, tc.win, io.Discard, func(r analysis.Result) error {
				got = append(got, r.Info.Index)
				if usable(r) {
					usableN++
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("frames %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("frames %v, want %v", got, tc.want)
				}
			}
			if tc.src.next != tc.wantUsed || usableN != tc.wantUsable {
				t.Errorf("read %d frames, %d usable; want %d, %d", tc.src.next, usableN, tc.wantUsed, tc.wantUsable)
			}
		})
	}
}
