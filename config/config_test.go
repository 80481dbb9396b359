package config_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/neckwatch/neckwatch/coach"
	"github.com/neckwatch/neckwatch/config"
	"github.com/neckwatch/neckwatch/posture"
)

// isolate points the config directory at an empty temporary one.
func isolate(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv("HOME", dir) // os.UserConfigDir on macOS
	return dir
}

// write stores a config file in a temporary directory and returns its path.
func write(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaultValidates(t *testing.T) {
	if err := config.Default().Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v", err)
	}
	if got, want := config.Example(), config.Default().TOML(); got != want {
		t.Error("Example() differs from Default().TOML()")
	}
}

// modified returns a valid configuration with every key off its default.
func modified() config.Config {
	c := config.Default()
	c.Camera = config.CameraConfig{Source: "/dev/video2", View: posture.Side, Profile: "default",
		Calibration: `/data/odd "name"\baseline.json`, AccurateFace: true, ModelsDir: "/opt/models"}
	c.Sampling = config.SamplingConfig{KeepOpen: true, IntervalStable: 90 * time.Second,
		IntervalChanging: 1500 * time.Millisecond, IntervalAway: 2 * time.Minute, BurstFrames: 7,
		Settle: 0, KeepOpenFPS: 0.5, BusyBackoff: 3 * time.Second, BusyBackoffMax: 90 * time.Minute / 2}
	c.Alerts = coach.Config{
		Onset: 40 * time.Second, BlipTolerance: 3 * time.Second, Recovery: 20 * time.Second,
		MaxSampleGap: 50 * time.Second, StaleAfter: 10 * time.Minute, Cooldown: 4 * time.Minute,
		CooldownGrowth: 1.5, MaxCooldown: time.Hour + 30*time.Minute, CorrectionWindow: 2 * time.Minute,
		Acknowledge: false, AckMinInterval: 0, LoadBudget: 25 * time.Minute, PreBreakNotice: 2 * time.Minute,
		MaxBreaksPerDay: 2, BreakLength: 8 * time.Minute, BreakTakenFraction: 0.75,
		BreakWindow: 20 * time.Minute, AwayDrainAfter: 4 * time.Minute, AwayFullDrain: 25 * time.Minute,
		QuietStart: "22:30", QuietEnd: "07:00",
	}
	c.Thresholds = map[string]float64{"forward_start_cm": 3, "forward_severe_cm": 9.5, "camera_hfov_deg": 78}
	c.Notifications = config.NotificationsConfig{Enabled: false, RespectDND: false}
	c.Log.Level = "debug"
	return c
}

func TestRoundTrip(t *testing.T) {
	for name, c := range map[string]config.Config{"default": config.Default(), "modified": modified()} {
		t.Run(name, func(t *testing.T) {
			if err := c.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			text := c.TOML()
			got, err := config.Load(write(t, text))
			if err != nil {
				t.Fatalf("Load(TOML()): %v\n%s", err, text)
			}
			if !reflect.DeepEqual(got, c) {
				t.Errorf("round trip changed the config:\n got %+v\nwant %+v", got, c)
			}
			if again := got.TOML(); again != text {
				t.Errorf("TOML() not stable:\n%s\nvs\n%s", again, text)
			}
		})
	}
}

// TestEveryKeyDocumented checks that TOML writes every key, each after a
// comment line giving its default, and every coach.Config field under its
// snake_case name.
func TestEveryKeyDocumented(t *testing.T) {
	text := config.Example()
	lines := strings.Split(text, "\n")
	keyLine := regexp.MustCompile(`^(?:# )?([a-z_0-9]+) = `)
	keys := 0
	for i, l := range lines {
		if !keyLine.MatchString(l) {
			continue
		}
		keys++
		if i == 0 || !strings.HasPrefix(lines[i-1], "# ") || !strings.Contains(lines[i-1], "(default ") {
			t.Errorf("key line %q has no comment with its default above it", l)
		}
	}
	if keys < 60 {
		t.Errorf("only %d keys written", keys)
	}

	snake := regexp.MustCompile(`([a-z0-9])([A-Z])`)
	typ := reflect.TypeOf(coach.Config{})
	for i := 0; i < typ.NumField(); i++ {
		key := strings.ToLower(snake.ReplaceAllString(typ.Field(i).Name, "${1}_${2}"))
		if !strings.Contains(text, "\n"+key+" = ") {
			t.Errorf("coach.Config.%s: no key %s in the example", typ.Field(i).Name, key)
		}
	}
}

