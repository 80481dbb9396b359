package vision_test

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"github.com/neckwatch/neckwatch/internal/testenv"
	"github.com/neckwatch/neckwatch/internal/testenv/visiontest"
	"github.com/neckwatch/neckwatch/landmark"
	"github.com/neckwatch/neckwatch/vision"
)

// heldDesk is the desk photo held 1 s, 5 s, 2 s, 30 s and 2 s: frames at
// 0, 1, 6, 8 and 38 s (a nominal 25 fps would put them within 0.2 s).
func heldDesk(t *testing.T) string {
	desk := visiontest.DeskFrame(t)
	holds := []time.Duration{time.Second, 5 * time.Second, 2 * time.Second, 30 * time.Second, 2 * time.Second}
	stills := make([]gocv.Mat, len(holds))
	for i := range stills {
		stills[i] = desk
	}
	return visiontest.HeldStillsVideo(t, stills, holds)
}

// TestVideoTimesAreTheContainers: a video's frame times are its own
// timestamps, not the frame index over a nominal rate (issue 15 item 5).
func TestVideoTimesAreTheContainers(t *testing.T) {
	testenv.CheckMatLeaks(t)
	src, err := vision.OpenSource(heldDesk(t))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	m := gocv.NewMat()
	defer m.Close()
	want := []time.Duration{0, time.Second, 6 * time.Second, 8 * time.Second, 38 * time.Second}
	for i, w := range want {
		fi, err := src.Next(&m)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if fi.Index != i || (fi.Time-w).Abs() > 10*time.Millisecond {
			t.Errorf("frame %d: index %d at %v, want %v", i, fi.Index, fi.Time, w)
		}
	}
	if _, err := src.Next(&m); !errors.Is(err, io.EOF) || errors.Is(err, vision.ErrTruncated) {
		t.Errorf("after the last frame: %v, want io.EOF (the held frames are the whole video)", err)
	}
}

// TestVideoSamplerFollowsIrregularTimes: played in real time, such a video
// lasts its 38 s: a sample at wall time t takes the first frame at or
// after media time t, and the video ends only after its last frame.
func TestVideoSamplerFollowsIrregularTimes(t *testing.T) {
	testenv.CheckMatLeaks(t)
	src, err := vision.OpenSource(heldDesk(t))
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Now()
	start := clock
	s := &vision.VideoSampler{Source: src, Detector: visiontest.Pipeline(t), Now: func() time.Time { return clock }}
	defer s.Close()
	for _, at := range []struct {
		wall  time.Duration
		index int
	}{{0, 0}, {500 * time.Millisecond, 1}, {7 * time.Second, 3}, {14 * time.Second, 4}, {30 * time.Second, 4}} {
		clock = start.Add(at.wall)
		smp, err := s.Sample(context.Background(), landmark.BurstRequest{Frames: 1})
		if err != nil {
			t.Fatalf("at %v: %v", at.wall, err)
		}
		if len(smp.Frames) != 1 {
			t.Errorf("at %v: %d frames", at.wall, len(smp.Frames))
		}
		if got := vision.VideoSamplerPosition(s).Index; got != at.index {
			t.Errorf("at %v: frame %d, want %d", at.wall, got, at.index)
		}
	}
	clock = start.Add(40 * time.Second)
	if _, err := s.Sample(context.Background(), landmark.BurstRequest{Frames: 1}); !errors.Is(err, io.EOF) {
		t.Errorf("after 40 s: %v, want io.EOF", err)
	}
}
