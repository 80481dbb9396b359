package coach

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/neckwatch/neckwatch/timeline"
)

// Named defaults. They are exported so the CLI can print them and the
// daemon's config loader can show what "unset" means.
const (
	// DefaultOnset is how long a posture must be bad before it counts:
	// long enough that glancing at the keyboard or leaning in to read
	// something never fires, short enough to catch a real habit.
	DefaultOnset = 50 * time.Second
	// DefaultBlipTolerance is how long the user may sit up inside a bad run
	// without restarting the onset timer (a glance up at the screen).
	DefaultBlipTolerance = 5 * time.Second
	// DefaultRecovery is how long upright must be sustained to leave "bad".
	DefaultRecovery = 10 * time.Second
	// DefaultMaxSampleGap is how long one verdict is assumed to still hold.
	// The camera is duty-cycled (bursts every few seconds up to ~30 s), so
	// this is a bit more than the longest expected gap.
	DefaultMaxSampleGap = timeline.DefaultMaxGap
	// DefaultStaleAfter is the gap without samples (suspend, camera taken
	// by a video call, daemon stalled) after which the posture timers
	// restart: whatever happened in between is unknown.
	DefaultStaleAfter = 5 * time.Minute

	// DefaultCooldown is the minimum time between two posture alerts.
	DefaultCooldown = 5 * time.Minute
	// DefaultCooldownGrowth multiplies the cooldown after each alert the
	// user ignores (stays bad through it): nagging louder does not work.
	DefaultCooldownGrowth = 2.0
	// DefaultMaxCooldown caps the grown cooldown.
	DefaultMaxCooldown = 30 * time.Minute
	// DefaultCorrectionWindow is how soon after an alert a return to upright
	// counts as a response to it (Correction.CorrectedWithinMinute).
	DefaultCorrectionWindow = time.Minute
	// DefaultAckMinInterval rate-limits the "nice, that's better" message:
	// praise every few minutes turns into noise.
	DefaultAckMinInterval = 15 * time.Minute

	// DefaultLoadBudget is the severity-weighted forward-head time after
	// which a traction / mobility break is suggested.
	DefaultLoadBudget = 20 * time.Minute
	// DefaultPreBreakNotice is the warning given before a break suggestion,
	// so the user can reach a stopping point (as Stretchly does).
	DefaultPreBreakNotice = time.Minute
	// DefaultMaxBreaksPerDay: daily consistency beats long or frequent
	// sessions, and more traction is not better (field notes).
	DefaultMaxBreaksPerDay = 1
	// DefaultBreakLength is the suggested break length: the field notes say
	// start with 5-10 minutes; the shorter end is what is checked for.
	DefaultBreakLength = 5 * time.Minute
	// DefaultBreakTakenFraction: away for at least this fraction of
	// BreakLength after a suggestion counts as taking the break.
	DefaultBreakTakenFraction = 0.6
	// DefaultBreakWindow is how long after a suggestion the user has to take
	// the break before it counts as skipped.
	DefaultBreakWindow = 15 * time.Minute
	// DefaultAwayDrainAfter: an absence at least this long is a natural
	// break and starts draining the load.
	DefaultAwayDrainAfter = 5 * time.Minute
	// DefaultAwayFullDrain: an absence this long drains the load completely;
	// in between the drain is proportional to the absence.
	DefaultAwayFullDrain = 20 * time.Minute
)

