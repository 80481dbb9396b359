package daemon

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/neckwatch/neckwatch/coach"
	"github.com/neckwatch/neckwatch/posture"
)

// The status document (`neckwatch status --json`) speaks one dialect
// throughout: snake_case keys, durations as Go duration strings ("5m0s"),
// null for a time that is not set (no alert yet, a pause until resumed).
// Status keeps Go values in the process; these types are its wire form.

// jsonDuration is a duration written as a string, rounded to the
// millisecond.
type jsonDuration time.Duration

func (d jsonDuration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).Round(time.Millisecond).String())
}

func (d *jsonDuration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration: want a string like \"5m0s\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = jsonDuration(v)
	return nil
}

// optTime is nil for the zero time.
func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func fromOpt(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// policyJSON is coach.Status on the wire.
type policyJSON struct {
	Phase           coach.Phase  `json:"phase"`
	Posture         *string      `json:"posture"` // null: no recent sample
	Bad             bool         `json:"bad"`
	OnsetElapsed    jsonDuration `json:"onset_elapsed"`
	Onset           jsonDuration `json:"onset"`
	OnsetProgress   float64      `json:"onset_progress"`
	Cooldown        jsonDuration `json:"cooldown"`
	NextAlertAt     *time.Time   `json:"next_alert_at"`
	Load            jsonDuration `json:"load"`
	Budget          jsonDuration `json:"budget"`
	LoadFraction    float64      `json:"load_fraction"`
	LoadToBreak     jsonDuration `json:"load_to_break"`
	TimeToBreak     jsonDuration `json:"time_to_break"`
	BreakWindowOpen bool         `json:"break_window_open"`
	BreaksToday     int          `json:"breaks_today"`
	MaxBreaksPerDay int          `json:"max_breaks_per_day"`
	Paused          bool         `json:"paused"`
	PausedUntil     *time.Time   `json:"paused_until"` // null while paused: until resumed
	Snoozed         bool         `json:"snoozed"`
	SnoozedUntil    *time.Time   `json:"snoozed_until"`
	QuietHours      bool         `json:"quiet_hours"`
	DoNotDisturb    bool         `json:"do_not_disturb"`
}

func policyToJSON(s coach.Status) policyJSON {
	p := policyJSON{
		Phase: s.Phase, Bad: s.Bad,
		OnsetElapsed: jsonDuration(s.OnsetElapsed), Onset: jsonDuration(s.Onset), OnsetProgress: s.OnsetProgress,
		Cooldown: jsonDuration(s.Cooldown), NextAlertAt: optTime(s.NextAlertAt),
		Load: jsonDuration(s.Load), Budget: jsonDuration(s.Budget), LoadFraction: s.LoadFraction,
		LoadToBreak: jsonDuration(s.LoadToBreak), TimeToBreak: jsonDuration(s.TimeToBreak),
		BreakWindowOpen: s.BreakWindowOpen, BreaksToday: s.BreaksToday, MaxBreaksPerDay: s.MaxBreaksPerDay,
		Paused: s.Paused, PausedUntil: optTime(s.PausedUntil),
		Snoozed: s.Snoozed, SnoozedUntil: optTime(s.SnoozedUntil),
		QuietHours: s.QuietHours, DoNotDisturb: s.DoNotDisturb,
	}
	if s.Posture != "" {
		st := string(s.Posture)
		p.Posture = &st
	}
	return p
}

func (p policyJSON) status() coach.Status {
	s := coach.Status{
		Phase: p.Phase, Bad: p.Bad,
		OnsetElapsed: time.Duration(p.OnsetElapsed), Onset: time.Duration(p.Onset), OnsetProgress: p.OnsetProgress,
		Cooldown: time.Duration(p.Cooldown), NextAlertAt: fromOpt(p.NextAlertAt),
		Load: time.Duration(p.Load), Budget: time.Duration(p.Budget), LoadFraction: p.LoadFraction,
		LoadToBreak: time.Duration(p.LoadToBreak), TimeToBreak: time.Duration(p.TimeToBreak),
		BreakWindowOpen: p.BreakWindowOpen, BreaksToday: p.BreaksToday, MaxBreaksPerDay: p.MaxBreaksPerDay,
		Paused: p.Paused, PausedUntil: fromOpt(p.PausedUntil),
		Snoozed: p.Snoozed, SnoozedUntil: fromOpt(p.SnoozedUntil),
		QuietHours: p.QuietHours, DoNotDisturb: p.DoNotDisturb,
	}
	if p.Posture != nil {
		s.Posture = posture.State(*p.Posture)
	}
	return s
}

// statusPlain is Status without its methods, so that the wire form can
// embed it and replace only the policy.
type statusPlain Status

type statusJSON struct {
	statusPlain
	Policy policyJSON `json:"policy"`
}

// MarshalJSON writes the status document.
func (s Status) MarshalJSON() ([]byte, error) {
	return json.Marshal(statusJSON{statusPlain(s), policyToJSON(s.Policy)})
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (s *Status) UnmarshalJSON(b []byte) error {
	var w statusJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*s = Status(w.statusPlain)
	s.Policy = w.Policy.status()
	return nil
}
