package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/neckwatch/neckwatch/calibration"
	"github.com/neckwatch/neckwatch/coach"
	"github.com/neckwatch/neckwatch/config"
	"github.com/neckwatch/neckwatch/control"
	"github.com/neckwatch/neckwatch/daemon"
	"github.com/neckwatch/neckwatch/daemon/daemonctl"
	"github.com/neckwatch/neckwatch/history"
	"github.com/neckwatch/neckwatch/internal/atomicfile"
	"github.com/neckwatch/neckwatch/internal/regularfile"
	"github.com/neckwatch/neckwatch/internal/xdg"
	"github.com/neckwatch/neckwatch/landmark"
	"github.com/neckwatch/neckwatch/notify"
	"github.com/neckwatch/neckwatch/posture"
	"github.com/neckwatch/neckwatch/vision"
	"github.com/spf13/pflag"
)

const runUsage = `Usage: neckwatch run [--source SRC] [--profile NAME | --calibration FILE] [--config FILE] [--foreground]

Runs the posture coach: samples the camera a moment at a time (the camera
is released in between, so the webcam light goes off and video calls can
take it), follows your posture, and sends a short posture reset when your
head has been forward for a while and a gentle traction or mobility break
when the day's forward-head load calls for one.

A video file as --source is played in real time and run exits at its end.
Without --foreground, run started from a terminal detaches and logs to
~/.local/state/neckwatch/neckwatch.log. Control it with
neckwatch status | pause [DURATION] | resume | snooze DURATION | break |
recalibrate | stop.
Settings come from ~/.config/neckwatch/config.toml (see 'neckwatch config');
flags override them.
`

// runFlags are run's flags: the overrides of the configuration file and
// how to run.
type runFlags struct {
	configPath string
	config.Overrides
	foreground bool
}

// newRunFlagSet declares run's flags into f. install parses its run flags
// with the same set, so a login entry holds only what run accepts.
func newRunFlagSet(f *runFlags, stdout io.Writer) *pflag.FlagSet {
	fs := newFlagSet("run", runUsage, stdout)
	fs.StringVar(&f.configPath, "config", "", "configuration file (default ~/.config/neckwatch/config.toml)")
	fs.StringVarP(&f.Source, "source", "s", "", "camera index or device, or a video file played in real time (default from config: 0)")
	fs.StringVar(&f.View, "view", "", "camera placement: auto, front or side (default from config)")
	fs.StringVar(&f.Profile, "profile", "", "calibration profile to judge against")
	fs.StringVar(&f.Calibration, "calibration", "", "calibration file to judge against")
	fs.BoolVar(&f.foreground, "foreground", false, "stay in the foreground and log to stderr")
	fs.BoolVar(&f.KeepOpen, "keep-open", false, "keep the camera open and sample continuously (sampling.keep_open_fps)")
	fs.StringVar(&f.Onset, "alert-onset", "", "how long a bad posture must last before a posture reset (e.g. 50s)")
	fs.StringVar(&f.Cooldown, "alert-cooldown", "", "wait between repeated posture resets (e.g. 5m)")
	fs.StringVar(&f.LoadBudget, "break-budget", "", "severity-weighted forward-head time that earns a traction break (e.g. 20m)")
	fs.StringVar(&f.LogLevel, "log-level", "", "debug, info, warn or error")
	fs.StringVar(&f.ModelsDir, "models", "", "directory with the model files, when they are not embedded")
	fs.BoolVar(&f.Tray, "tray", false, "show a system-tray icon (without a tray host: runs headless)")
	return fs
}

func runRun(args []string, stdout, stderr io.Writer) error {
	var f runFlags
	fs := newRunFlagSet(&f, stdout)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := f.effectiveConfig()
	if err != nil {
		return err
	}
	if !f.foreground && isTerminal(os.Stdin) {
		return detach(args, stdout)
	}
	return runDaemon(cfg, f, stderr)
}

