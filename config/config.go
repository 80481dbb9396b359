// Package config is neckwatch's one configuration file, read the same way
// by every command: TOML at <config dir>/config.toml
// (~/.config/neckwatch/config.toml on Linux), every key optional, a missing
// file at the default path meaning all defaults. It may import posture,
// coach and calibration for their types and checks, and never vision,
// daemon or cmd: reading the configuration needs no camera and no OpenCV
// (internal/layers checks it).
//
// Each key is declared once, by its field's struct tags in Config (see
// there): name, default, allowed range and doc. Decoding, validation, the
// commented file `neckwatch config` prints (Config.TOML) and the list of
// keys needing a restart (Changed) are all read off those tags.
//
// Durations are Go duration strings in quotes ("45s", "5m", "1h30m").
// Mistakes are reported with the key as written in the file: unknown keys
// (with the closest known key suggested), values of the wrong type and
// syntax errors with their line, values out of range with the allowed range
// and their line.
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
	"github.com/neckwatch/neckwatch/internal/regularfile"
	"github.com/neckwatch/neckwatch/posture"
)

// FileName is the configuration file's name inside calibration.ConfigDir.
const FileName = "config.toml"

// Config is the configuration. Start from Default (or Load) and change what
// you need; Validate says whether the result is usable.
//
// Each field is a [table] of the file, and each field of a table one key,
// declared by its tags:
//
//	toml      the key's name
//	default   its default as written in the file, unquoted ("8s", "3",
//	          "auto"); none means the zero value, and for [alerts]
//	          coach.DefaultConfig, the policy's own defaults
//	min, max  the allowed range, both or neither, inclusive: a value ("5s",
//	          "0.2") or another key of the table ("interval_changing");
//	          "<" or ">" in front makes a bound exclusive
//	enum      the allowed values of a string, comma-separated
//	accept    "integer": a string key that also takes a bare number (source = 0)
//	doc       the line that explains it in `neckwatch config`
//
// Rules that are not a range (a profile name, a time of day) are in
// validate; the alert policy's own invariants (blip_tolerance below onset)
// are coach.Config.Validate's and reported here in the file's terms.
type Config struct {
	Camera   CameraConfig   `toml:"camera" doc:"What to watch and what to judge it against."`
	Sampling SamplingConfig `toml:"sampling" doc:"When the camera is read. By default it is opened for a short burst and closed\nagain, so its light is off most of the time."`
	// Alerts is the [alerts] table; its keys are declared by alertsTable.
	Alerts coach.Config `toml:"alerts" doc:"When to remind you of your posture and suggest breaks."`
	// Thresholds are classifier overrides by their posture
	// Classifier.Settings name (forward_start_cm = 3.0); nil or empty means
	// the classifier's defaults. The classifier checks them.
	Thresholds    map[string]float64  `toml:"thresholds" doc:"Posture classifier overrides, by the names 'neckwatch check --set' takes.\nUncomment a line to change it."`
	Notifications NotificationsConfig `toml:"notifications" doc:"Desktop notifications."`
	Desktop       DesktopConfig       `toml:"desktop" doc:"Desktop integration."`
	History       HistoryConfig       `toml:"history" doc:"The posture journal: numbers only, never an image."`
	Log           LogConfig           `toml:"log" doc:"Logging."`
}

// CameraConfig is the [camera] table. Load expands a leading "~/" in
// Calibration and ModelsDir. A Calibration cannot be combined with a
// Profile other than the default, which is used only if it is calibrated
// for View.
type CameraConfig struct {
	Source       string       `toml:"source" default:"0" accept:"integer" doc:"camera index (0), device (/dev/video2) or video file to watch"`
	View         posture.View `toml:"view" default:"auto" enum:"auto,front,side" doc:"camera placement: auto (read off the picture), or force front (webcam facing you) or side (camera beside you)"`
	Profile      string       `toml:"profile" default:"default" doc:"calibration profile to judge against; \"default\" is used only once calibrated"`
	Calibration  string       `toml:"calibration" doc:"calibration file to judge against instead of a profile (empty: use the profile; a relative path is from this file's folder)"`
	AccurateFace bool         `toml:"accurate_face" doc:"use the slower, more accurate face model (yunet_n)"`
	ModelsDir    string       `toml:"models_dir" doc:"directory with the model files when they are not embedded (empty: embedded; a relative path is from this file's folder)"`
}

