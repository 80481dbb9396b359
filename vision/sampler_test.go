package vision_test

import (
	"context"
	"errors"
	"image"
	"image/color"
	"io"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"github.com/neckwatch/neckwatch/internal/testenv"
	"github.com/neckwatch/neckwatch/internal/testenv/visiontest"
	"github.com/neckwatch/neckwatch/landmark"
	"github.com/neckwatch/neckwatch/posture"
	"github.com/neckwatch/neckwatch/synthetic"
	"github.com/neckwatch/neckwatch/vision"
)

// fakeCamera is an injected frame source standing in for a webcam
// (there is none on the build machines): it serves copies of one frame,
// optionally black or identical every time, and records opens and closes.
type fakeCamera struct {
	frame  gocv.Mat
	black  bool
	frozen bool
	// stuckAfter > 0: from that frame on, the driver repeats it.
	stuckAfter int
	opens      int
	closes     int
	skipped    int
	n          int
}

func (c *fakeCamera) open(string) (vision.FrameSource, error) {
	c.opens++
	return &fakeCameraSource{c: c}, nil
}

type fakeCameraSource struct{ c *fakeCamera }

func (s *fakeCameraSource) Next(dst *gocv.Mat) (vision.FrameInfo, error) {
	c := s.c
	c.n++
	if c.black {
		c.frame.CopyTo(dst)
		dst.SetTo(gocv.NewScalar(0, 0, 0, 0))
		return vision.FrameInfo{Index: c.n}, nil
	}
	c.frame.CopyTo(dst)
	if !c.frozen {
		// Real sensors never give the same frame twice.
		n := c.n
		if c.stuckAfter > 0 && n > c.stuckAfter {
			n = c.stuckAfter
		}
		gocv.Circle(dst, image.Pt(n%50, 5), 2, color.RGBA{uint8(n), 0, 0, 0}, -1)
	}
	return vision.FrameInfo{Index: c.n}, nil
}

func (s *fakeCameraSource) Skip(n int) error { s.c.skipped += n; return nil }
func (s *fakeCameraSource) Close() error     { s.c.closes++; return nil }
func (s *fakeCameraSource) Describe() vision.SourceInfo {
	return vision.SourceInfo{Kind: vision.SourceCamera, Spec: "fake"}
}

func TestCameraSamplerDutyCycle(t *testing.T) {
	testenv.CheckMatLeaks(t)
	cam := &fakeCamera{frame: visiontest.DeskFrame(t)}
	pipe := visiontest.Pipeline(t)
	cls := posture.NewClassifier(posture.Front, nil)
	s := &vision.CameraSampler{Spec: "fake", Open: cam.open, Settle: 30 * time.Millisecond, Detector: pipe}
	defer s.Close()
	for i := 1; i <= 2; i++ {
		smp, err := s.Sample(context.Background(), landmark.BurstRequest{Frames: 3})
		if err != nil {
			t.Fatal(err)
		}
		if v := judge(cls, smp); v.State != posture.Upright || len(smp.Frames) != 3 || smp.Camera != landmark.CameraIdle {
			t.Fatalf("sample %d: %s, %d frames, camera %s", i, v.State, len(smp.Frames), smp.Camera)
		}
		if cam.opens != i || cam.closes != i {
			t.Fatalf("after sample %d: %d opens, %d closes: the camera must be released after every sample", i, cam.opens, cam.closes)
		}
	}
	if cam.skipped == 0 {
		t.Error("settle frames were decoded instead of skipped")
	}
	// Keep-open: one open for many samples.
	cam.opens, cam.closes = 0, 0
	s.KeepOpen = true
	for i := 0; i < 3; i++ {
		if smp, err := s.Sample(context.Background(), landmark.BurstRequest{Frames: 2}); err != nil || smp.Camera != landmark.CameraOpen {
			t.Fatalf("keep-open sample: %v %s", err, smp.Camera)
		}
	}
	if cam.opens != 1 || cam.closes != 0 {
		t.Fatalf("keep-open: %d opens, %d closes", cam.opens, cam.closes)
	}
	// Pause releases even a kept-open camera; the next sample reopens it.
	s.Release()
	if cam.closes != 1 {
		t.Fatalf("Release: %d closes, want 1", cam.closes)
	}
	if _, err := s.Sample(context.Background(), landmark.BurstRequest{Frames: 1}); err != nil || cam.opens != 2 {
		t.Fatalf("sample after Release: %v, %d opens", err, cam.opens)
	}
}