// effectiveConfig is the configuration run works with: the file with the
// flags laid over it (loadConfig).
func (f *runFlags) effectiveConfig() (config.Config, error) {
	cfg, _, err := loadConfig(f.configPath, f.Overrides)
	return cfg, err
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// detach starts the daemon again in its own session, in the background,
// logging to the state directory, and returns once it answers on its
// control socket, or with the daemon's own error when it exits first (a
// missing profile, a bad source): "running in the background" is said only
// of a daemon that runs.
func detach(args []string, stdout io.Writer) error {
	if _, err := control.Call(context.Background(), control.SocketPath(), control.Request{Command: control.CmdStatus}); err == nil {
		return errors.New("neckwatch is already running: see `neckwatch status`")
	}
	dir, err := xdg.StateDir()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	logPath := filepath.Join(dir, "neckwatch.log")
	logFile, err := regularfile.OpenAppend(logPath, 0o600) // a FIFO would block
	if err != nil {
		return fmt.Errorf("open log: %w", err)
	}
	defer logFile.Close()
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find own binary: %w", err)
	}
	offset, _ := logFile.Seek(0, io.SeekEnd)
	cmd := exec.Command(exe, append([]string{"run", "--foreground"}, args...)...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start daemon: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	ready := func() bool {
		_, err := control.Call(context.Background(), control.SocketPath(), control.Request{Command: control.CmdStatus})
		return err == nil
	}
	if err := waitForDaemon(exited, ready, logPath, offset, daemonStartTimeout, 100*time.Millisecond); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "neckwatch is running in the background (pid %d); log: %s\nSee `neckwatch status`; stop it with `neckwatch stop`.\n", cmd.Process.Pid, logPath)
	return nil
}

// daemonStartTimeout is how long detach waits for the daemon to answer:
// loading the networks takes about a second.
const daemonStartTimeout = 20 * time.Second

// waitForDaemon waits until ready says the daemon answers (nil), the
// daemon exits (its last log line since offset becomes the error), or
// timeout passes (an error that points at the log; the daemon is left
// running).
func waitForDaemon(exited <-chan error, ready func() bool, logPath string, offset int64, timeout, poll time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		select {
		case err := <-exited:
			// The child's last words are its own error line,
			// "neckwatch run: ...": said here without the prefix.
			msg := strings.TrimPrefix(lastLogLine(logPath, offset), "neckwatch run: ")
			if msg == "" && err != nil {
				msg = err.Error()
			}
			return fmt.Errorf("the daemon stopped at once: %s (log: %s)", msg, logPath)
		case <-time.After(poll):
		}
		if ready() {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the daemon started but has not answered for %s: see %s", timeout, logPath)
		}
	}
}

// lastLogLine is the last non-empty line written to path after offset
// (read through at most 1 MiB: the daemon's first words).
func lastLogLine(path string, offset int64) string {
	f, err := regularfile.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return ""
	}
	data, err := io.ReadAll(io.LimitReader(f, regularfile.MaxSize))
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// loadBaseline finds the calibration the daemon judges by
// (calibration.Resolve): the default profile missing, unreadable or for
// the other view is logged and population figures are used; a named
// profile or file that cannot be used stops the start.
func loadBaseline(cfg config.Config, log *slog.Logger) (*posture.Baseline, string, error) {
	r, err := calibration.Resolve(calibration.Choice{File: cfg.Camera.Calibration, Profile: cfg.Camera.Profile, View: cfg.Camera.View})
	if err != nil {
		return nil, "", err
	}
	if r.Note != "" {
		log.Warn(r.Note)
	}
	return r.Baseline, r.Path, nil
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: lv}))
}

// policyStatePath is where the alert policy's day state survives restarts.
func policyStatePath() (string, error) {
	dir, err := xdg.StateDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "policy.json"), nil
}

