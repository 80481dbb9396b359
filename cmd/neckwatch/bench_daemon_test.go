package main

// BenchmarkDaemonResources measures the daemon's resource use at default
// settings (`make bench-daemon`): average CPU, resident memory, the share
// of wall time the camera is open, and the time from a sustained posture
// change to the state change. There is no webcam on the build machines, so
// the camera is emulated as faithfully as it matters here: frames arrive
// in real time at 30 fps as JPEG (a UVC webcam's MJPEG) that must be
// decoded, and the posture in them follows a wall-clock schedule. The
// daemon is the one `run` builds (wireDaemon): the coach, the history
// written to a SQLite file in a temporary folder, the desk advice read
// from it; only the notifications are logged instead of shown.

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"github.com/neckwatch/neckwatch/config"
	"github.com/neckwatch/neckwatch/daemon"
	"github.com/neckwatch/neckwatch/history"
	"github.com/neckwatch/neckwatch/internal/stats"
	"github.com/neckwatch/neckwatch/internal/testenv"
	"github.com/neckwatch/neckwatch/landmark"
	"github.com/neckwatch/neckwatch/posture"
	"github.com/neckwatch/neckwatch/synthetic"
	"github.com/neckwatch/neckwatch/vision"
)

// The schedule: `go test -run '^$' -bench DaemonResources ./cmd/neckwatch/
// -args -bench.phase 20s -bench.cycles 1` for a short run.
var (
	benchPhase  = flag.Duration("bench.phase", 60*time.Second, "length of each upright phase of BenchmarkDaemonResources; forward phases are half as long")
	benchCycles = flag.Int("bench.cycles", 2, "upright/forward cycles of BenchmarkDaemonResources (then a final upright phase)")
)

