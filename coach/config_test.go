package coach

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func TestDefaultConfigValid(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	c := DefaultConfig()
	c.QuietStart, c.QuietEnd = "22:30", "07:00"
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestZeroConfigInvalid(t *testing.T) {
	err := Config{}.Validate()
	if err == nil {
		t.Fatal("zero Config accepted")
	}
	for _, f := range []string{"Onset", "Recovery", "Cooldown", "LoadBudget", "BreakLength"} {
		if !strings.Contains(err.Error(), "Config."+f+" ") {
			t.Errorf("error does not name %s: %v", f, err)
		}
	}
	if _, err := New(Config{}, nil, t0); err == nil {
		t.Error("New accepted an invalid Config")
	}
}

func TestConfigValidateNamesField(t *testing.T) {
	tests := []struct {
		field string
		mod   func(*Config)
		rng   string // part of the allowed range in the message
	}{
		{"Onset", func(c *Config) { c.Onset = time.Second }, "between 5s and 30m0s"},
		{"Onset", func(c *Config) { c.Onset = time.Hour }, "between 5s and 30m0s"},
		{"BlipTolerance", func(c *Config) { c.BlipTolerance = -time.Second }, "between 0 and 2m0s"},
		{"BlipTolerance", func(c *Config) { c.Onset, c.BlipTolerance = 10*time.Second, 20*time.Second }, "less than Onset"},
		{"Recovery", func(c *Config) { c.Recovery = 0 }, "between 1s and 10m0s"},
		{"MaxSampleGap", func(c *Config) { c.MaxSampleGap = time.Second }, "between 5s"},
		{"StaleAfter", func(c *Config) { c.StaleAfter = 10 * time.Second }, "MaxSampleGap"},
		{"Cooldown", func(c *Config) { c.Cooldown = time.Second }, "between 30s"},
		{"CooldownGrowth", func(c *Config) { c.CooldownGrowth = 0.5 }, "between 1 and 10"},
		{"CooldownGrowth", func(c *Config) { c.CooldownGrowth = math.NaN() }, "between 1 and 10"},
		{"MaxCooldown", func(c *Config) { c.MaxCooldown = time.Minute }, "Cooldown (5m0s)"},
		{"CorrectionWindow", func(c *Config) { c.CorrectionWindow = -1 }, "between 0"},
		{"AckMinInterval", func(c *Config) { c.AckMinInterval = 48 * time.Hour }, "between 0"},
		{"LoadBudget", func(c *Config) { c.LoadBudget = 10 * time.Second }, "between 1m0s and 12h0m0s"},
		{"PreBreakNotice", func(c *Config) { c.PreBreakNotice = 30 * time.Minute }, "less than LoadBudget"},
		{"PreBreakNotice", func(c *Config) { c.PreBreakNotice = -time.Second }, "at least 0"},
		{"MaxBreaksPerDay", func(c *Config) { c.MaxBreaksPerDay = -1 }, "between 0 and 48"},
		{"BreakLength", func(c *Config) { c.BreakLength = 10 * time.Second }, "between 1m0s"},
		{"BreakTakenFraction", func(c *Config) { c.BreakTakenFraction = 0 }, "greater than 0"},
		{"BreakTakenFraction", func(c *Config) { c.BreakTakenFraction = 1.5 }, "at most 1"},
		{"BreakWindow", func(c *Config) { c.BreakWindow = time.Minute }, "BreakLength"},
		{"AwayDrainAfter", func(c *Config) { c.AwayDrainAfter = time.Second }, "between 30s"},
		{"AwayFullDrain", func(c *Config) { c.AwayFullDrain = time.Minute }, "AwayDrainAfter"},
		{"QuietStart", func(c *Config) { c.QuietStart, c.QuietEnd = "7:00", "08:00" }, "HH:MM"},
		{"QuietEnd", func(c *Config) { c.QuietStart = "22:00" }, "both QuietStart and QuietEnd empty"}, // end missing
		{"QuietEnd", func(c *Config) { c.QuietStart, c.QuietEnd = "22:00", "24:00" }, "HH:MM"},
		{"QuietEnd", func(c *Config) { c.QuietStart, c.QuietEnd = "22:00", "12:60" }, "HH:MM"},
		{"QuietEnd", func(c *Config) { c.QuietStart, c.QuietEnd = "22:00", "22:00" }, "must differ"},
	}
	for _, tc := range tests {
		t.Run(tc.field+" "+tc.rng, func(t *testing.T) {
			c := DefaultConfig()
			tc.mod(&c)
			err := c.Validate()
			if err == nil {
				t.Fatal("accepted")
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("not a *FieldError: %v", err)
			}
			if fe.Field != tc.field || !strings.Contains(err.Error(), "Config."+tc.field) || !strings.Contains(err.Error(), tc.rng) {
				t.Errorf("error %q, want field %s and %q", err, tc.field, tc.rng)
			}
		})
	}
}
