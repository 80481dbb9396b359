package config_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/config"
)

// TestDerivedKeysFitTheUsersKeys: a key the user did not set is fitted to
// the one they set rather than reported as their mistake; a key they did
// set is reported as theirs (issue 15 item 6).
func TestDerivedKeysFitTheUsersKeys(t *testing.T) {
	isolate(t)
	tests := []struct {
		name, file string
		want       func(c *config.Config) // the fitted values, on top of the file's
		err        string                 // or the one problem, naming the user's key
	}{
		{"onset at the documented minimum", "[alerts]\nonset = \"5s\"\n", func(c *config.Config) {
			c.Alerts.Onset, c.Alerts.BlipTolerance = 5*time.Second, time.Second
		}, ""},
		{"changing interval above the stable default", "[sampling]\ninterval_changing = \"20s\"\n", func(c *config.Config) {
			c.Sampling.IntervalChanging, c.Sampling.IntervalStable = 20*time.Second, 20*time.Second
		}, ""},
		{"cooldown above the max default", "[alerts]\ncooldown = \"1h\"\n", func(c *config.Config) {
			c.Alerts.Cooldown, c.Alerts.MaxCooldown = time.Hour, time.Hour
		}, ""},
		{"short load budget", "[alerts]\nload_budget = \"1m\"\n", func(c *config.Config) {
			c.Alerts.LoadBudget, c.Alerts.PreBreakNotice = time.Minute, 12*time.Second
		}, ""},
		{"max sample gap above stale default", "[alerts]\nmax_sample_gap = \"10m\"\n", func(c *config.Config) {
			c.Alerts.MaxSampleGap, c.Alerts.StaleAfter = 10*time.Minute, 10*time.Minute
		}, ""},
		{"both set, the user's mistake", "[alerts]\nonset = \"5s\"\nblip_tolerance = \"5s\"\n", nil,
			"alerts.blip_tolerance = 5s: must be less than alerts.onset (5s) (line 3)"},
		{"bound set too low by the user", "[sampling]\ninterval_stable = \"5s\"\n", nil,
			"sampling.interval_stable = 5s: must be between sampling.interval_changing (6s)"},
		{"invalid onset blamed alone", "[alerts]\nonset = \"3s\"\n", nil, "alerts.onset = 3s: must be between 5s and 30m (line 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := config.Load(write(t, tt.file))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || strings.Count(err.Error(), "\n") != 0 {
					t.Fatalf("error %v; want one line with %q", err, tt.err)
				}
				return
			}
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

// TestValidateFlagsNamesTheFlag: a key set by a flag is reported with the
// flag, one the file set with the file.
func TestValidateFlagsNamesTheFlag(t *testing.T) {
	c := config.Default()
	c.Alerts.Onset = -5 * time.Second
	c.Alerts.Cooldown = 10 * time.Second
	err := c.ValidateFlags("/home/me/neckwatch.toml", map[string]string{"alerts.onset": "--alert-onset"})
	want := "--alert-onset -5s: must be between 5s and 30m\n/home/me/neckwatch.toml: alerts.cooldown = 10s: must be between 30s and 24h"
	if err == nil || err.Error() != want {
		t.Errorf("error\n%v\nwant\n%s", err, want)
	}
}