// BenchmarkDaemonResources runs the daemon on a duty cycle (the default)
// and, as keep_open, sampling continuously; each run takes the schedule's
// length (4 minutes by default), once.
func BenchmarkDaemonResources(b *testing.B) {
	for _, keepOpen := range []bool{false, true} {
		name := "duty_cycle"
		if keepOpen {
			name = "keep_open"
		}
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if err := benchDaemon(b, testenv.Photo(b, "frontal/gocv_face.jpg"), *benchPhase, *benchCycles, keepOpen); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// segment is one stretch of the schedule.
type segment struct {
	start, end time.Duration
	forward    bool
}

func schedule(phase time.Duration, cycles int) []segment {
	var segs []segment
	t := time.Duration(0)
	for i := 0; i < cycles; i++ {
		segs = append(segs, segment{t, t + phase, false}, segment{t + phase, t + phase + phase/2, true})
		t += phase + phase/2
	}
	return append(segs, segment{t, t + phase, false})
}

func benchDaemon(b *testing.B, seedPath string, phase time.Duration, cycles int, keepOpen bool) error {
	seed := gocv.IMRead(seedPath, gocv.IMReadColor)
	if seed.Empty() {
		return fmt.Errorf("cannot read seed photo %s: run `make testdata` first", seedPath)
	}
	defer seed.Close()
	cfg := config.Default() // default settings are what is measured
	cfg.Sampling.KeepOpen = keepOpen
	vision.SetThreads(1) // as `neckwatch run` does
	pcfg := vision.DefaultPipelineConfig()
	pcfg.ModelDir = testenv.ModelDir(b)
	pipe, err := vision.NewPipeline(pcfg)
	if err != nil {
		return err
	}
	defer pipe.Close()
	upright, forward, baseline, err := renderFrames(pipe, seed)
	if err != nil {
		return err
	}
	cls, err := cfg.NewClassifier(&baseline)
	if err != nil {
		return err
	}
	segs := schedule(phase, cycles)
	total := segs[len(segs)-1].end
	cam := &emulatedCamera{upright: upright, forward: forward, segs: segs}

	// run's own wiring, in private folders: the history's SQLite file,
	// the state, the calibration steps' profile.
	dir := b.TempDir()
	b.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	b.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	cfg.History.Path = filepath.Join(dir, "history.db")
	cfg.Notifications.Enabled = false
	cfg.Camera.Source = "emulated camera"
	sampler := &vision.CameraSampler{
		Spec: "emulated", Settle: cfg.Sampling.Settle, KeepOpen: cfg.Sampling.KeepOpen, Detector: pipe,
		Open: func(string) (vision.FrameSource, error) { return cam.open(), nil },
	}
	defer sampler.Close()
	var samples []daemon.Sample // appended by the sampling loop only
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	d, _, closeNotifier, err := wireDaemon(context.Background(), cfg, cls, "", sampler, log, func(s daemon.Sample) { samples = append(samples, s) })
	if err != nil {
		return err
	}
	defer closeNotifier()
	if keepOpen {
		fmt.Printf("bench-daemon: continuous sampling (keep_open, %g frames a second); emulated 640x480 MJPEG camera at 30 fps; %s run, posture changes at %s\n",
			cfg.Sampling.KeepOpenFPS, total, changeTimes(segs))
	} else {
		fmt.Printf("bench-daemon: default settings (sample every %s stable / %s changing, burst %d, settle %s); emulated 640x480 MJPEG camera at 30 fps; %s run, posture changes at %s\n",
			cfg.Sampling.IntervalStable, cfg.Sampling.IntervalChanging, cfg.Sampling.BurstFrames, cfg.Sampling.Settle, total, changeTimes(segs))
	}

	ctx, cancel := context.WithTimeout(context.Background(), total)
	defer cancel()
	b.ResetTimer()
	cpu0 := cpuTime()
	cam.start = time.Now()
	if err := d.Run(ctx); err != nil {
		return err
	}
	wall := time.Since(cam.start)
	cpu := cpuTime() - cpu0
	b.StopTimer()
	st := d.Status()

	lat := latencies(samples, segs, cam.start)
	frames := 0
	for _, s := range samples {
		frames += len(s.Frames)
	}
	fmt.Printf("samples taken:        %d (%d frames analysed)\n", st.Samples, frames)
	fmt.Printf("average CPU:          %.2f%% of one core (%.2f s CPU over %.0f s)\n", 100*cpu.Seconds()/wall.Seconds(), cpu.Seconds(), wall.Seconds())
	fmt.Printf("peak resident memory: %d MB (now %d MB)\n", procStatusKB("VmHWM")/1024, procStatusKB("VmRSS")/1024)
	fmt.Printf("camera open:          %.1f%% of wall time\n", st.CameraOpenPct)
	if len(lat) > 0 {
		fmt.Printf("posture change to state change: median %.1f s, max %.1f s over %d changes (%s)\n", stats.Median(lat), slices.Max(lat), len(lat), fmtSecs(lat))
		b.ReportMetric(stats.Median(lat), "s_reaction_median")
	}
	minutes, err := historyMinutes(cfg.History.Path, cam.start)
	if err != nil {
		return err
	}
	fmt.Printf("history written:      %d minutes to %s\n", minutes, cfg.History.Path)
	b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "%cpu")
	b.ReportMetric(float64(procStatusKB("VmHWM"))/1024, "MB_peak_rss")
	b.ReportMetric(st.CameraOpenPct, "%camera_open")
	return nil
}

// historyMinutes counts the minutes the daemon wrote to the history since
// start: the benchmark's proof that the writes were part of what it
// measured.
func historyMinutes(path string, start time.Time) (int, error) {
	store, err := history.Open(path)
	if err != nil {
		return 0, err
	}
	defer store.Close()
	mins, err := store.Minutes(start.Add(-time.Minute), time.Now())
	return len(mins), err
}

// renderFrames makes JPEG frames of the upright and forward (head 30%
// larger: about 8 cm nearer) posture with sensor noise, and the baseline a
// calibration on the upright ones would give.
func renderFrames(pipe *vision.Pipeline, seed gocv.Mat) (upright, forward [][]byte, b posture.Baseline, err error) {
	lm, _, err := pipe.Detect(seed)
	if err != nil {
		return nil, nil, b, err
	}
	face, ok := lm.PrimaryFace()
	if !ok {
		return nil, nil, b, fmt.Errorf("no face in the seed photo")
	}
	gen, err := synthetic.NewGenerator(seed, face.Box)
	if err != nil {
		return nil, nil, b, err
	}
	defer gen.Close()
	frame, noisy := gocv.NewMat(), gocv.NewMat()
	defer frame.Close()
	defer noisy.Close()
	noise := gocv.NewMatWithSize(seed.Rows(), seed.Cols(), gocv.MatTypeCV8UC3)
	defer noise.Close()
	var calib []landmark.Frame
	frameSeed := 0
	for _, m := range []struct {
		motion synthetic.HeadMotion
		out    *[][]byte
	}{{synthetic.Rest, &upright}, {synthetic.HeadMotion{Scale: 1.3}, &forward}} {
		if err := gen.Render(m.motion, &frame); err != nil {
			return nil, nil, b, err
		}
		for i := 0; i < 8; i++ {
			// A seed per frame: the networks reset OpenCV's generator, and
			// two frames alike would read as a stuck driver.
			frameSeed++
			gocv.SetRNGSeed(frameSeed)
			gocv.RandN(&noise, gocv.NewScalar(0, 0, 0, 0), gocv.NewScalar(3, 3, 3, 0))
			gocv.Add(frame, noise, &noisy)
			buf, err := gocv.IMEncode(gocv.JPEGFileExt, noisy)
			if err != nil {
				return nil, nil, b, err
			}
			*m.out = append(*m.out, append([]byte(nil), buf.GetBytes()...))
			buf.Close()
			if m.out == &upright {
				lm, _, err := pipe.Detect(noisy)
				if err != nil {
					return nil, nil, b, err
				}
				calib = append(calib, lm)
			}
		}
	}
	b, err = posture.BuildBaseline(posture.Front, calib, posture.DefaultCameraModel())
	return upright, forward, b, err
}

// emulatedCamera hands out sources that behave like an opened webcam.
type emulatedCamera struct {
	upright, forward [][]byte
	segs             []segment
	start            time.Time
	// served counts the frames handed out over every opening: each is a
	// different noisy frame, as a sensor's are (the sampler takes a frame
	// identical to the one before, even a burst earlier, for a stuck
	// driver).
	served int
}

func (c *emulatedCamera) open() *emulatedSource {
	return &emulatedSource{cam: c, opened: time.Now()}
}

func (c *emulatedCamera) forwardAt(t time.Time) bool {
	el := t.Sub(c.start)
	for _, s := range c.segs {
		if el >= s.start && el < s.end {
			return s.forward
		}
	}
	return false
}

type emulatedSource struct {
	cam    *emulatedCamera
	opened time.Time
	n      int
}

const framePeriod = time.Second / 30

// wait blocks until the next frame is due, as a camera read does.
func (s *emulatedSource) wait() {
	due := s.opened.Add(time.Duration(s.n+1) * framePeriod)
	if d := time.Until(due); d > 0 {
		time.Sleep(d)
	}
	s.n++
}

func (s *emulatedSource) Next(dst *gocv.Mat) (vision.FrameInfo, error) {
	s.wait()
	frames := s.cam.upright
	if s.cam.forwardAt(time.Now()) {
		frames = s.cam.forward
	}
	m, err := gocv.IMDecode(frames[s.cam.served%len(frames)], gocv.IMReadColor)
	s.cam.served++
	if err != nil {
		return vision.FrameInfo{}, err
	}
	m.CopyTo(dst)
	m.Close()
	return vision.FrameInfo{Index: s.n - 1, Time: time.Since(s.opened)}, nil
}

// Skip drops a frame without decoding it, like VideoCapture.Grab.
func (s *emulatedSource) Skip(n int) error {
	for i := 0; i < n; i++ {
		s.wait()
	}
	return nil
}

func (s *emulatedSource) Close() error { return nil }

func (s *emulatedSource) Describe() vision.SourceInfo {
	return vision.SourceInfo{Kind: vision.SourceCamera, Spec: "emulated", FPS: 30, Width: 640, Height: 480}
}

// latencies measures, for each posture change, the time from the change
// to the first sample judging the new posture.
func latencies(samples []daemon.Sample, segs []segment, start time.Time) []float64 {
	var out []float64
	for i := 1; i < len(segs); i++ {
		change := start.Add(segs[i].start)
		for _, s := range samples {
			if s.At.Before(change) {
				continue
			}
			bad := s.Verdict.State == posture.ForwardHead || s.Verdict.State == posture.Slouch
			if bad == segs[i].forward {
				out = append(out, s.At.Sub(change).Seconds())
				break
			}
		}
	}
	return out
}

func changeTimes(segs []segment) string {
	var parts []string
	for _, s := range segs[1:] {
		parts = append(parts, s.start.String())
	}
	return strings.Join(parts, ", ")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	tv := func(t syscall.Timeval) time.Duration {
		return time.Duration(t.Sec)*time.Second + time.Duration(t.Usec)*time.Microsecond
	}
	return tv(ru.Utime) + tv(ru.Stime)
}

// procStatusKB reads a kB figure (VmRSS, VmHWM) from /proc/self/status.
func procStatusKB(key string) int {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, key+":") {
			var kb int
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(line, key+":")), "%d", &kb)
			return kb
		}
	}
	return 0
}

func fmtSecs(v []float64) string {
	var parts []string
	for _, x := range v {
		parts = append(parts, fmt.Sprintf("%.1f s", x))
	}
	return strings.Join(parts, ", ")
}
