// Package config is the daemon's one configuration file: TOML at
// <config dir>/config.toml (~/.config/neckwatch/config.toml on Linux),
// loaded and validated at start. Every key is optional: a missing key keeps
// its default, and a missing file at the default path means all defaults.
//
// Durations are Go duration strings in quotes ("45s", "5m", "1h30m").
// Mistakes are reported with the key as written in the file: unknown keys
// (with the closest known key suggested), values of the wrong type, values
// out of range, and syntax errors with their line number.
//
// `neckwatch config` prints Config.TOML: the effective configuration with
// every key and a comment on each, which loads back unchanged.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/neckwatch/neckwatch/calibration"
	"github.com/neckwatch/neckwatch/coach"
	"github.com/neckwatch/neckwatch/posture"
)

// FileName is the configuration file's name inside calibration.ConfigDir.
const FileName = "config.toml"

// Config is the daemon's configuration. Start from Default (or Load) and
// change what you need; Validate says whether the result is usable.
type Config struct {
	Camera   CameraConfig   // [camera]
	Sampling SamplingConfig // [sampling]
	// Alerts is the [alerts] table: every field of coach.Config under its
	// snake_case name (Onset is onset, LoadBudget is load_budget, ...).
	Alerts coach.Config
	// Thresholds is the [thresholds] table: classifier overrides by their
	// posture Classifier.Settings name (forward_start_cm = 3.0). Nil or
	// empty means the classifier's defaults.
	Thresholds    map[string]float64
	Notifications NotificationsConfig // [notifications]
	Desktop       DesktopConfig       // [desktop]
	History       HistoryConfig       // [history]
	Log           LogConfig           // [log]
}

// CameraConfig is the [camera] table: what to watch and how to judge it.
type CameraConfig struct {
	// Source is a camera index ("0"), a device ("/dev/video2") or a video
	// file. Key source, default "0".
	Source string
	// View is the camera placement: posture.Auto (read off the picture),
	// or forced posture.Front or posture.Side. Key view, default "auto".
	View posture.View
	// Profile is the calibration profile to judge against. The default
	// profile ("default") is used only if it is calibrated for View; any
	// other name must be calibrated. Key profile.
	Profile string
	// Calibration is a calibration file to judge against instead of a
	// profile; it cannot be combined with a profile other than the
	// default. A leading "~/" is expanded by Load. Key calibration, default
	// empty (use the profile).
	Calibration string
	// AccurateFace selects the slower, more accurate face model. Key
	// accurate_face, default false.
	AccurateFace bool
	// ModelsDir holds the model files when they are not embedded in the
	// binary. A leading "~/" is expanded by Load. Key models_dir, default
	// empty (embedded models).
	ModelsDir string
}

// SamplingConfig is the [sampling] table: when the camera is read. By
// default it is opened for a short burst of frames and closed again, so its
// light is off most of the time.
type SamplingConfig struct {
	// KeepOpen keeps the camera open between samples and analyses
	// KeepOpenFPS frames a second instead of bursts. Key keep_open.
	KeepOpen bool
	// IntervalStable is the time between bursts while the posture is
	// steady. Key interval_stable, range interval_changing..30m.
	IntervalStable time.Duration
	// IntervalChanging is the time between bursts while the posture is
	// changing or bad. Key interval_changing, range 1s..10m.
	IntervalChanging time.Duration
	// IntervalAway is the time between bursts while nobody is in front of
	// the camera. Key interval_away, range 1s..1h.
	IntervalAway time.Duration
	// BurstFrames is the number of frames analysed per burst. Key
	// burst_frames, range 1..30.
	BurstFrames int
	// Settle is the time given to the camera's auto exposure after opening
	// it, before frames are used. Key settle, range 0..5s.
	Settle time.Duration
	// KeepOpenFPS is the analysis rate with KeepOpen. Key keep_open_fps,
	// range 0.2..30.
	KeepOpenFPS float64
	// BusyBackoff is the first wait before retrying a camera that another
	// program holds; it doubles on each failure up to BusyBackoffMax. Keys
	// busy_backoff (1s..10m) and busy_backoff_max (busy_backoff..1h).
	BusyBackoff, BusyBackoffMax time.Duration
}

// NotificationsConfig is the [notifications] table.
type NotificationsConfig struct {
	// Enabled shows desktop notifications; false only logs and records
	// events. Key enabled, default true.
	Enabled bool
	// RespectDND holds notifications while the desktop's do-not-disturb
	// mode is on. Key respect_dnd, default true.
	RespectDND bool
	// PainPrompt is a daily local time ("HH:MM") at which a notification
	// asks for a pain score for the journal; empty (the default) is off:
	// the prompt is opt-in. Key pain_prompt.
	PainPrompt string
}

// DesktopConfig is the [desktop] table.
type DesktopConfig struct {
	// Tray shows the system-tray icon (as `run --tray`); without a tray
	// host the daemon logs that once and runs headless. Key tray, default
	// false.
	Tray bool
}