// SamplingConfig is the [sampling] table. A sustained posture change must
// show within 10 s, so even a steady posture is looked at every 8 s; each
// look holds the camera for under a second (settle + burst), which keeps it
// open about a tenth of the time and the CPU under 1% of one core (see
// `make bench-daemon`). A change of the shoulders alone, the face unmoved,
// after a clearly upright look may take two looks more: those follow the
// face and reuse the body network's last answer (vision.TrackGap). A busy
// camera is retried after BusyBackoff, doubling up to BusyBackoffMax.
type SamplingConfig struct {
	KeepOpen         bool          `toml:"keep_open" doc:"keep the camera open (light on) and analyse keep_open_fps frames a second"`
	IntervalStable   time.Duration `toml:"interval_stable" default:"8s" min:"interval_changing" max:"30m" doc:"time between bursts while your posture is steady"`
	IntervalChanging time.Duration `toml:"interval_changing" default:"6s" min:"1s" max:"10m" doc:"time between bursts while your posture is changing or bad"`
	IntervalAway     time.Duration `toml:"interval_away" default:"10s" min:"1s" max:"1h" doc:"time between bursts while nobody is in front of the camera"`
	BurstFrames      int           `toml:"burst_frames" default:"3" min:"1" max:"30" doc:"frames analysed per burst at most: a clearly upright first frame ends the burst"`
	Settle           time.Duration `toml:"settle" default:"700ms" min:"0" max:"5s" doc:"time for the camera's auto exposure after opening, before frames count"`
	KeepOpenFPS      float64       `toml:"keep_open_fps" default:"2" min:"0.2" max:"30" doc:"frames analysed per second with keep_open"`
	BusyBackoff      time.Duration `toml:"busy_backoff" default:"10s" min:"1s" max:"10m" doc:"first wait before retrying a camera another program holds; doubles each time"`
	BusyBackoffMax   time.Duration `toml:"busy_backoff_max" default:"5m" min:"busy_backoff" max:"1h" doc:"longest wait between retries of a busy camera"`
}

// alertsTable declares the [alerts] keys: it has coach.Config's fields in
// its order, so Config.Alerts is read and written through it (a field
// added to coach.Config stops this package compiling until it is declared
// here). The defaults are coach.DefaultConfig's.
type alertsTable struct {
	Onset              time.Duration `toml:"onset" min:"5s" max:"30m" doc:"bad posture must add up to this long before it counts"`
	BlipTolerance      time.Duration `toml:"blip_tolerance" min:"0" max:"2m" doc:"sitting up this briefly inside a bad stretch keeps the onset timer going; less than onset (not set: a fifth of onset when the default would not be)"`
	Recovery           time.Duration `toml:"recovery" min:"1s" max:"10m" doc:"upright time needed to count as recovered"`
	MaxSampleGap       time.Duration `toml:"max_sample_gap" min:"5s" max:"10m" doc:"how long one sample's verdict is assumed to hold"`
	StaleAfter         time.Duration `toml:"stale_after" min:"max_sample_gap" max:"24h" doc:"a gap without samples this long (suspend, camera in use) restarts the timers"`
	Cooldown           time.Duration `toml:"cooldown" min:"30s" max:"24h" doc:"minimum time between two posture reminders"`
	CooldownGrowth     float64       `toml:"cooldown_growth" min:"1" max:"10" doc:"the cooldown is multiplied by this after each ignored reminder; 1: fixed"`
	MaxCooldown        time.Duration `toml:"max_cooldown" min:"cooldown" max:"24h" doc:"cap on the grown cooldown"`
	CorrectionWindow   time.Duration `toml:"correction_window" min:"0" max:"30m" doc:"sitting up within this long after a reminder counts as a response; 0: never"`
	Acknowledge        bool          `toml:"acknowledge" doc:"say \"nice, that's better\" when you sit up after a reminder"`
	AckMinInterval     time.Duration `toml:"ack_min_interval" min:"0" max:"24h" doc:"minimum time between two acknowledgements; 0: no limit"`
	LoadBudget         time.Duration `toml:"load_budget" min:"1m" max:"12h" doc:"break budget: severity-weighted forward-head time before a break is suggested"`
	PreBreakNotice     time.Duration `toml:"pre_break_notice" doc:"heads-up this long before a break suggestion (0: none; less than load_budget)"`
	MaxBreaksPerDay    int           `toml:"max_breaks_per_day" min:"0" max:"48" doc:"most break suggestions per day; 0: never suggest breaks"`
	BreakLength        time.Duration `toml:"break_length" min:"1m" max:"1h" doc:"suggested break length"`
	BreakTakenFraction float64       `toml:"break_taken_fraction" doc:"fraction of break_length you must be away for a break to count as taken (above 0, at most 1)"`
	BreakWindow        time.Duration `toml:"break_window" min:"break_length" max:"4h" doc:"how long after a suggestion the break may still be taken"`
	AwayDrainAfter     time.Duration `toml:"away_drain_after" min:"30s" max:"4h" doc:"being away this long is a natural break and starts draining the budget"`
	AwayFullDrain      time.Duration `toml:"away_full_drain" min:"away_drain_after" max:"24h" doc:"being away this long drains the budget completely"`
	QuietStart         string        `toml:"quiet_start" doc:"start of daily quiet hours without notifications, \"HH:MM\" like \"22:00\" (empty: none)"`
	QuietEnd           string        `toml:"quiet_end" doc:"end of the quiet hours, \"HH:MM\" like \"07:00\""`
}