// Config is the alert policy's tuning. Start from DefaultConfig and change
// what you need; the zero Config is not valid (Validate says why), because a
// zero onset or budget would make the daemon nag on every sample.
//
// The ranges a user may choose are declared once, with each key of the
// configuration file, by package config; Validate holds only what the
// policy needs to work at all.
//
// Durations are wall-clock durations computed from the timestamps given to
// Observe and Tick, never from sample counts.
type Config struct {
	// Onset is the accumulated bad-posture time needed to enter the "bad"
	// phase. Time spent uncertain or away does not count, and does not
	// reset it either.
	Onset time.Duration
	// BlipTolerance is the longest upright stretch inside a bad run that is
	// ignored (the onset timer keeps its progress), measured from the
	// stretch's first upright sample to its latest: one upright sample
	// between bad ones is always a blip, however long until the next.
	// 0 means any upright sample restarts the run. Less than Onset.
	BlipTolerance time.Duration
	// Recovery is the sustained upright time needed to leave "bad".
	Recovery time.Duration
	// MaxSampleGap is how long one verdict is held as the current state;
	// time beyond it is unknown and accrues nothing.
	MaxSampleGap time.Duration
	// StaleAfter is the gap between samples after which the posture timers
	// restart silently.
	StaleAfter time.Duration

	// Cooldown is the base minimum time between posture alerts.
	Cooldown time.Duration
	// CooldownGrowth multiplies the cooldown after each ignored alert.
	// 1 means no growth; less would shorten it.
	CooldownGrowth float64
	// MaxCooldown caps the grown cooldown.
	MaxCooldown time.Duration
	// CorrectionWindow is how soon after an alert a return to upright counts
	// as a correction in response to it. 0 means never.
	CorrectionWindow time.Duration
	// Acknowledge enables the "nice, that's better" notification on a
	// correction within CorrectionWindow. The zero value (false) disables
	// it; the PostureCorrected event is still emitted for the history.
	Acknowledge bool
	// AckMinInterval is the minimum time between two acknowledgements.
	// 0 means no rate limit.
	AckMinInterval time.Duration

	// LoadBudget is the severity-weighted forward-head time (one second at
	// severity 1 counts one second, at severity 0.5 half a second) after
	// which a break is suggested.
	LoadBudget time.Duration
	// PreBreakNotice is the load left when the pre-break notice fires; at
	// full severity that is exactly this long before the suggestion, at
	// lower severity earlier, never later. The suggestion also waits at
	// least this long of wall time after the notice. 0 disables the
	// notice. Less than LoadBudget.
	PreBreakNotice time.Duration
	// MaxBreaksPerDay limits break suggestions per local day. 0 disables
	// break suggestions (load is still tracked).
	MaxBreaksPerDay int
	// BreakLength is the suggested break length.
	BreakLength time.Duration
	// BreakTakenFraction is the fraction of BreakLength the user must be
	// away within BreakWindow for the break to count as taken: above 0, at
	// most 1.
	BreakTakenFraction float64
	// BreakWindow is how long after a suggestion the break may be taken.
	BreakWindow time.Duration
	// AwayDrainAfter is the absence after which being away counts as a
	// natural break: load starts draining and the posture timers restart.
	AwayDrainAfter time.Duration
	// AwayFullDrain is the absence that drains the load completely; the
	// drained fraction is absence/AwayFullDrain.
	AwayFullDrain time.Duration

	// QuietStart and QuietEnd bound a daily local-time window ("HH:MM",
	// 24-hour) during which nothing is emitted as a notification; load
	// still accrues. The window may cross midnight ("22:30" to "07:00").
	// Both empty (the zero value) means no quiet hours.
	QuietStart, QuietEnd string
}

// DefaultConfig returns the documented defaults (the Default* constants),
// acknowledgements on and no quiet hours.
func DefaultConfig() Config {
	return Config{
		Onset:              DefaultOnset,
		BlipTolerance:      DefaultBlipTolerance,
		Recovery:           DefaultRecovery,
		MaxSampleGap:       DefaultMaxSampleGap,
		StaleAfter:         DefaultStaleAfter,
		Cooldown:           DefaultCooldown,
		CooldownGrowth:     DefaultCooldownGrowth,
		MaxCooldown:        DefaultMaxCooldown,
		CorrectionWindow:   DefaultCorrectionWindow,
		Acknowledge:        true,
		AckMinInterval:     DefaultAckMinInterval,
		LoadBudget:         DefaultLoadBudget,
		PreBreakNotice:     DefaultPreBreakNotice,
		MaxBreaksPerDay:    DefaultMaxBreaksPerDay,
		BreakLength:        DefaultBreakLength,
		BreakTakenFraction: DefaultBreakTakenFraction,
		BreakWindow:        DefaultBreakWindow,
		AwayDrainAfter:     DefaultAwayDrainAfter,
		AwayFullDrain:      DefaultAwayFullDrain,
	}
}

// A FieldError is one Config field that breaks a rule: Field's Value
// must be Rule, against Bound, which is the value of the field Other when
// Other is set. Package config reports it in its own terms through
// Describe; the wording is written once, here.
type FieldError struct {
	Field string // the Go field, "BlipTolerance"
	Value any    // its value: a time.Duration, float64, int or string
	Rule  Rule
	Other string // the field Bound belongs to ("Onset"), or ""
	Bound any    // a constant, Other's value, or nil for a rule without one
}

// A Rule is what a FieldError's field must be.
type Rule int

const (
	Positive    Rule = iota + 1 // more than 0
	NotNegative                 // 0 or more
	LessThan                    // less than Bound
	AtLeast                     // Bound or more
	Fraction                    // more than 0 and at most 1
	ClockTime                   // a time of day "HH:MM", or empty with Other
	DiffersFrom                 // not Bound
)

// Error names the fields as Go does: "alerts: Config.BlipTolerance = 1m0s,
// must be less than Onset (50s)".
func (e *FieldError) Error() string {
	name := func(f string) string { return f }
	return "alerts: Config." + e.Field + " = " + goValue(e.Value) + ", " + e.Describe(name, goValue)
}

func goValue(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprint(v)
}

