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
	if _, err := newPolicy(Config{}, nil, t0); err == nil {
		t.Error("New accepted an invalid Config")
	}
}

// TestConfigValidateNamesField: Validate holds the policy's invariants,
// each error naming its field.
func TestConfigValidateNamesField(t *testing.T) {
	tests := []struct {
		field string
		mod   func(*Config)
		msg   string // part of the message
	}{
		{"Onset", func(c *Config) { c.Onset = 0 }, "must be positive"},
		{"BlipTolerance", func(c *Config) { c.BlipTolerance = -time.Second }, "must not be negative"},
		{"BlipTolerance", func(c *Config) { c.Onset, c.BlipTolerance = 10*time.Second, 20*time.Second }, "less than Onset"},
		{"Recovery", func(c *Config) { c.Recovery = 0 }, "must be positive"},
		{"MaxSampleGap", func(c *Config) { c.MaxSampleGap = -time.Second }, "must be positive"},
		{"StaleAfter", func(c *Config) { c.StaleAfter = 0 }, "must be positive"},
		{"Cooldown", func(c *Config) { c.Cooldown = 0 }, "must be positive"},
		{"CooldownGrowth", func(c *Config) { c.CooldownGrowth = 0.5 }, "at least 1"},
		{"CooldownGrowth", func(c *Config) { c.CooldownGrowth = math.NaN() }, "at least 1"},
		{"CooldownGrowth", func(c *Config) { c.CooldownGrowth = math.Inf(1) }, "at least 1"},
		{"MaxCooldown", func(c *Config) { c.MaxCooldown = 0 }, "must be positive"},
		{"CorrectionWindow", func(c *Config) { c.CorrectionWindow = -1 }, "must not be negative"},
		{"AckMinInterval", func(c *Config) { c.AckMinInterval = -time.Minute }, "must not be negative"},
		{"LoadBudget", func(c *Config) { c.LoadBudget = 0 }, "must be positive"},
		{"PreBreakNotice", func(c *Config) { c.PreBreakNotice = 30 * time.Minute }, "less than LoadBudget"},
		{"PreBreakNotice", func(c *Config) { c.PreBreakNotice = -time.Second }, "must not be negative"},
		{"MaxBreaksPerDay", func(c *Config) { c.MaxBreaksPerDay = -1 }, "must not be negative"},
		{"BreakLength", func(c *Config) { c.BreakLength = 0 }, "must be positive"},
		{"BreakTakenFraction", func(c *Config) { c.BreakTakenFraction = 0 }, "greater than 0"},
		{"BreakTakenFraction", func(c *Config) { c.BreakTakenFraction = 1.5 }, "at most 1"},
		{"BreakWindow", func(c *Config) { c.BreakWindow = 0 }, "must be positive"},
		{"AwayDrainAfter", func(c *Config) { c.AwayDrainAfter = -time.Second }, "must not be negative"},
		{"AwayFullDrain", func(c *Config) { c.AwayFullDrain = 0 }, "must be positive"},
		{"QuietStart", func(c *Config) { c.QuietStart, c.QuietEnd = "7:00", "08:00" }, "HH:MM"},
		{"QuietEnd", func(c *Config) { c.QuietStart = "22:00" }, "or empty with QuietStart empty too"}, // end missing
		{"QuietEnd", func(c *Config) { c.QuietStart, c.QuietEnd = "22:00", "24:00" }, "HH:MM"},
		{"QuietEnd", func(c *Config) { c.QuietStart, c.QuietEnd = "22:00", "12:60" }, "HH:MM"},
		{"QuietEnd", func(c *Config) { c.QuietStart, c.QuietEnd = "22:00", "22:00" }, "must differ"},
	}
	for _, tc := range tests {
		t.Run(tc.field+" "+tc.msg, func(t *testing.T) {
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
			if fe.Field != tc.field || !strings.Contains(err.Error(), "Config."+tc.field) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q, want field %s and %q", err, tc.field, tc.msg)
			}
		})
	}
}

// TestConfigValidateLeavesRangesToTheConfiguration: values outside what a
// user may configure, but that the policy handles, are the configuration's
// to refuse (config declares each key's range), not Validate's.
func TestConfigValidateLeavesRangesToTheConfiguration(t *testing.T) {
	c := DefaultConfig()
	c.Onset, c.Cooldown, c.MaxCooldown = time.Hour, time.Second, time.Second
	c.LoadBudget, c.PreBreakNotice, c.MaxBreaksPerDay = 10*time.Second, 0, 100
	c.CooldownGrowth, c.StaleAfter = 20, time.Second
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate() = %v", err)
	}
	if _, err := newPolicy(c, nil, t0); err != nil {
		t.Fatalf("New: %v", err)
	}
}

// TestFieldErrorIsStructured: a FieldError carries the field, its value,
// the rule and the bound (another field's, named), so the configuration
// can say it in its own terms without parsing the message.
func TestFieldErrorIsStructured(t *testing.T) {
	for _, tc := range []struct {
		mod  func(*Config)
		want FieldError
	}{
		{func(c *Config) { c.Onset, c.BlipTolerance = 10*time.Second, 20*time.Second },
			FieldError{Field: "BlipTolerance", Value: 20 * time.Second, Rule: LessThan, Other: "Onset", Bound: 10 * time.Second}},
		{func(c *Config) { c.CooldownGrowth = 0.5 }, FieldError{Field: "CooldownGrowth", Value: 0.5, Rule: AtLeast, Bound: 1.0}},
		{func(c *Config) { c.MaxBreaksPerDay = -1 }, FieldError{Field: "MaxBreaksPerDay", Value: -1, Rule: NotNegative}},
		{func(c *Config) { c.QuietStart, c.QuietEnd = "22:00", "22:00" },
			FieldError{Field: "QuietEnd", Value: "22:00", Rule: DiffersFrom, Other: "QuietStart", Bound: "22:00"}},
	} {
		c := DefaultConfig()
		tc.mod(&c)
		var fe *FieldError
		if err := c.Validate(); !errors.As(err, &fe) || *fe != tc.want {
			t.Errorf("Validate() = %#v, want %#v", fe, tc.want)
		}
	}
	fe := FieldError{Field: "BlipTolerance", Value: time.Minute, Rule: LessThan, Other: "Onset", Bound: 50 * time.Second}
	if got, want := fe.Error(), "alerts: Config.BlipTolerance = 1m0s, must be less than Onset (50s)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	key := func(f string) string { return "alerts." + strings.ToLower(f) }
	if got, want := fe.Describe(key, func(v any) string { return "V" }), "must be less than alerts.onset (V)"; got != want {
		t.Errorf("Describe = %q, want %q", got, want)
	}
}