func TestCameraSamplerReportsBlackAndFrozenFrames(t *testing.T) {
	testenv.CheckMatLeaks(t)
	pipe := visiontest.Pipeline(t)
	cases := []struct {
		name  string
		cam   *fakeCamera
		state landmark.CameraState
	}{
		{"privacy shutter", &fakeCamera{frame: visiontest.DeskFrame(t), black: true}, landmark.CameraBlack},
		{"stuck driver", &fakeCamera{frame: visiontest.DeskFrame(t), frozen: true}, landmark.CameraFrozen},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := &vision.CameraSampler{Spec: "fake", Open: tc.cam.open, Detector: pipe}
			defer s.Close()
			smp, err := s.Sample(context.Background(), landmark.BurstRequest{Frames: 3})
			if err == nil || smp.Camera != tc.state {
				t.Fatalf("camera %s, err %v; want %s", smp.Camera, err, tc.state)
			}
			if tc.cam.closes != tc.cam.opens {
				t.Fatal("camera held after a bad sample")
			}
		})
	}
}

// A burst that settles after one frame has no second frame to compare:
// the stuck driver is seen against the last burst's frame instead.
func TestCameraSamplerSettledBurstsStillShowAStuckDriver(t *testing.T) {
	testenv.CheckMatLeaks(t)
	pipe := visiontest.Pipeline(t)
	oneFrame := func(frames []landmark.Frame) bool { return true }
	for _, tc := range []struct {
		name   string
		frozen bool
	}{{"live camera", false}, {"stuck driver", true}} {
		t.Run(tc.name, func(t *testing.T) {
			cam := &fakeCamera{frame: visiontest.DeskFrame(t), frozen: tc.frozen}
			s := &vision.CameraSampler{Spec: "fake", Open: cam.open, Detector: pipe}
			defer s.Close()
			var states []landmark.CameraState
			for i := 0; i < 3; i++ {
				smp, err := s.Sample(context.Background(), landmark.BurstRequest{Frames: 3, Settled: oneFrame})
				if len(smp.Frames) > 1 {
					t.Fatalf("sample %d: %d frames; a settled burst ends after its first", i, len(smp.Frames))
				}
				if (err != nil) != (smp.Camera == landmark.CameraFrozen) {
					t.Fatalf("sample %d: camera %s, err %v", i, smp.Camera, err)
				}
				states = append(states, smp.Camera)
			}
			want := []landmark.CameraState{landmark.CameraIdle, landmark.CameraIdle, landmark.CameraIdle}
			if tc.frozen {
				// The first burst has nothing to compare with.
				want = []landmark.CameraState{landmark.CameraIdle, landmark.CameraFrozen, landmark.CameraFrozen}
			}
			if !slices.Equal(states, want) {
				t.Fatalf("camera states %v, want %v", states, want)
			}
			if cam.closes != cam.opens {
				t.Fatal("camera held between samples")
			}
		})
	}
}

// countingDetector records whether each frame was detected in full or
// tracked.
type countingDetector struct{ calls []string }

func (d *countingDetector) Detect(gocv.Mat) (landmark.Frame, vision.Timing, error) {
	d.calls = append(d.calls, "detect")
	return landmark.Frame{}, vision.Timing{}, nil
}

func (d *countingDetector) Track(gocv.Mat) (landmark.Frame, vision.Timing, error) {
	d.calls = append(d.calls, "track")
	return landmark.Frame{}, vision.Timing{}, nil
}