func runDaemon(cfg config.Config, f runFlags, stderr io.Writer) error {
	log := newLogger(stderr, cfg.Log.Level)
	// OpenCV's, FFmpeg's and the image libraries' own messages: at debug
	// level, not among the daemon's lines.
	vision.SetLibraryOutput(func(line string) { log.Debug("library output", "line", line) })
	defer vision.SetLibraryOutput(nil)
	lock, err := control.Lock(control.Dir())
	if err != nil {
		return err
	}
	defer lock.Release()

	baseline, calPath, err := loadBaseline(cfg, log)
	if err != nil {
		return err
	}
	cls, err := cfg.NewClassifier(baseline)
	if err != nil {
		return err
	}
	// A few frames every few seconds: OpenCV's worker threads would spin
	// after each one for longer than they save (see vision.SetThreads).
	vision.SetThreads(1)
	pcfg := vision.DefaultPipelineConfig()
	pcfg.AccurateFace = cfg.Camera.AccurateFace
	pcfg.ModelDir = cfg.Camera.ModelsDir
	pipe, err := vision.NewPipeline(pcfg)
	if err != nil {
		return err
	}
	defer pipe.Close()

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	// SIGTERM or SIGINT stops the daemon; the log says when it came and
	// how long the stop took (the README promises under a second).
	var stopAt atomic.Pointer[time.Time]
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(term)
	go func() {
		select {
		case sig := <-term:
			now := time.Now()
			stopAt.Store(&now)
			log.Info("stopping", "signal", sig.String())
			stop()
		case <-ctx.Done():
		}
	}()
	// SIGHUP is caught from here on (before the control socket answers),
	// so that a reload never kills a daemon that is still starting.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	sampler, err := newSampler(cfg, pipe)
	if err != nil {
		return err
	}
	defer sampler.Close() // after the daemon's Run, which only releases the camera

	d, journal, closeNotifier, err := wireDaemon(ctx, cfg, cls, calPath, sampler, log, nil)
	if err != nil {
		return err
	}
	defer closeNotifier()

	ln, err := control.Listen(lock.SocketPath())
	if err != nil {
		return err
	}
	// `neckwatch stop` ends the sampling loop; the socket keeps serving
	// until the loop has saved everything, so the stop is answered.
	runCtx, quit := context.WithCancel(ctx)
	defer quit()
	serveDone := make(chan struct{})
	go func() {
		defer close(serveDone)
		if err := control.Serve(ctx, ln, daemonctl.Handler{D: d, Quit: quit}); err != nil && ctx.Err() == nil {
			log.Error("control socket stopped", "err", err)
		}
	}()

	// SIGHUP reloads the configuration; a bad file keeps the old one.
	go func() {
		running := cfg
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				running = reload(d, f, running, log)
			}
		}
	}()

	if cfg.Desktop.Tray {
		acts := trayActions{ctx: ctx, d: d, quit: stop, log: log}
		var upright func() float64
		if journal != nil {
			acts.openReport = openTodaysReport(journal.Path())
			upright = func() float64 {
				if store := journal.Store(); store != nil {
					return uprightToday(store)
				}
				return -1
			}
		}
		startTray(ctx, acts, upright, log)
	}

	err = d.Run(runCtx)
	stop()
	<-serveDone
	if at := stopAt.Load(); at != nil {
		log.Info("neckwatch stopped", "since_signal", time.Since(*at).Round(time.Millisecond))
	} else {
		log.Info("neckwatch stopped")
	}
	return err
}

// wireDaemon builds the daemon as `run` runs it on sampler: the coach
// session with the day's saved state, the notifier (and do-not-disturb),
// the history with its desk advice, the calibration steps. The resource
// benchmark (BenchmarkDaemonResources) builds its daemon here too, so that
// the published CPU figure covers all that run does, the history's writes
// included. onSample, when set, sees every sample; closeNotifier closes the
// notifier's connection once the daemon has stopped.
func wireDaemon(ctx context.Context, cfg config.Config, cls *posture.Classifier, calPath string, sampler daemon.Sampler, log *slog.Logger, onSample func(daemon.Sample)) (d *daemon.Daemon, journal *history.Journal, closeNotifier func(), err error) {
	now := time.Now()
	session, err := coach.NewSession(cfg.Alerts, coach.SessionOptions{
		BaselineNeckAngleDeg: daemon.BaselineAngle(cls),
		Calibrated:           cls.Baseline != nil,
		CanCalibrate:         true,
		PainPrompt:           cfg.Notifications.PainPrompt,
	}, now)
	if err != nil {
		return nil, nil, nil, err
	}
	statePath, err := policyStatePath()
	if err != nil {
		return nil, nil, nil, err
	}
	restoreSession(session, statePath, now, log)

	var notifier notify.Notifier = notify.Logger{Log: log}
	var dnd func(context.Context) (bool, error)
	desktop := notify.NewDesktop()
	if cfg.Notifications.Enabled {
		notifier = desktop
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		if info, err := desktop.Check(cctx); err != nil {
			log.Warn("no desktop notification service; alerts are logged only until one appears", "err", err)
		} else {
			log.Info("notifications", "server", info.String())
		}
		cancel()
		if cfg.Notifications.RespectDND {
			dnd = desktop.DoNotDisturb
		}
	}

	unwritten, _ := history.DefaultUnwrittenPath() // "" without a state directory: nothing kept
	journal = openJournal(cfg, unwritten, log.Warn)
	var dj daemon.Journal
	var advisor daemon.Advisor
	if journal != nil {
		dj, advisor = daemonJournal{journal}, historyAdvisor{journal}
	}

	d, err = daemon.New(daemon.Options{
		Sampler: sampler, Classifier: cls, Coach: session, Notifier: notifier,
		DoNotDisturb: dnd, Recalibrate: recalibrator(cfg, calPath, log), AddTiredPosture: tiredRecorder(cfg, calPath, log),
		Intervals: daemon.IntervalsFrom(cfg.Sampling), Burst: daemon.BurstFrom(cfg.Sampling),
		SaveState: func(s coach.Snapshot) error { return saveSnapshot(statePath, s) },
		Logger:    log, Source: cfg.Camera.Source, OnSample: onSample,
		Journal: dj, Advisor: advisor,
	})
	if err != nil {
		desktop.Close()
		if journal != nil {
			journal.Close()
		}
		return nil, nil, nil, err
	}
	// Buttons on notifications (the first-run "Calibrate now") where the
	// notification server has them; the text says what to do elsewhere.
	if al, ok := notifier.(notify.ActionListener); ok {
		al.OnAction(d.HandleAction)
	}
	return d, journal, func() { desktop.Close() }, nil
}