// NotificationsConfig is the [notifications] table. PainPrompt is opt-in.
type NotificationsConfig struct {
	Enabled    bool   `toml:"enabled" default:"true" doc:"show desktop notifications (false: only log and record events)"`
	RespectDND bool   `toml:"respect_dnd" default:"true" doc:"hold notifications while the desktop's do-not-disturb mode is on"`
	PainPrompt string `toml:"pain_prompt" doc:"daily time for a pain-score prompt, \"HH:MM\" like \"17:30\" (empty: off)"`
}

// DesktopConfig is the [desktop] table.
type DesktopConfig struct {
	Tray bool `toml:"tray" doc:"show the system-tray icon (without a tray host: logged once, runs headless)"`
}

// HistoryConfig is the [history] table. Load expands a leading "~/" in Path.
type HistoryConfig struct {
	Enabled bool   `toml:"enabled" default:"true" doc:"keep the posture journal (per-minute numbers and events)"`
	Path    string `toml:"path" doc:"SQLite file of the journal (empty: ~/.local/share/neckwatch/history.db; a relative path is from this file's folder)"`
}

// LogConfig is the [log] table.
type LogConfig struct {
	Level string `toml:"level" default:"info" enum:"debug,info,warn,error" doc:"log verbosity: debug, info, warn or error"`
}

// Default returns the configuration used when there is no file: every
// key's declared default.
func Default() Config { return defaults }

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
// between 5s and 30m (line 3)" or "...config.toml: unknown key
// alerts.onsett (did you mean alerts.onset?)". Several problems are joined
// into one error, one per line.
func Load(path string) (Config, error) {
	c, _, err := LoadKeys(path)
	return c, err
}

// LoadKeys is Load that also returns the keys the file sets, as
// "table.key" in Config's order: a command whose flag has no default of
// its own (check --source) takes the file's value only when it is set.
func LoadKeys(path string) (Config, []string, error) {
	def, defErr := Path()
	isDefault := path == "" || (defErr == nil && filepath.Clean(path) == def)
	if path == "" {
		if defErr != nil {
			return Config{}, nil, defErr
		}
		path = def
	}
	data, err := regularfile.Read(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if isDefault {
				return Default(), nil, nil
			}
			return Config{}, nil, fmt.Errorf("config file %s: %w", path, fs.ErrNotExist)
		}
		return Config{}, nil, fmt.Errorf("configuration: %w", err)
	}
	c, f, err := decode(string(data), path)
	if err != nil {
		return Config{}, nil, err
	}
	// The file's paths mean the same from any working directory: "~/" is
	// the home folder, a relative path is taken from the file's folder.
	for _, p := range []*string{&c.Camera.Calibration, &c.Camera.ModelsDir, &c.History.Path} {
		*p = resolvePath(*p, path)
	}
	c.FitDerived(f.set)
	if err := c.validate(path, f.line); err != nil {
		return Config{}, nil, err
	}
	return c, f.set, nil
}

// resolvePath expands a leading "~/" in p and makes a relative p relative
// to the folder of the configuration file it was read from.
func resolvePath(p, configFile string) string {
	p = expandHome(p)
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	dir, err := filepath.Abs(filepath.Dir(configFile))
	if err != nil {
		return p
	}
	return filepath.Join(dir, p)
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
	if ps := c.applyThresholds(&work); len(ps) > 0 {
		return joinProblems(ps, FileName, nil, nil)
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