func TestLoadMissing(t *testing.T) {
	dir := isolate(t)
	def, err := config.Path()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "neckwatch", "config.toml"); def != want {
		t.Errorf("Path() = %q, want %q", def, want)
	}
	// The camera placement is read off the picture unless forced.
	if v := config.Default().Camera.View; v != posture.Auto {
		t.Errorf("default camera.view = %q, want %q", v, posture.Auto)
	}
	for _, path := range []string{"", def} {
		c, err := config.Load(path)
		if err != nil || !reflect.DeepEqual(c, config.Default()) {
			t.Errorf("Load(%q) without a file = %+v, %v; want defaults", path, c, err)
		}
	}

	explicit := filepath.Join(dir, "mine.toml")
	_, err = config.Load(explicit)
	if err == nil || !strings.Contains(err.Error(), explicit) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load(%q) = %v; want a not-exist error naming the file", explicit, err)
	}
}

func TestLoadDefaultPath(t *testing.T) {
	dir := isolate(t)
	if err := os.MkdirAll(filepath.Join(dir, "neckwatch"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "neckwatch", "config.toml"), []byte("[log]\nlevel = \"warn\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load("")
	if err != nil || c.Log.Level != "warn" {
		t.Errorf("Load(\"\") = %q, %v; want the file at the default path", c.Log.Level, err)
	}
}

func TestLoadOverrides(t *testing.T) {
	home := isolate(t)
	var cfgDir string // the folder of the file being loaded
	tests := []struct {
		name, file string
		want       func(c *config.Config)
	}{
		{"empty file", "", func(c *config.Config) {}},
		{"comments only", "# nothing\n[alerts]\n# onset = \"1m\"\n", func(c *config.Config) {}},
		{"onset", "[alerts]\nonset = \"45s\"\n", func(c *config.Config) { c.Alerts.Onset = 45 * time.Second }},
		{"compound duration", "[alerts]\nload_budget = \"1h30m\"\n", func(c *config.Config) { c.Alerts.LoadBudget = 90 * time.Minute }},
		{"quiet hours", "[alerts]\nquiet_start = \"22:00\"\nquiet_end = \"07:00\"\n", func(c *config.Config) {
			c.Alerts.QuietStart, c.Alerts.QuietEnd = "22:00", "07:00"
		}},
		{"float from integer", "[alerts]\ncooldown_growth = 3\n", func(c *config.Config) { c.Alerts.CooldownGrowth = 3 }},
		{"bool", "[alerts]\nacknowledge = false\n", func(c *config.Config) { c.Alerts.Acknowledge = false }},
		{"int", "[alerts]\nmax_breaks_per_day = 0\n", func(c *config.Config) { c.Alerts.MaxBreaksPerDay = 0 }},
		{"source as integer", "[camera]\nsource = 1\n", func(c *config.Config) { c.Camera.Source = "1" }},
		{"view", "[camera]\nview = \"side\"\n", func(c *config.Config) { c.Camera.View = posture.Side }},
		{"view forced front", "[camera]\nview = \"front\"\n", func(c *config.Config) { c.Camera.View = posture.Front }},
		{"view auto", "[camera]\nview = \"auto\"\n", func(c *config.Config) { c.Camera.View = posture.Auto }},
		{"profile", "[camera]\nprofile = \"desk\"\n", func(c *config.Config) { c.Camera.Profile = "desk" }},
		{"calibration with home", "[camera]\ncalibration = \"~/cal.json\"\n", func(c *config.Config) {
			c.Camera.Calibration = filepath.Join(home, "cal.json")
		}},
		{"inline table", "camera = { accurate_face = true }\n", func(c *config.Config) { c.Camera.AccurateFace = true }},
		// Relative paths are from the config file's folder, never from the
		// working directory of whoever started neckwatch.
		{"relative history path", "[history]\npath = \"data/history.db\"\n", func(c *config.Config) {
			c.History.Path = filepath.Join(cfgDir, "data", "history.db")
		}},
		{"relative calibration and models", "[camera]\ncalibration = \"../cal.json\"\nmodels_dir = \"models\"\n", func(c *config.Config) {
			c.Camera.Calibration = filepath.Join(filepath.Dir(cfgDir), "cal.json")
			c.Camera.ModelsDir = filepath.Join(cfgDir, "models")
		}},
		{"absolute history path", "[history]\npath = \"/var/tmp/h.db\"\n", func(c *config.Config) { c.History.Path = "/var/tmp/h.db" }},
		{"dotted key", "sampling.keep_open = true\n", func(c *config.Config) { c.Sampling.KeepOpen = true }},
		{"sampling", "[sampling]\nsettle = \"0\"\nkeep_open_fps = 0.5\n", func(c *config.Config) {
			c.Sampling.Settle, c.Sampling.KeepOpenFPS = 0, 0.5
		}},
		{"threshold", "[thresholds]\nforward_start_cm = 3.0\n", func(c *config.Config) {
			c.Thresholds = map[string]float64{"forward_start_cm": 3}
		}},
		{"notifications", "[notifications]\nrespect_dnd = false\n", func(c *config.Config) { c.Notifications.RespectDND = false }},
		{"log", "[log]\nlevel = \"error\"\n", func(c *config.Config) { c.Log.Level = "error" }},
		// A key not set whose default no longer fits a key set follows
		// it (config.FitDerived), rather than being reported.
		{"onset at the documented minimum", "[alerts]\nonset = \"5s\"\n", func(c *config.Config) {
			c.Alerts.Onset, c.Alerts.BlipTolerance = 5*time.Second, time.Second
		}},
		{"changing interval above the stable default", "[sampling]\ninterval_changing = \"20s\"\n", func(c *config.Config) {
			c.Sampling.IntervalChanging, c.Sampling.IntervalStable = 20*time.Second, 20*time.Second
		}},
		{"cooldown above the max default", "[alerts]\ncooldown = \"1h\"\n", func(c *config.Config) {
			c.Alerts.Cooldown, c.Alerts.MaxCooldown = time.Hour, time.Hour
		}},
		{"short load budget", "[alerts]\nload_budget = \"1m\"\n", func(c *config.Config) {
			c.Alerts.LoadBudget, c.Alerts.PreBreakNotice = time.Minute, 12*time.Second
		}},
		{"max sample gap above the stale default", "[alerts]\nmax_sample_gap = \"10m\"\n", func(c *config.Config) {
			c.Alerts.MaxSampleGap, c.Alerts.StaleAfter = 10*time.Minute, 10*time.Minute
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := write(t, tt.file)
			cfgDir = filepath.Dir(p)
			got, err := config.Load(p)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			want := config.Default()
			tt.want(&want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, file string
		want       []string // substrings of the error, after the file's path
	}{
		{"typo", "[alerts]\nonsett = \"50s\"\n",
			[]string{"config.toml: unknown key alerts.onsett (did you mean alerts.onset?)"}},
		{"swapped letters", "[alerts]\ncooldwon = \"5m\"\n", []string{"unknown key alerts.cooldwon (did you mean alerts.cooldown?)"}},
		{"wrong table", "[camera]\nonset = \"50s\"\n", []string{"unknown key camera.onset (did you mean alerts.onset?)"}},
		{"outside any table", "source = \"0\"\n", []string{"unknown key source (did you mean camera.source?)"}},
		{"unknown table", "[alert]\nonset = \"50s\"\n", []string{"unknown table [alert] (did you mean [alerts]?)"}},
		{"wrong case", "[alerts]\nOnset = \"50s\"\n", []string{"unknown key alerts.Onset (did you mean alerts.onset?)"}},
		{"nothing close", "[alerts]\nfrobnicate = 1\n", []string{"unknown key alerts.frobnicate"}},
		{"several unknown", "[camera]\nsorce = \"0\"\n[log]\nlevl = \"info\"\n", []string{
			"unknown key camera.sorce (did you mean camera.source?)", "unknown key log.levl (did you mean log.level?)"}},
		{"unknown threshold", "[thresholds]\nforward_strat_cm = 3\n",
			[]string{"unknown key thresholds.forward_strat_cm (did you mean thresholds.forward_start_cm?)"}},

		{"duration as integer", "[alerts]\nonset = 50\n", []string{`line 2: alerts.onset = 50: must be a duration in quotes, like "50s" or "50m"`}},
		{"bool as string", "[notifications]\nenabled = \"yes\"\n", []string{`line 2: notifications.enabled = "yes": must be true or false`}},
		{"int as float", "[sampling]\nburst_frames = 2.5\n", []string{"line 2: sampling.burst_frames = 2.5: must be a whole number"}},
		{"float as string", "[alerts]\ncooldown_growth = \"2\"\n", []string{`alerts.cooldown_growth = "2": must be a number`}},
		{"string as bool", "[camera]\nview = true\n", []string{"camera.view = true: must be a string in quotes"}},
		{"threshold as string", "[thresholds]\ndrop_start = \"0.2\"\n", []string{`thresholds.drop_start = "0.2": must be a number`}},
		{"table not a table", "alerts = 5\n", []string{"alerts must be a table"}},
		{"key as table", "[alerts.onset]\nx = 1\n", []string{"alerts.onset = (a table): must be a duration"}},

		{"bad duration", "[alerts]\ncooldown = \"5 min\"\n",
			[]string{`line 2: alerts.cooldown = "5 min": not a duration: write it like "45s", "5m" or "1h30m"`}},
		{"duration without unit", "[sampling]\nsettle = \"700\"\n",
			[]string{`sampling.settle = "700": a duration needs a unit: write it like "700s" or "700m"`}},

		{"syntax", "[camera]\nsource = \"0\"\n\nview = \"side\n", []string{"config.toml: line 4: syntax error:"}},
		{"syntax duplicate", "[log]\nlevel = \"info\"\nlevel = \"debug\"\n", []string{"line 3: syntax error:"}},
		{"unquoted duration", "[alerts]\n\nonset = 50s\n",
			[]string{"line 3: syntax error:", `(durations are written in quotes: onset = "50s")`}},
		{"unquoted quiet_start", "[alerts]\nquiet_start = 22:00\n",
			[]string{"line 2: syntax error:", `(times of day are written in quotes: quiet_start = "22:00")`}},

		{"onset too short", "[alerts]\nonset = \"1s\"\n", []string{"config.toml: alerts.onset = 1s: must be between 5s and 30m"}},
		{"blip vs onset", "[alerts]\nblip_tolerance = \"1m\"\n", []string{"alerts.blip_tolerance = 1m: must be less than alerts.onset (50s)"}},
		{"max cooldown", "[alerts]\nmax_cooldown = \"1m\"\n", []string{"alerts.max_cooldown = 1m: must be between alerts.cooldown (5m) and 24h"}},
		{"growth", "[alerts]\ncooldown_growth = 20\n", []string{"alerts.cooldown_growth = 20.0: must be between 1 and 10"}},
		{"pre-break notice", "[alerts]\npre_break_notice = \"30m\"\n",
			[]string{"alerts.pre_break_notice = 30m: must be less than alerts.load_budget (20m)"}},
		{"breaks per day", "[alerts]\nmax_breaks_per_day = 100\n", []string{"alerts.max_breaks_per_day = 100: must be between 0 and 48"}},
		{"quiet_start malformed", "[alerts]\nquiet_start = \"10pm\"\nquiet_end = \"07:00\"\n",
			[]string{`alerts.quiet_start = "10pm": must be HH:MM (00:00 to 23:59)`}},
		{"quiet hours equal", "[alerts]\nquiet_start = \"07:00\"\nquiet_end = \"07:00\"\n",
			[]string{`alerts.quiet_end = "07:00": must differ from alerts.quiet_start`}},
		{"interval_changing", "[sampling]\ninterval_changing = \"500ms\"\n",
			[]string{"sampling.interval_changing = 500ms: must be between 1s and 10m"}},
		{"interval_stable", "[sampling]\ninterval_stable = \"2s\"\n",
			[]string{"sampling.interval_stable = 2s: must be between sampling.interval_changing (6s) and 30m"}},
		{"interval_away", "[sampling]\ninterval_away = \"2h\"\n", []string{"sampling.interval_away = 2h: must be between 1s and 1h"}},
		{"burst_frames", "[sampling]\nburst_frames = 0\n", []string{"sampling.burst_frames = 0: must be between 1 and 30"}},
		{"settle", "[sampling]\nsettle = \"6s\"\n", []string{"sampling.settle = 6s: must be between 0 and 5s"}},
		{"keep_open_fps", "[sampling]\nkeep_open_fps = 60\n", []string{"sampling.keep_open_fps = 60.0: must be between 0.2 and 30"}},
		{"busy_backoff_max", "[sampling]\nbusy_backoff_max = \"5s\"\n",
			[]string{"sampling.busy_backoff_max = 5s: must be between sampling.busy_backoff (10s) and 1h"}},
		{"empty source", "[camera]\nsource = \"\"\n", []string{`camera.source = "": must not be empty`}},
		{"view", "[camera]\nview = \"top\"\n", []string{`camera.view = "top": must be "auto", "front" or "side"`}},
		{"profile name", "[camera]\nprofile = \"my desk\"\n", []string{`camera.profile = "my desk": not a profile name`}},
		{"calibration and profile", "[camera]\nprofile = \"desk\"\ncalibration = \"/tmp/c.json\"\n",
			[]string{`camera.calibration = "/tmp/c.json": cannot be combined with camera.profile = "desk"`}},
		{"log level", "[log]\nlevel = \"verbose\"\n", []string{`log.level = "verbose": must be "debug", "info", "warn" or "error"`}},
		{"threshold negative", "[thresholds]\ndrop_start = -0.1\n", []string{"thresholds.drop_start = -0.1: must be positive"}},
		{"threshold order", "[thresholds]\nforward_start_cm = 9\n",
			[]string{"thresholds: must keep forward_start_cm < forward_severe_cm (now 9 and 8)"}},
		{"threshold nan", "[thresholds]\nroll_start_deg = nan\n", []string{"thresholds.roll_start_deg = nan: must be a finite number"}},
		// Keys the user set are theirs to fix; one not set is not blamed.
		{"both set", "[alerts]\nonset = \"5s\"\nblip_tolerance = \"5s\"\n",
			[]string{"alerts.blip_tolerance = 5s: must be less than alerts.onset (5s) (line 3)"}},
		{"invalid onset blamed alone", "[alerts]\nonset = \"3s\"\n", []string{"alerts.onset = 3s: must be between 5s and 30m (line 2)"}},
		{"all problems at once", "[alerts]\nonset = \"1s\"\n[sampling]\nburst_frames = 99\n[log]\nlevel = \"loud\"\n", []string{
			"alerts.onset = 1s", "sampling.burst_frames = 99", `log.level = "loud"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := write(t, tt.file)
			_, err := config.Load(path)
			if err == nil {
				t.Fatalf("Load(%q) succeeded; want an error", tt.file)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, path+": ") {
				t.Errorf("error does not start with the file's path:\n%s", msg)
			}
			if strings.Contains(msg, "blip_tolerance") && !strings.Contains(tt.file, "blip_tolerance") {
				t.Errorf("blames blip_tolerance, which the file does not set:\n%s", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error\n%s\ndoes not contain\n%s", msg, w)
				}
			}
		})
	}
}

// TestValidate covers configurations built in code (the CLI sets fields
// from flags), whose errors are named after config.toml.
func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		modify func(c *config.Config)
		want   string // "" for valid
	}{
		{"default", func(c *config.Config) {}, ""},
		{"calibration with default profile", func(c *config.Config) { c.Camera.Calibration = "/tmp/c.json" }, ""},
		{"ordered threshold overrides", func(c *config.Config) {
			c.Thresholds = map[string]float64{"forward_start_cm": 9, "forward_severe_cm": 12}
		}, ""},
		{"pitch start may be zero", func(c *config.Config) { c.Thresholds = map[string]float64{"pitch_start_deg": 0} }, ""},
		{"onset", func(c *config.Config) { c.Alerts.Onset = time.Second },
			"config.toml: alerts.onset = 1s: must be between 5s and 30m"},
		{"stale after", func(c *config.Config) { c.Alerts.StaleAfter = time.Second },
			"config.toml: alerts.stale_after = 1s: must be between alerts.max_sample_gap (45s) and 24h"},
		{"break fraction", func(c *config.Config) { c.Alerts.BreakTakenFraction = 0 },
			"config.toml: alerts.break_taken_fraction = 0.0: must be greater than 0 and at most 1"},
		{"unknown threshold", func(c *config.Config) { c.Thresholds = map[string]float64{"max_yaw": 30} },
			"config.toml: unknown key thresholds.max_yaw (did you mean thresholds.max_yaw_deg?)"},
		{"hfov", func(c *config.Config) { c.Thresholds = map[string]float64{"camera_hfov_deg": 180} },
			"config.toml: thresholds.camera_hfov_deg = 180.0: must be below 170"},
		{"view", func(c *config.Config) { c.Camera.View = "" }, `config.toml: camera.view = "": must be "auto", "front" or "side"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := config.Default()
			tt.modify(&c)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate() = %v; want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate() = %v; want %q", err, tt.want)
			}
		})
	}
}

func TestThresholdsApplied(t *testing.T) {
	path := write(t, "[camera]\nview = \"side\"\n[thresholds]\nforward_start_cm = 9\nforward_severe_cm = 12\nside_neck_start_deg = 50\ncamera_hfov_deg = 78\n")
	c, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := c.NewClassifier(nil)
	if err != nil {
		t.Fatal(err)
	}
	want := posture.NewClassifier(posture.Side, nil)
	want.Thresholds.ForwardStartCM, want.Thresholds.ForwardSevereCM = 9, 12
	want.Thresholds.SideNeckStartDeg = 50
	want.Camera.HFOVDeg = 78
	if !reflect.DeepEqual(cl, want) {
		t.Errorf("NewClassifier:\n got %+v\nwant %+v", cl, want)
	}

	// A rejected set leaves the classifier unchanged.
	bad := config.Default()
	bad.Thresholds = map[string]float64{"drop_start": 0.2, "drop_severe": 0.1}
	cl = posture.NewClassifier(posture.Front, nil)
	before := *cl
	if err := bad.ApplyThresholds(cl); err == nil || !strings.Contains(err.Error(), "drop_start < drop_severe") {
		t.Errorf("ApplyThresholds = %v; want the drop_start < drop_severe error", err)
	}
	if !reflect.DeepEqual(*cl, before) {
		t.Error("ApplyThresholds changed the classifier despite the error")
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"45s", 45 * time.Second, ""},
		{"1h30m", 90 * time.Minute, ""},
		{"700ms", 700 * time.Millisecond, ""},
		{"0", 0, ""},
		{"5 min", 0, `--cooldown = "5 min": not a duration: write it like "45s", "5m" or "1h30m"`},
		{"50", 0, `--cooldown = "50": a duration needs a unit: write it like "50s" or "50m"`},
		{"", 0, `--cooldown = "": not a duration`},
	}
	for _, tt := range tests {
		got, err := config.ParseDuration("--cooldown", tt.in)
		if tt.err == "" {
			if err != nil || got != tt.want {
				t.Errorf("ParseDuration(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("ParseDuration(%q) error = %v; want %q", tt.in, err, tt.err)
		}
	}
}

func TestDuration(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		text string
	}{
		{50 * time.Second, "50s"}, {5 * time.Minute, "5m"}, {time.Hour, "1h"},
		{90 * time.Minute, "1h30m"}, {time.Hour + time.Second, "1h0m1s"}, {700 * time.Millisecond, "700ms"}, {0, "0s"},
	} {
		b, err := config.Duration(tt.d).MarshalText()
		if err != nil || string(b) != tt.text {
			t.Errorf("MarshalText(%v) = %q, %v; want %q", tt.d, b, err, tt.text)
		}
		var back config.Duration
		if err := back.UnmarshalText(b); err != nil || time.Duration(back) != tt.d {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", b, time.Duration(back), err, tt.d)
		}
	}
	var d config.Duration
	if err := d.UnmarshalText([]byte("soon")); err == nil {
		t.Error(`UnmarshalText("soon") succeeded`)
	}
}

func TestSlogLevel(t *testing.T) {
	for level, want := range map[string]string{"debug": "DEBUG", "info": "INFO", "warn": "WARN", "error": "ERROR"} {
		if got := (config.LogConfig{Level: level}).SlogLevel().String(); got != want {
			t.Errorf("SlogLevel(%q) = %s; want %s", level, got, want)
		}
	}
}

func TestJournalDesktopAndPromptKeys(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	dir := t.TempDir()
	good := filepath.Join(dir, "good.toml")
	os.WriteFile(good, []byte("[notifications]\npain_prompt = \"17:30\"\n[desktop]\ntray = true\n[history]\nenabled = false\npath = \"~/h.db\"\n"), 0o600)
	c, err := config.Load(good)
	if err != nil {
		t.Fatal(err)
	}
	home, _ := os.UserHomeDir()
	if c.Notifications.PainPrompt != "17:30" || !c.Desktop.Tray || c.History.Enabled || c.History.Path != filepath.Join(home, "h.db") {
		t.Fatalf("loaded %+v %+v %+v", c.Notifications, c.Desktop, c.History)
	}
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("[notifications]\npain_prompt = \"5pm\"\n"), 0o600)
	if _, err := config.Load(bad); err == nil || !strings.Contains(err.Error(), "notifications.pain_prompt") {
		t.Fatalf("bad pain_prompt: %v", err)
	}
}

func TestChanged(t *testing.T) {
	a := config.Default()
	b := a
	if got := config.Changed(a, b); len(got) != 0 {
		t.Fatalf("no change: %v", got)
	}
	b.Camera.Source = "/dev/video2"
	b.Sampling.KeepOpen = true
	b.Log.Level = "debug"
	b.Thresholds = map[string]float64{"pitch_start_deg": 20}
	got := strings.Join(config.Changed(a, b), " ")
	if got != "camera.source sampling.keep_open log.level thresholds" {
		t.Fatalf("changed keys %q", got)
	}
}

// TestLoadErrorLines: a value of the wrong type or out of range is reported
// with its key, what is allowed and its line, wherever the key is written.
func TestLoadErrorLines(t *testing.T) {
	tests := []struct{ name, file, want string }{
		{"out of range", "[camera]\nsource = \"0\"\n\n[alerts]\ncooldown = \"5s\"\n",
			"config.toml: alerts.cooldown = 5s: must be between 30s and 24h (line 5)"},
		{"range from another key", "[sampling]\ninterval_changing = \"20s\"\ninterval_stable = \"10s\"\n",
			"sampling.interval_stable = 10s: must be between sampling.interval_changing (20s) and 30m (line 3)"},
		{"enum", "[log]\n# quieter\nlevel = \"loud\"\n", `log.level = "loud": must be "debug", "info", "warn" or "error" (line 3)`},
		{"policy invariant", "[alerts]\nload_budget = \"2m\"\npre_break_notice = \"5m\"\n",
			"alerts.pre_break_notice = 5m: must be less than alerts.load_budget (2m) (line 3)"},
		{"threshold", "[thresholds]\n\ndrop_start = -0.1\n", "thresholds.drop_start = -0.1: must be positive (a finite number) (line 3)"},
		{"dotted key", "\n\nsampling.burst_frames = 0\n", "sampling.burst_frames = 0: must be between 1 and 30 (line 3)"},
		{"inline table", "\ncamera = { view = \"top\" }\n", `camera.view = "top": must be "auto", "front" or "side" (line 2)`},
		{"type", "[sampling]\nsettle = \"0s\"\nburst_frames = \"3\"\n", `config.toml: line 3: sampling.burst_frames = "3": must be a whole number`},
		{"types, all of them", "[sampling]\nburst_frames = \"3\"\n[log]\nlevel = 1\n", `line 4: log.level = 1: must be a string in quotes ("1")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Load(write(t, tt.file))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load = %v\nwant %q", err, tt.want)
			}
		})
	}
}

// TestDefaultFileLoadsBack: the file `neckwatch config --default` prints
// is valid TOML, commented, and loads back to the defaults.
func TestDefaultFileLoadsBack(t *testing.T) {
	text := config.Default().TOML()
	var generic map[string]any
	if _, err := toml.Decode(text, &generic); err != nil {
		t.Fatalf("not valid TOML: %v", err)
	}
	c, set, err := config.LoadKeys(write(t, text))
	if err != nil || !reflect.DeepEqual(c, config.Default()) {
		t.Fatalf("LoadKeys(default file) = %+v, %v; want the defaults", c, err)
	}
	if len(set) < 40 || set[0] != "camera.source" {
		t.Errorf("keys set by the default file: %v", set)
	}
}

func TestLoadKeys(t *testing.T) {
	isolate(t)
	_, set, err := config.LoadKeys(write(t, "[log]\nlevel = \"warn\"\n[camera]\nsource = 2\n[thresholds]\ndrop_start = 0.4\n"))
	if got := strings.Join(set, " "); err != nil || got != "camera.source thresholds.drop_start log.level" {
		t.Errorf("LoadKeys = %q, %v", got, err)
	}
	if _, set, err := config.LoadKeys(""); err != nil || len(set) != 0 {
		t.Errorf("LoadKeys without a file = %v, %v", set, err)
	}
}