// HistoryConfig is the [history] table.
type HistoryConfig struct {
	// Enabled keeps the posture journal (numbers only, never images). Key
	// enabled, default true.
	Enabled bool
	// Path is the SQLite database; empty means the user's data directory
	// (~/.local/share/neckwatch/history.db). Key path.
	Path string
}

// LogConfig is the [log] table.
type LogConfig struct {
	// Level is debug, info, warn or error. Key level, default "info".
	Level string
}

// Sampling defaults. A sustained posture change must show within 10 s, so
// even a stable posture is looked at every 8 s; each look holds the camera
// for under a second (settle + burst), which keeps it open for about a
// tenth of the time and the CPU near half a percent of one core (see
// `make bench-daemon`).
const (
	DefaultIntervalStable   = 8 * time.Second
	DefaultIntervalChanging = 6 * time.Second
	DefaultIntervalAway     = 10 * time.Second
	DefaultBurstFrames      = 3
	DefaultSettle           = 700 * time.Millisecond
	DefaultKeepOpenFPS      = 2.0
	DefaultBusyBackoff      = 10 * time.Second
	DefaultBusyBackoffMax   = 5 * time.Minute
)

// Default returns the configuration used when there is no file: camera 0
// facing the user, the default profile, duty-cycled sampling, the alerts
// package's defaults, the classifier's thresholds, notifications on.
func Default() Config {
	return Config{
		Camera: CameraConfig{
			Source:  "0",
			View:    posture.Auto,
			Profile: calibration.DefaultProfile,
		},
		Sampling: SamplingConfig{
			IntervalStable:   DefaultIntervalStable,
			IntervalChanging: DefaultIntervalChanging,
			IntervalAway:     DefaultIntervalAway,
			BurstFrames:      DefaultBurstFrames,
			Settle:           DefaultSettle,
			KeepOpenFPS:      DefaultKeepOpenFPS,
			BusyBackoff:      DefaultBusyBackoff,
			BusyBackoffMax:   DefaultBusyBackoffMax,
		},
		Alerts:        coach.DefaultConfig(),
		Notifications: NotificationsConfig{Enabled: true, RespectDND: true},
		History:       HistoryConfig{Enabled: true},
		Log:           LogConfig{Level: "info"},
	}
}

// Path returns the default configuration file,
// <calibration.ConfigDir()>/config.toml.
func Path() (string, error) {
	dir, err := calibration.ConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, FileName), nil
}

// Load reads, decodes and validates the configuration file at path ("" is
// the default path, see Path). A missing file at the default path gives
// Default(); a missing file named explicitly is an error. Keys absent from
// the file keep their defaults.
//
// Errors name the file and the key as written in it, for example
// "/home/me/.config/neckwatch/config.toml: alerts.onset = 1s: must be
// between 5s and 30m" or "...config.toml: unknown key alerts.onsett (did
// you mean alerts.onset?)". Several problems are joined into one error,
// one per line.
func Load(path string) (Config, error) {
	def, defErr := Path()
	isDefault := path == "" || (defErr == nil && filepath.Clean(path) == def)
	if path == "" {
		if defErr != nil {
			return Config{}, defErr
		}
		path = def
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if isDefault {
				return Default(), nil
			}
			return Config{}, fmt.Errorf("config file %s: %w", path, fs.ErrNotExist)
		}
		return Config{}, fmt.Errorf("read config: %w", err)
	}
	c, err := decode(data, path)
	if err != nil {
		return Config{}, err
	}
	c.Camera.Calibration = expandHome(c.Camera.Calibration)
	c.Camera.ModelsDir = expandHome(c.Camera.ModelsDir)
	c.History.Path = expandHome(c.History.Path)
	if err := c.validate(path); err != nil {
		return Config{}, err
	}
	return c, nil
}

// expandHome replaces a leading "~/" with the user's home directory.
func expandHome(p string) string {
	rest, ok := strings.CutPrefix(p, "~/")
	if !ok {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return p
	}
	return filepath.Join(home, rest)
}

// Example returns the commented default configuration file: Default().TOML().
func Example() string { return Default().TOML() }

// NewClassifier returns a classifier for the configured view with the
// [thresholds] overrides applied. baseline may be nil.
func (c Config) NewClassifier(baseline *posture.Baseline) (*posture.Classifier, error) {
	cl := posture.NewClassifier(c.Camera.View, baseline)
	if err := c.ApplyThresholds(cl); err != nil {
		return nil, err
	}
	return cl, nil
}

// ApplyThresholds applies the [thresholds] overrides to cl. On error cl is
// left unchanged.
func (c Config) ApplyThresholds(cl *posture.Classifier) error {
	work := *cl
	if errs := c.applyThresholds(&work, FileName); len(errs) > 0 {
		return errors.Join(errs...)
	}
	*cl = work
	return nil
}

// SlogLevel returns Level as a slog.Level (info for anything unknown;
// Validate rejects those).
func (l LogConfig) SlogLevel() slog.Level {
	switch l.Level {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}
