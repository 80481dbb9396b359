package config_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/config"
	"github.com/neckwatch/neckwatch/posture"
)

// TestApply: the command line's overrides land on their keys, are listed
// as set, and a mistake names the flag, in one place for every command.
func TestApply(t *testing.T) {
	on := true
	fromFile := config.Default()
	fromFile.Camera.Calibration = "/home/me/desk.json"
	blip5s := config.Default()
	blip5s.Alerts.BlipTolerance = 5 * time.Second
	for _, tc := range []struct {
		name    string
		base    config.Config
		set     []string // the file's keys
		o       config.Overrides
		check   func(c config.Config) bool
		wantSet []string
		err     string
	}{
		{name: "nothing given", base: config.Default(), check: func(c config.Config) bool { return reflect.DeepEqual(c, config.Default()) }},
		{name: "camera keys", base: config.Default(), o: config.Overrides{Source: "clip.mp4", View: "side", ModelsDir: "/m", AccurateFace: &on},
			check: func(c config.Config) bool {
				return c.Camera.Source == "clip.mp4" && c.Camera.View == posture.Side && c.Camera.ModelsDir == "/m" && c.Camera.AccurateFace
			},
			wantSet: []string{"camera.source", "camera.view", "camera.accurate_face", "camera.models_dir"}},
		{name: "a profile replaces the file's calibration", base: fromFile, set: []string{"camera.calibration"}, o: config.Overrides{Profile: "laptop"},
			check:   func(c config.Config) bool { return c.Camera.Profile == "laptop" && c.Camera.Calibration == "" },
			wantSet: []string{"camera.calibration", "camera.profile"}},
		{name: "a calibration goes with the default profile", base: config.Default(), o: config.Overrides{Calibration: "x.json"},
			check: func(c config.Config) bool { return c.Camera.Profile == "default" && c.Camera.Calibration == "x.json" }, wantSet: []string{"camera.calibration"}},
		{name: "switches and durations", base: config.Default(), o: config.Overrides{KeepOpen: true, Tray: true, LogLevel: "debug", Onset: "20s", Cooldown: "10m", LoadBudget: "1h"},
			check: func(c config.Config) bool {
				a := c.Alerts
				return c.Sampling.KeepOpen && c.Desktop.Tray && c.Log.Level == "debug" && a.Onset == 20*time.Second && a.Cooldown == 10*time.Minute && a.LoadBudget == time.Hour
			},
			wantSet: []string{"sampling.keep_open", "alerts.onset", "alerts.cooldown", "alerts.load_budget", "desktop.tray", "log.level"}},
		{name: "a key no one set follows a flag", base: config.Default(), o: config.Overrides{Onset: "5s"},
			check: func(c config.Config) bool { return c.Alerts.BlipTolerance == time.Second }, wantSet: []string{"alerts.onset"}},
		{name: "both baselines", base: config.Default(), o: config.Overrides{Profile: "a", Calibration: "b"}, err: "give --profile or --calibration, not both"},
		{name: "unknown view", base: config.Default(), o: config.Overrides{View: "top"}, err: `--view "top": must be "auto", "front" or "side"`},
		{name: "not a duration", base: config.Default(), o: config.Overrides{Cooldown: "soon"}, err: `--alert-cooldown soon: not a duration: write it like "45s", "5m" or "1h30m"`},
		{name: "out of range", base: config.Default(), o: config.Overrides{Onset: "1s"}, err: "--alert-onset 1s: must be between 5s and 30m"},
		{name: "a file's key against a flag names the file", base: blip5s, o: config.Overrides{Onset: "5s"}, set: []string{"alerts.blip_tolerance"},
			err: "my.toml: alerts.blip_tolerance = 5s: must be less than alerts.onset (5s)"},
		{name: "bad profile name", base: config.Default(), o: config.Overrides{Profile: "a/b"}, err: `--profile "a/b": not a profile name: use 1-40 letters, digits, '.', '_' or '-'`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.base
			set, err := c.Apply(tc.o, "my.toml", tc.set)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("Apply = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(c) {
				t.Errorf("overrides not applied: %+v", c)
			}
			if len(set) != len(tc.wantSet) {
				t.Fatalf("set %v, want %v", set, tc.wantSet)
			}
			for i := range set {
				if set[i] != tc.wantSet[i] {
					t.Errorf("set %v, want %v", set, tc.wantSet)
				}
			}
		})
	}
}
