package coach

import (
	"errors"
	"fmt"
	"math"
	"time"
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
	DefaultMaxSampleGap = 45 * time.Second
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
	// counts as a response to it (Event.CorrectedWithinMinute).
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
// Durations are wall-clock durations computed from the timestamps given to
// Observe and Tick, never from sample counts.
type Config struct {
	// Onset is the accumulated bad-posture time needed to enter the "bad"
	// phase. Range 5s..30m. Time spent uncertain or away does not count,
	// and does not reset it either.
	Onset time.Duration
	// BlipTolerance is the longest upright stretch inside a bad run that is
	// ignored (the onset timer keeps its progress). 0 means any upright
	// time restarts the run. Range 0..2m and less than Onset.
	BlipTolerance time.Duration
	// Recovery is the sustained upright time needed to leave "bad".
	// Range 1s..10m.
	Recovery time.Duration
	// MaxSampleGap is how long one verdict is held as the current state;
	// time beyond it is unknown and accrues nothing. Range 5s..10m.
	MaxSampleGap time.Duration
	// StaleAfter is the gap between samples after which the posture timers
	// restart silently. Range MaxSampleGap..24h.
	StaleAfter time.Duration

	// Cooldown is the base minimum time between posture alerts.
	// Range 30s..24h.
	Cooldown time.Duration
	// CooldownGrowth multiplies the cooldown after each ignored alert.
	// 1 means no growth. Range 1..10.
	CooldownGrowth float64
	// MaxCooldown caps the grown cooldown. Range Cooldown..24h.
	MaxCooldown time.Duration
	// CorrectionWindow is how soon after an alert a return to upright counts
	// as a correction in response to it. 0 means never. Range 0..30m.
	CorrectionWindow time.Duration
	// Acknowledge enables the "nice, that's better" notification on a
	// correction within CorrectionWindow. The zero value (false) disables
	// it; the PostureCorrected event is still emitted for the history.
	Acknowledge bool
	// AckMinInterval is the minimum time between two acknowledgements.
	// 0 means no rate limit. Range 0..24h.
	AckMinInterval time.Duration

	// LoadBudget is the severity-weighted forward-head time (one second at
	// severity 1 counts one second, at severity 0.5 half a second) after
	// which a break is suggested. Range 1m..12h.
	LoadBudget time.Duration
	// PreBreakNotice is the load left when the pre-break notice fires; at
	// full severity that is exactly this long before the suggestion, at
	// lower severity earlier, never later. The suggestion also waits at
	// least this long of wall time after the notice. 0 disables the
	// notice. Range 0..LoadBudget (exclusive).
	PreBreakNotice time.Duration
	// MaxBreaksPerDay limits break suggestions per local day. 0 disables
	// break suggestions (load is still tracked). Range 0..48.
	MaxBreaksPerDay int
	// BreakLength is the suggested break length. Range 1m..60m.
	BreakLength time.Duration
	// BreakTakenFraction is the fraction of BreakLength the user must be
	// away within BreakWindow for the break to count as taken. Range (0,1].
	BreakTakenFraction float64
	// BreakWindow is how long after a suggestion the break may be taken.
	// Range BreakLength..4h.
	BreakWindow time.Duration
	// AwayDrainAfter is the absence after which being away counts as a
	// natural break: load starts draining and the posture timers restart.
	// Range 30s..4h.
	AwayDrainAfter time.Duration
	// AwayFullDrain is the absence that drains the load completely; the
	// drained fraction is absence/AwayFullDrain. Range AwayDrainAfter..24h.
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

// FieldError reports one invalid Config field.
type FieldError struct {
	Field string // Go field name, e.g. "Onset"
	Msg   string // what is wrong and the allowed range
}

func (e *FieldError) Error() string { return "alerts: Config." + e.Field + " " + e.Msg }

// Validate checks every field and returns all problems joined (each one a
// *FieldError naming the field and its allowed range), or nil.
func (c Config) Validate() error {
	var errs []error
	dur := func(field string, v, lo, hi time.Duration, loName, hiName string) {
		if v < lo || v > hi {
			errs = append(errs, &FieldError{field, fmt.Sprintf("= %v, must be between %s and %s", v, loName, hiName)})
		}
	}
	d := func(v time.Duration) string { return v.String() }

	dur("Onset", c.Onset, 5*time.Second, 30*time.Minute, d(5*time.Second), d(30*time.Minute))
	dur("BlipTolerance", c.BlipTolerance, 0, 2*time.Minute, "0", d(2*time.Minute))
	if c.BlipTolerance >= c.Onset && c.Onset > 0 {
		errs = append(errs, &FieldError{"BlipTolerance", fmt.Sprintf("= %v, must be less than Onset (%v)", c.BlipTolerance, c.Onset)})
	}
	dur("Recovery", c.Recovery, time.Second, 10*time.Minute, d(time.Second), d(10*time.Minute))
	dur("MaxSampleGap", c.MaxSampleGap, 5*time.Second, 10*time.Minute, d(5*time.Second), d(10*time.Minute))
	dur("StaleAfter", c.StaleAfter, c.MaxSampleGap, 24*time.Hour, fmt.Sprintf("MaxSampleGap (%v)", c.MaxSampleGap), d(24*time.Hour))

	dur("Cooldown", c.Cooldown, 30*time.Second, 24*time.Hour, d(30*time.Second), d(24*time.Hour))
	if math.IsNaN(c.CooldownGrowth) || c.CooldownGrowth < 1 || c.CooldownGrowth > 10 {
		errs = append(errs, &FieldError{"CooldownGrowth", fmt.Sprintf("= %v, must be between 1 and 10", c.CooldownGrowth)})
	}
	dur("MaxCooldown", c.MaxCooldown, c.Cooldown, 24*time.Hour, fmt.Sprintf("Cooldown (%v)", c.Cooldown), d(24*time.Hour))
	dur("CorrectionWindow", c.CorrectionWindow, 0, 30*time.Minute, "0", d(30*time.Minute))
	dur("AckMinInterval", c.AckMinInterval, 0, 24*time.Hour, "0", d(24*time.Hour))

	dur("LoadBudget", c.LoadBudget, time.Minute, 12*time.Hour, d(time.Minute), d(12*time.Hour))
	if c.PreBreakNotice < 0 || c.PreBreakNotice >= c.LoadBudget {
		errs = append(errs, &FieldError{"PreBreakNotice", fmt.Sprintf("= %v, must be at least 0 and less than LoadBudget (%v)", c.PreBreakNotice, c.LoadBudget)})
	}
	if c.MaxBreaksPerDay < 0 || c.MaxBreaksPerDay > 48 {
		errs = append(errs, &FieldError{"MaxBreaksPerDay", fmt.Sprintf("= %d, must be between 0 and 48", c.MaxBreaksPerDay)})
	}
	dur("BreakLength", c.BreakLength, time.Minute, time.Hour, d(time.Minute), d(time.Hour))
	if math.IsNaN(c.BreakTakenFraction) || c.BreakTakenFraction <= 0 || c.BreakTakenFraction > 1 {
		errs = append(errs, &FieldError{"BreakTakenFraction", fmt.Sprintf("= %v, must be greater than 0 and at most 1", c.BreakTakenFraction)})
	}
	dur("BreakWindow", c.BreakWindow, c.BreakLength, 4*time.Hour, fmt.Sprintf("BreakLength (%v)", c.BreakLength), d(4*time.Hour))
	dur("AwayDrainAfter", c.AwayDrainAfter, 30*time.Second, 4*time.Hour, d(30*time.Second), d(4*time.Hour))
	dur("AwayFullDrain", c.AwayFullDrain, c.AwayDrainAfter, 24*time.Hour, fmt.Sprintf("AwayDrainAfter (%v)", c.AwayDrainAfter), d(24*time.Hour))

	if c.QuietStart != "" || c.QuietEnd != "" {
		s, errS := ParseClock(c.QuietStart)
		e, errE := ParseClock(c.QuietEnd)
		if errS != nil {
			errs = append(errs, &FieldError{"QuietStart", fmt.Sprintf("= %q, must be HH:MM (00:00 to 23:59), or both QuietStart and QuietEnd empty", c.QuietStart)})
		}
		if errE != nil {
			errs = append(errs, &FieldError{"QuietEnd", fmt.Sprintf("= %q, must be HH:MM (00:00 to 23:59), or both QuietStart and QuietEnd empty", c.QuietEnd)})
		}
		if errS == nil && errE == nil && s == e {
			errs = append(errs, &FieldError{"QuietEnd", fmt.Sprintf("= %q, must differ from QuietStart (leave both empty for no quiet hours)", c.QuietEnd)})
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