// A driver that sticks in the middle of a burst is reported at once: the
// burst's later frames repeat its first, which itself differs from the
// last burst's.
func TestCameraSamplerDriverStuckMidBurst(t *testing.T) {
	testenv.CheckMatLeaks(t)
	cam := &fakeCamera{frame: visiontest.DeskFrame(t), stuckAfter: 4}
	s := &vision.CameraSampler{Spec: "fake", Open: cam.open, Detector: &countingDetector{}}
	defer s.Close()
	var states []landmark.CameraState
	for i := 0; i < 2; i++ {
		smp, _ := s.Sample(context.Background(), landmark.BurstRequest{Frames: 3})
		states = append(states, smp.Camera)
	}
	if want := []landmark.CameraState{landmark.CameraIdle, landmark.CameraFrozen}; !slices.Equal(states, want) {
		t.Fatalf("camera states %v, want %v", states, want)
	}
}

// A burst the caller asks to follow the last one, a few seconds later,
// follows its face (the tracker decides whether the face is still there,
// unmoved); too long after it, after a Release (a pause), or when not
// asked, every network runs again.
func TestCameraSamplerFollowsTheLastBurstWhenAsked(t *testing.T) {
	testenv.CheckMatLeaks(t)
	cam := &fakeCamera{frame: visiontest.DeskFrame(t)}
	det := &countingDetector{}
	now := time.Date(2026, 3, 29, 1, 59, 0, 0, time.UTC)
	s := &vision.CameraSampler{Spec: "fake", Open: cam.open, Detector: det, Now: func() time.Time { return now }}
	defer s.Close()
	steps := []struct {
		name    string
		after   time.Duration
		follow  bool
		release bool
		want    string
	}{
		{"first burst: nothing to follow", 0, true, false, "detect"},
		{"8 s later, asked", 8 * time.Second, true, false, "track"},
		{"8 s later, not asked", 8 * time.Second, false, false, "detect"},
		{"at the gap, asked", vision.TrackGap, true, false, "track"},
		{"beyond the gap", vision.TrackGap + time.Second, true, false, "detect"},
		{"after a pause", 8 * time.Second, true, true, "detect"},
		{"the clock set back", -time.Hour, true, false, "detect"},
	}
	for _, st := range steps {
		now = now.Add(st.after)
		if st.release {
			s.Release()
		}
		det.calls = nil
		if _, err := s.Sample(context.Background(), landmark.BurstRequest{Frames: 2, Follow: st.follow}); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if want := []string{st.want, "track"}; !slices.Equal(det.calls, want) {
			t.Errorf("%s: calls %v, want %v", st.name, det.calls, want)
		}
	}
	if cam.opens != len(steps) || cam.closes != len(steps) {
		t.Fatalf("%d opens, %d closes: the camera is released after every burst", cam.opens, cam.closes)
	}
}

func TestCameraSamplerBusyAndAbsent(t *testing.T) {
	for _, tc := range []struct {
		err   error
		state landmark.CameraState
	}{{vision.ErrCameraBusy, landmark.CameraBusy}, {vision.ErrCameraNotFound, landmark.CameraAbsent}, {errors.New("odd"), landmark.CameraFailed}} {
		s := &vision.CameraSampler{Spec: "x", Open: func(string) (vision.FrameSource, error) { return nil, tc.err }}
		smp, err := s.Sample(context.Background(), landmark.BurstRequest{Frames: 3})
		if !errors.Is(err, tc.err) || smp.Camera != tc.state {
			t.Errorf("open error %v: camera %s, err %v", tc.err, smp.Camera, err)
		}
		s.Close()
	}
}