// reload applies the configuration file again (SIGHUP) and returns the
// configuration now in effect. The sampling schedule, [alerts] and
// [thresholds] take effect at once; the keys the daemon was started with
// (the camera and how it is opened, notifications, the tray, the history,
// the log level) are named in the log and in status as needing a restart,
// and keep their running values until then, so that nothing is half
// applied.
func reload(d *daemon.Daemon, f runFlags, running config.Config, log *slog.Logger) config.Config {
	cfg, err := f.effectiveConfig()
	if err != nil {
		log.Error("configuration not reloaded; keeping the old one", "err", err)
		d.SetConfigProblem(err.Error())
		return running
	}
	next := cfg
	next.Camera, next.Notifications, next.Desktop, next.History, next.Log = running.Camera, running.Notifications, running.Desktop, running.History, running.Log
	next.Sampling.KeepOpen, next.Sampling.Settle = running.Sampling.KeepOpen, running.Sampling.Settle
	cls, err := next.NewClassifier(d.Classifier().Baseline)
	if err == nil {
		err = d.Reconfigure(daemon.IntervalsFrom(next.Sampling), daemon.BurstFrom(next.Sampling), next.Alerts, cls)
	}
	if err != nil {
		log.Error("configuration not reloaded; keeping the old one", "err", err)
		d.SetConfigProblem(err.Error())
		return running
	}
	d.SetConfigProblem("")
	restart := config.Changed(next, cfg)
	if len(restart) > 0 {
		log.Warn("configuration reloaded; these keys take effect after a restart", "keys", strings.Join(restart, ", "))
	} else {
		log.Info("configuration reloaded")
	}
	d.SetRestartNeeded(restart)
	return next
}

// The camera sampler lets go of the camera when paused: the daemon finds
// that out by a type assertion, so it is checked here.
var _ daemon.Releaser = (*vision.CameraSampler)(nil)

// newSampler picks the sampler for the source: a camera on a duty cycle,
// or a video file played in real time.
func newSampler(cfg config.Config, pipe *vision.Pipeline) (daemon.Sampler, error) {
	spec := cfg.Camera.Source
	if err := checkSource(spec); err != nil {
		return nil, err
	}
	if st, err := os.Stat(spec); err == nil && !st.IsDir() && !isDevice(st) {
		src, err := vision.OpenSource(spec)
		if err != nil {
			return nil, err
		}
		if src.Describe().Kind != vision.SourceVideo {
			src.Close()
			return nil, fmt.Errorf("source %s is a still image: run needs a camera or a video file (use `neckwatch check` for images)", spec)
		}
		return &vision.VideoSampler{Source: src, Detector: pipe, Now: time.Now}, nil
	}
	return &vision.CameraSampler{
		Spec: spec, Open: vision.OpenSource, Settle: cfg.Sampling.Settle, KeepOpen: cfg.Sampling.KeepOpen,
		Detector: pipe,
	}, nil
}