// Describe says what the field must be, naming fields with name and
// writing values with value: "must be less than alerts.onset (50s)".
func (e *FieldError) Describe(name func(field string) string, value func(any) string) string {
	bound := func() string {
		if e.Other == "" {
			return value(e.Bound)
		}
		return name(e.Other) + " (" + value(e.Bound) + ")"
	}
	switch e.Rule {
	case Positive:
		return "must be positive"
	case NotNegative:
		return "must not be negative"
	case LessThan:
		return "must be less than " + bound()
	case AtLeast:
		return "must be at least " + bound()
	case Fraction:
		return "must be greater than 0 and at most 1"
	case ClockTime:
		return "must be HH:MM (00:00 to 23:59), or empty with " + name(e.Other) + " empty too (no quiet hours)"
	case DiffersFrom:
		return "must differ from " + name(e.Other) + " (leave both empty for no quiet hours)"
	}
	return fmt.Sprintf("breaks rule %d", e.Rule)
}

// Validate checks what the policy needs to work at all, and returns all
// problems joined (each one a *FieldError), or nil: the durations it
// divides by or waits for are positive, none is negative, BlipTolerance is
// less than Onset and PreBreakNotice less than LoadBudget, CooldownGrowth
// is at least 1, BreakTakenFraction above 0 and at most 1, and the quiet
// hours are both empty or two different times of day. The useful ranges
// of each field are the configuration's (package config).
func (c Config) Validate() error {
	var errs []error
	bad := func(field string, value any, rule Rule, other string, bound any) {
		errs = append(errs, &FieldError{Field: field, Value: value, Rule: rule, Other: other, Bound: bound})
	}
	for _, d := range []struct {
		field    string
		v        time.Duration
		positive bool
	}{
		{"Onset", c.Onset, true}, {"BlipTolerance", c.BlipTolerance, false}, {"Recovery", c.Recovery, true},
		{"MaxSampleGap", c.MaxSampleGap, true}, {"StaleAfter", c.StaleAfter, true}, {"Cooldown", c.Cooldown, true},
		{"MaxCooldown", c.MaxCooldown, true}, {"CorrectionWindow", c.CorrectionWindow, false},
		{"AckMinInterval", c.AckMinInterval, false}, {"LoadBudget", c.LoadBudget, true},
		{"PreBreakNotice", c.PreBreakNotice, false}, {"BreakLength", c.BreakLength, true},
		{"BreakWindow", c.BreakWindow, true}, {"AwayDrainAfter", c.AwayDrainAfter, false},
		{"AwayFullDrain", c.AwayFullDrain, true},
	} {
		switch {
		case d.positive && d.v <= 0:
			bad(d.field, d.v, Positive, "", nil)
		case d.v < 0:
			bad(d.field, d.v, NotNegative, "", nil)
		}
	}
	if c.BlipTolerance >= c.Onset && c.Onset > 0 {
		bad("BlipTolerance", c.BlipTolerance, LessThan, "Onset", c.Onset)
	}
	if c.PreBreakNotice >= c.LoadBudget && c.LoadBudget > 0 {
		bad("PreBreakNotice", c.PreBreakNotice, LessThan, "LoadBudget", c.LoadBudget)
	}
	if !(c.CooldownGrowth >= 1) || math.IsInf(c.CooldownGrowth, 1) {
		bad("CooldownGrowth", c.CooldownGrowth, AtLeast, "", 1.0)
	}
	if c.MaxBreaksPerDay < 0 {
		bad("MaxBreaksPerDay", c.MaxBreaksPerDay, NotNegative, "", nil)
	}
	if !(c.BreakTakenFraction > 0 && c.BreakTakenFraction <= 1) {
		bad("BreakTakenFraction", c.BreakTakenFraction, Fraction, "", nil)
	}
	if c.QuietStart != "" || c.QuietEnd != "" {
		s, errS := ParseClock(c.QuietStart)
		e, errE := ParseClock(c.QuietEnd)
		if errS != nil {
			bad("QuietStart", c.QuietStart, ClockTime, "QuietEnd", nil)
		}
		if errE != nil {
			bad("QuietEnd", c.QuietEnd, ClockTime, "QuietStart", nil)
		}
		if errS == nil && errE == nil && s == e {
			bad("QuietEnd", c.QuietEnd, DiffersFrom, "QuietStart", c.QuietStart)
		}
	}
	return errors.Join(errs...)
}

// ParseClock parses "HH:MM" (24-hour) into minutes after midnight.
// The configuration and the daemon use it for every daily time of day.
func ParseClock(s string) (int, error) {
	if len(s) != 5 || s[2] != ':' {
		return 0, fmt.Errorf("bad clock %q", s)
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("bad clock %q", s)
		}
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	if h > 23 || m > 59 {
		return 0, fmt.Errorf("bad clock %q", s)
	}
	return h*60 + m, nil
}
