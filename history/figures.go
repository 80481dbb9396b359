package history

import (
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// Figures are the numbers behind an event as the coach decided it, kept
// as numbers so that a report can use them (the words are the reader's).
// A zero duration or a nil measure is not known, or not of the event's
// kind.
type Figures struct {
	// Posture alert: the bad time of the run and its median neck angle
	// and forward distance.
	BadFor       time.Duration
	NeckAngleDeg *float64
	ForwardCM    *float64
	// Correction: the time from the alert to sitting upright.
	CorrectedAfter time.Duration
	// Break suggested: the forward-head load built up, its budget and the
	// break suggested.
	Load, Budget, BreakLength time.Duration
	// Break taken or skipped: the time away counted after the suggestion.
	AwayFor time.Duration
	// Pause or snooze: its length (0: until resumed).
	For time.Duration
}

// figuresJSON is how Figures are stored (the events' figures column, the
// unwritten file) and exported: durations in seconds, like the rest of
// the export; what is not known is left out.
type figuresJSON struct {
	BadForS         float64  `json:"bad_for_s,omitempty"`
	NeckAngleDeg    *float64 `json:"neck_angle_deg,omitempty"`
	ForwardCM       *float64 `json:"forward_cm,omitempty"`
	CorrectedAfterS float64  `json:"corrected_after_s,omitempty"`
	LoadS           float64  `json:"load_s,omitempty"`
	BudgetS         float64  `json:"budget_s,omitempty"`
	BreakS          float64  `json:"break_s,omitempty"`
	AwayS           float64  `json:"away_s,omitempty"`
	ForS            float64  `json:"for_s,omitempty"`
}

// IsZero reports whether no figure is known.
func (f Figures) IsZero() bool { return f.stored() == (figuresJSON{}) }

func (f Figures) stored() figuresJSON {
	fin := func(p *float64) *float64 {
		if p == nil || math.IsNaN(*p) || math.IsInf(*p, 0) {
			return nil
		}
		v := *p
		return &v
	}
	return figuresJSON{
		BadForS: f.BadFor.Seconds(), NeckAngleDeg: fin(f.NeckAngleDeg), ForwardCM: fin(f.ForwardCM),
		CorrectedAfterS: f.CorrectedAfter.Seconds(), LoadS: f.Load.Seconds(), BudgetS: f.Budget.Seconds(),
		BreakS: f.BreakLength.Seconds(), AwayS: f.AwayFor.Seconds(), ForS: f.For.Seconds(),
	}
}

// MarshalJSON writes the stored form (NaN and infinite measures left out).
func (f Figures) MarshalJSON() ([]byte, error) { return json.Marshal(f.stored()) }

// UnmarshalJSON reads the stored form.
func (f *Figures) UnmarshalJSON(b []byte) error {
	var j figuresJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	d := func(s float64) time.Duration { return time.Duration(math.Round(s * float64(time.Second))) }
	*f = Figures{
		BadFor: d(j.BadForS), NeckAngleDeg: j.NeckAngleDeg, ForwardCM: j.ForwardCM,
		CorrectedAfter: d(j.CorrectedAfterS), Load: d(j.LoadS), Budget: d(j.BudgetS),
		BreakLength: d(j.BreakS), AwayFor: d(j.AwayS), For: d(j.ForS),
	}
	return nil
}

// column is the figures as the database stores them: "" when none.
func (f Figures) column() string {
	if f.IsZero() {
		return ""
	}
	b, _ := json.Marshal(f) // plain numbers: cannot fail
	return string(b)
}

// parseFigures reads the figures column ("" in rows written before the
// column existed: no figures).
func parseFigures(s string) (Figures, error) {
	var f Figures
	if s == "" {
		return f, nil
	}
	if err := json.Unmarshal([]byte(s), &f); err != nil {
		return f, fmt.Errorf("an event's figures %q: %w", s, err)
	}
	return f, nil
}

// bounds is the table of the figures' plausible ranges, for the unwritten
// file's check: add a line with a new figure.
func (f Figures) bounds() []bound {
	const day = float64(24 * time.Hour)
	b := []bound{
		{field: "figures.bad_for", v: float64(f.BadFor), max: day, desc: "a day"},
		{field: "figures.corrected_after", v: float64(f.CorrectedAfter), max: day, desc: "a day"},
		{field: "figures.load", v: float64(f.Load), max: day, desc: "a day"},
		{field: "figures.budget", v: float64(f.Budget), max: day, desc: "a day"},
		{field: "figures.break", v: float64(f.BreakLength), max: day, desc: "a day"},
		{field: "figures.away", v: float64(f.AwayFor), max: day, desc: "a day"},
		// A pause until resumed can last a holiday: its length is checked
		// against a year, not a week (a longer file would be refused whole).
		{field: "figures.for", v: float64(f.For), max: 366 * day, desc: "a year"},
	}
	if f.NeckAngleDeg != nil {
		b = append(b, bound{field: "figures.neck_angle_deg", v: *f.NeckAngleDeg, min: -180, max: 180})
	}
	if f.ForwardCM != nil {
		b = append(b, bound{field: "figures.forward_cm", v: *f.ForwardCM, min: -200, max: 200})
	}
	return b
}
