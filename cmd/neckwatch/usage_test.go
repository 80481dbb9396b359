package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"github.com/neckwatch/neckwatch/internal/testenv/visiontest"
)

// TestUsageFitsTheMistake: each mistake gets the message that fits it, on
// one line, with exit status 2 for the command line's mistakes and 1 for
// a file that is not what it should be (issue 15 item 9).
func TestUsageFitsTheMistake(t *testing.T) {
	isolateData(t)
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir()) // no daemon to reach
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"pause 0", []string{"pause", "0"}, 2, "pause 0: must be positive"},
		{"pause negative", []string{"pause", "-5m"}, 2, "pause -5m: must be positive"},
		{"snooze negative", []string{"snooze", "-5m"}, 2, "snooze -5m: must be positive"},
		{"pause too long to parse", []string{"pause", "99999999h"}, 2, "pause 99999999h: too long"},
		{"pause longer than a day", []string{"pause", "25h"}, 2, "pause 25h: too long: at most 24h0m0s (a pause without a duration lasts until `neckwatch resume`)"},
		{"snooze longer than a day", []string{"snooze", "48h"}, 2, "snooze 48h: too long: at most 24h0m0s"},
		{"pause not a duration", []string{"pause", "banana"}, 2, "pause banana: not a duration"},
		{"journal add without pain", []string{"journal", "add"}, 2, "--pain is required"},
		{"forget both", []string{"history", "forget", "--all", "--before", "2026-01-01"}, 2, "give --before DATE or --all, not both"},
		{"no such day", []string{"history", "forget", "--before", "2026-02-30"}, 2, "--before 2026-02-30: there is no such day"},
		{"not a date", []string{"history", "forget", "--before", "30/02/2026"}, 2, `--before "30/02/2026": write the date as YYYY-MM-DD`},
		{"missing calibration file", []string{"check", "--source", "x", "--calibration", "/nonexist.json"}, 1, "calibration file /nonexist.json: no such file"},
		{"calibration is a folder", []string{"check", "--source", "x", "--calibration", t.TempDir()}, 1, "is a folder, not a calibration file"},
		{"calibration not JSON", []string{"check", "--source", "x", "--calibration", writeFile(t, "c.json", "rubbish")}, 1, "not a neckwatch calibration file"},
		{"source /dev/null", []string{"check", "--source", "/dev/null"}, 1, "source /dev/null: not a camera"},
		{"near-miss command", []string{"chek"}, 2, `unknown command "chek" (did you mean check?)`},
		{"near-miss command swapped", []string{"stauts"}, 2, `(did you mean status?)`},
		{"near-miss stop", []string{"stpo"}, 2, `(did you mean stop?)`},
		{"near-miss break", []string{"braek"}, 2, `(did you mean break?)`},
		{"near-miss subcommand", []string{"journal", "lsit"}, 2, `(did you mean list?)`},
		{"near-miss flag", []string{"report", "--dayz", "3"}, 2, "unknown flag: --dayz (did you mean --days?)"},
		{"huge number", []string{"report", "--days", "9999999999999999999999"}, 2, "--days 9999999999999999999999: too large a number"},
		{"not a number", []string{"report", "--days", "ten"}, 2, `--days "ten": not a whole number`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q does not say %q", stderr, tc.want)
			}
			for _, leak := range []string{"strconv.", "unknown shorthand", "invalid character", "profile not calibrated", "video call"} {
				if strings.Contains(stderr, leak) {
					t.Errorf("stderr %q says %q", stderr, leak)
				}
			}
			lines := strings.Count(strings.TrimSpace(stderr), "\n") + 1
			if tc.code == 2 && lines > 2 || tc.code == 1 && lines > 1 {
				t.Errorf("stderr has %d lines:\n%s", lines, stderr)
			}
		})
	}
}

// TestVersionFlags: -v and --version print the version (and --help says so).
func TestVersionFlags(t *testing.T) {
	for _, arg := range []string{"-v", "--version", "version"} {
		code, stdout, stderr := runCLI(t, arg)
		if code != 0 || stdout != "neckwatch "+version+"\n" || stderr != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", arg, code, stdout, stderr)
		}
	}
	if _, stdout, _ := runCLI(t, "--help"); !strings.Contains(stdout, "-v, --version") {
		t.Errorf("--help does not list -v, --version:\n%s", stdout)
	}
}

// TestSayOnce: a context wrapped twice is said once, line by line, and
// the reason itself is kept (issue 15 item 8).
func TestSayOnce(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"neckwatch run: the daemon stopped at once: neckwatch run: source x.mp4: no such file",
			"neckwatch run: the daemon stopped at once: source x.mp4: no such file"},
		{"neckwatch check: calibration /tmp/ux: read /tmp/ux: read /tmp/ux: is a directory",
			"neckwatch check: calibration /tmp/ux: read /tmp/ux: is a directory"},
		{"neckwatch run: a: b\nneckwatch run: a: c", "neckwatch run: a: b\nneckwatch run: a: c"},
		{"neckwatch x: no: no", "neckwatch x: no: no"},
		{"plain", "plain"},
	} {
		if got := sayOnce(tc.in); got != tc.want {
			t.Errorf("sayOnce(%q)\n = %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

// TestCheckUsesTheVideosTimestamps: check --json gives each frame of a
// video with irregular timestamps its own time (issue 15 item 5).
func TestCheckUsesTheVideosTimestamps(t *testing.T) {
	isolateConfig(t)
	desk := visiontest.DeskFrame(t)
	path := visiontest.HeldStillsVideo(t, []gocv.Mat{desk, desk, desk}, []time.Duration{2 * time.Second, 30 * time.Second, time.Second})
	code, stdout, stderr := runCLI(t, "check", "--source", path, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var times []float64
	for _, r := range decodeRecords(t, stdout) {
		times = append(times, r["time_s"].(float64))
	}
	if want := []float64{0, 2, 32}; !slices.Equal(times, want) {
		t.Errorf("time_s %v, want %v", times, want)
	}
}