// checkSource refuses, before anything is opened, a source run can never
// use: one vision.ParseSpec refuses, a folder, or a file that does not
// exist.
func checkSource(spec string) error {
	sp, err := vision.ParseSpec(spec)
	if err != nil {
		return err
	}
	st, err := os.Stat(spec)
	switch {
	case err == nil && st.IsDir():
		return fmt.Errorf("source %s is a folder: run needs a camera or a video file (use `neckwatch check` for images)", spec)
	case errors.Is(err, os.ErrNotExist) && !sp.Camera:
		// A missing file is a mistake, not a busy camera: retrying it
		// would wait forever for nothing.
		return fmt.Errorf("source %s: no such file; run needs a camera (an index like 0 or a /dev/videoN device) or an existing video file", spec)
	}
	return nil
}

func isDevice(st os.FileInfo) bool { return st.Mode()&os.ModeDevice != 0 }

// isCamera reports whether spec names a camera (vision.ParseSpec).
func isCamera(spec string) bool {
	sp, err := vision.ParseSpec(spec)
	return err == nil && sp.Camera
}

func restoreSession(pol *coach.Session, path string, now time.Time, log *slog.Logger) {
	data, err := regularfile.Read(path)
	if errors.Is(err, os.ErrNotExist) {
		return
	}
	var snap coach.Snapshot
	if err == nil {
		err = jsonUnmarshal(data, &snap)
	}
	if err == nil {
		err = pol.Restore(snap, now)
	}
	if err != nil {
		log.Warn("ignoring unreadable saved state; starting the day fresh", "path", path, "err", err)
	}
}

func saveSnapshot(path string, s coach.Snapshot) error {
	data, err := jsonMarshal(s)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, data, 0o600, 0o700)
}

// recalibrator builds a baseline from the frames the daemon sampled while
// the user sat upright, stores it where the current one came from, and
// returns the classifier to use from now on.
func recalibrator(cfg config.Config, path string, log *slog.Logger) daemon.Recalibrator {
	return calibrationStep(cfg, path, func(path string, frames []landmark.Frame, cam posture.CameraModel) (posture.Baseline, error) {
		b, backup, err := calibration.Create(path, cfg.Camera.View, frames, cam, calibration.Meta{Source: cfg.Camera.Source, Profile: cfg.Camera.Profile})
		if err != nil {
			return b, fmt.Errorf("recalibrate: %w", err)
		}
		log.Info("calibration saved", "path", path, "frames", b.Frames, "previous_kept_as", backup)
		return b, nil
	})
}

// tiredRecorder adds the frames the daemon sampled while the user sat the
// way they do when tired to the calibration in use (the optional second
// step), and returns the classifier to use from now on.
func tiredRecorder(cfg config.Config, path string, log *slog.Logger) daemon.Recalibrator {
	return calibrationStep(cfg, path, func(path string, frames []landmark.Frame, cam posture.CameraModel) (posture.Baseline, error) {
		b, backup, err := calibration.AddTired(path, frames, cam)
		if err != nil {
			return b, err
		}
		log.Info("tired posture added to the calibration", "path", path, "frames", b.Tired.Frames, "previous_kept_as", backup)
		return b, nil
	})
}

// calibrationStep is the shared part of the daemon's calibration steps:
// the sampled frames, the file (the profile's when none was named), and
// the classifier built from what step stored there.
func calibrationStep(cfg config.Config, path string, step func(path string, frames []landmark.Frame, cam posture.CameraModel) (posture.Baseline, error)) daemon.Recalibrator {
	return func(samples []daemon.Sample) (*posture.Classifier, error) {
		cls, err := cfg.NewClassifier(nil)
		if err != nil {
			return nil, err
		}
		var frames []landmark.Frame
		for _, s := range samples {
			frames = append(frames, s.Frames...)
		}
		p := path
		if p == "" {
			if p, err = calibration.ProfilePath(cfg.Camera.Profile); err != nil {
				return nil, err
			}
		}
		b, err := step(p, frames, cls.Camera)
		if err != nil {
			return nil, err
		}
		return cfg.NewClassifier(&b)
	}
}