// A video file plays in real time: a sample at wall time t shows the frame
// at media time t, and the end of the file ends the run.
func TestVideoSamplerPlaysInRealTime(t *testing.T) {
	testenv.CheckMatLeaks(t)
	// 4 s at 5 fps: upright for 2 s, then the head 35% larger.
	motions := append(synthetic.Ramp(synthetic.Rest, synthetic.Rest, 10), synthetic.Ramp(synthetic.HeadMotion{Scale: 1.35}, synthetic.HeadMotion{Scale: 1.35}, 10)...)
	path, pipe, lm := deskVideo(t, 5, motions)
	src, err := vision.OpenSource(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := posture.NewBaseline([]posture.FrontFeatures{posture.MeasureFront(&lm, posture.DefaultCameraModel())})
	if err != nil {
		t.Fatal(err)
	}
	cls := posture.NewClassifier(posture.Front, &b)
	clock := time.Now()
	s := &vision.VideoSampler{Source: src, Detector: pipe, Now: func() time.Time { return clock }}
	defer s.Close()
	start := clock
	for _, at := range []struct {
		t    time.Duration
		want posture.State
	}{{500 * time.Millisecond, posture.Upright}, {3 * time.Second, posture.ForwardHead}} {
		clock = start.Add(at.t)
		smp, err := s.Sample(context.Background(), landmark.BurstRequest{Frames: 2})
		if err != nil {
			t.Fatal(err)
		}
		if v := judge(cls, smp); v.State != at.want {
			t.Errorf("at %v: %s, want %s", at.t, v.State, at.want)
		}
	}
	clock = start.Add(10 * time.Second)
	if _, err := s.Sample(context.Background(), landmark.BurstRequest{Frames: 2}); !errors.Is(err, io.EOF) {
		t.Fatalf("after the end: %v, want io.EOF", err)
	}
}

// judge classifies a sample's frames as the daemon does.
func judge(cls *posture.Classifier, smp landmark.Burst) posture.Verdict {
	var vs []posture.Verdict
	for i := range smp.Frames {
		vs = append(vs, cls.Classify(&smp.Frames[i]))
	}
	return posture.Combine(vs)
}

// countingSource counts the frames a sampler decodes.
type countingSource struct {
	vision.FrameSource
	decoded int
}

func (c *countingSource) Next(dst *gocv.Mat) (vision.FrameInfo, error) {
	c.decoded++
	return c.FrameSource.Next(dst)
}

func (c *countingSource) Seek(index int) error {
	return c.FrameSource.(vision.FrameSeeker).Seek(index)
}

// A video played in real time jumps to the frame on screen instead of
// decoding every frame in between, and the frame it lands on carries the
// media time of its index.
func TestVideoSamplerSeeksInsteadOfDecoding(t *testing.T) {
	testenv.CheckMatLeaks(t)
	path, pipe, _ := deskVideo(t, 10, synthetic.Ramp(synthetic.Rest, synthetic.Rest, 60)) // 6 s at 10 fps
	src, err := vision.OpenSource(path)
	if err != nil {
		t.Fatal(err)
	}
	counted := &countingSource{FrameSource: src}
	clock := time.Now()
	start := clock
	s := &vision.VideoSampler{Source: counted, Detector: pipe, Now: func() time.Time { return clock }}
	defer s.Close()
	if _, err := s.Sample(context.Background(), landmark.BurstRequest{Frames: 1}); err != nil {
		t.Fatal(err)
	}
	clock = start.Add(4500 * time.Millisecond)
	before := counted.decoded
	if _, err := s.Sample(context.Background(), landmark.BurstRequest{Frames: 2}); err != nil {
		t.Fatal(err)
	}
	if n := counted.decoded - before; n != 2 {
		t.Errorf("a sample 4.5 s later decoded %d frames, want the 2 of its burst", n)
	}
	if info := vision.VideoSamplerPosition(s); info.Index != 46 || info.Time != 4600*time.Millisecond {
		t.Errorf("landed on frame %d at %v, want frame 46 at 4.6 s (45, then one more for the burst)", info.Index, info.Time)
	}
}

// deskVideo renders motions of the desk photo's head into an MJPG video at
// fps and returns its path, the real pipeline and the photo's landmarks.
func deskVideo(t *testing.T, fps float64, motions []synthetic.HeadMotion) (string, *vision.Pipeline, landmark.Frame) {
	t.Helper()
	seed := visiontest.DeskFrame(t)
	pipe := visiontest.Pipeline(t)
	lm, _, err := pipe.Detect(seed)
	if err != nil {
		t.Fatal(err)
	}
	face, _ := lm.PrimaryFace()
	gen, err := synthetic.NewGenerator(seed, face.Box)
	if err != nil {
		t.Fatal(err)
	}
	defer gen.Close()
	path := filepath.Join(t.TempDir(), "v.avi")
	if err := gen.WriteVideo(path, fps, motions); err != nil {
		t.Fatal(err)
	}
	return path, pipe, lm
}
