package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRunFlagsBlameTheRightThing: a flag's mistake names the flag (not a
// config file that may not exist), and a key nobody set is fitted to the
// flag or file key it depends on rather than reported (issue 15 item 6).
func TestRunFlagsBlameTheRightThing(t *testing.T) {
	dir := isolateConfig(t)
	fileOnset5s := filepath.Join(t.TempDir(), "onset.toml")
	if err := os.WriteFile(fileOnset5s, []byte("[alerts]\nonset = \"5s\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fileBlip := filepath.Join(t.TempDir(), "blip.toml")
	if err := os.WriteFile(fileBlip, []byte("[alerts]\nblip_tolerance = \"30s\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	errCases := []struct {
		name string
		args []string
		want string // the whole message
	}{
		{"negative onset, no config file", []string{"--alert-onset", "-5s"}, "--alert-onset -5s: must be between 5s and 30m"},
		{"short onset", []string{"--alert-onset", "3s"}, "--alert-onset 3s: must be between 5s and 30m"},
		{"short cooldown", []string{"--alert-cooldown", "10s"}, "--alert-cooldown 10s: must be between 30s and 24h"},
		{"not a duration", []string{"--break-budget", "soon"}, `--break-budget soon: not a duration: write it like "45s", "5m" or "1h30m"`},
		{"bad log level", []string{"--log-level", "loud"}, `--log-level "loud": must be "debug", "info", "warn" or "error"`},
		// A signed number was taken for a camera by run's check and for a
		// missing file by the source, and retried for ever (issue 16 3d).
		{"signed camera index", []string{"--source", "-1"}, "--source -1: not a camera index: use 0, 1, 2… or a /dev/videoN device"},
		{"bad view", []string{"--view", "top"}, `--view "top": must be "auto", "front" or "side"`},
		{"profile and calibration", []string{"--profile", "desk", "--calibration", "desk.json"}, "give --profile or --calibration, not both"},
		{"bad profile name", []string{"--profile", "../etc"}, `--profile "../etc": not a profile name: use 1-40 letters, digits, '.', '_' or '-'`},
		{"flag against the file's own key", []string{"--config", fileBlip, "--alert-onset", "20s"}, fileBlip + ": alerts.blip_tolerance = 30s: must be less than alerts.onset (20s)"},
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, append([]string{"run"}, tc.args...)...)
			if code != 2 {
				t.Fatalf("exit %d, want 2: %s", code, stderr)
			}
			first, _, _ := strings.Cut(stderr, "\n")
			if first != "neckwatch run: "+tc.want {
				t.Errorf("stderr %q\nwant  %q", stderr, "neckwatch run: "+tc.want)
			}
			if strings.Contains(stderr, filepath.Join(dir, "neckwatch", "config.toml")) {
				t.Errorf("blames a config file the user does not have: %q", stderr)
			}
		})
	}
	okCases := []struct {
		name            string
		args            []string
		onset, blip     time.Duration
		budget, prenote time.Duration
	}{
		{"onset at the documented minimum", []string{"--alert-onset", "5s"}, 5 * time.Second, time.Second, 20 * time.Minute, time.Minute},
		{"file onset 5s", []string{"--config", fileOnset5s}, 5 * time.Second, time.Second, 20 * time.Minute, time.Minute},
		{"short budget", []string{"--break-budget", "1m"}, 50 * time.Second, 5 * time.Second, time.Minute, 12 * time.Second},
		{"defaults", nil, 50 * time.Second, 5 * time.Second, 20 * time.Minute, time.Minute},
	}
	for _, tc := range okCases {
		t.Run(tc.name, func(t *testing.T) {
			var f runFlags
			if err := parseFlags(newRunFlagSet(&f, io.Discard), tc.args); err != nil {
				t.Fatal(err)
			}
			cfg, err := f.effectiveConfig()
			if err != nil {
				t.Fatalf("effectiveConfig: %v", err)
			}
			a := cfg.Alerts
			if a.Onset != tc.onset || a.BlipTolerance != tc.blip || a.LoadBudget != tc.budget || a.PreBreakNotice != tc.prenote {
				t.Errorf("onset %v blip %v budget %v pre-break %v; want %v %v %v %v", a.Onset, a.BlipTolerance, a.LoadBudget, a.PreBreakNotice, tc.onset, tc.blip, tc.budget, tc.prenote)
			}
		})
	}
}

// TestSourceInTheFileIsReadByTheSameRule: a camera.source that names
// nothing is refused by run and check alike, naming the file's key (exit
// 1: the command line was right).
func TestSourceInTheFileIsReadByTheSameRule(t *testing.T) {
	isolateConfig(t)
	file := filepath.Join(t.TempDir(), "cam.toml")
	if err := os.WriteFile(file, []byte("[camera]\nsource = \"-1\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"run", "check"} {
		code, _, stderr := runCLI(t, cmd, "--config", file)
		want := "neckwatch " + cmd + ": " + file + `: camera.source = "-1": not a camera index: use 0, 1, 2… or a /dev/videoN device` + "\n"
		if code != 1 || stderr != want {
			t.Errorf("%s: exit %d, stderr %q; want 1, %q", cmd, code, stderr, want)
		}
	}
}
