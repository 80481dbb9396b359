// Package timeline is neckwatch's one time model: posture samples held
// until the next one (for at most a gap), turned into spans of state time.
// The coach decides from it and the history stores what it accrues, so
// neither needs the other. Pure Go over posture states: no I/O.
package timeline

import (
	"math"
	"time"

	"github.com/neckwatch/neckwatch/posture"
)

// Span is a stretch of time with one meaning: the held sample's State, at
// its Severity, from Start to End. Spans never cross a local midnight.
type Span struct {
	Start, End time.Time
	State      posture.State
	Severity   float64
}

// Timeline is the one time model of neckwatch, used by the alert logic and
// by the history alike, so that time is accrued one way:
//
//   - each sample holds from its timestamp until the next one, but for at
//     most MaxGap; time beyond that is unknown and yields no span;
//   - a sample older than the time already accounted for is treated as that
//     time (a late sample still counts, with zero duration for the one
//     before it): time never runs back;
//   - a state it does not know is held as uncertain (someone may be there,
//     no evidence either way) and the severity is clamped to 0..1 (NaN: 0).
//
// It is a plain value: not safe for concurrent use.
type Timeline struct {
	maxGap    time.Duration
	accounted time.Time // time turned into spans up to
	held      posture.State
	heldSev   float64
	heldAt    time.Time
}

// DefaultMaxGap is how long one sample is assumed to still hold when
// nothing else is configured (the coach's alerts.max_sample_gap default).
const DefaultMaxGap = 45 * time.Second

// NewTimeline starts a timeline at start (nothing before it is accounted
// for); maxGap <= 0 means DefaultMaxGap.
func NewTimeline(start time.Time, maxGap time.Duration) Timeline {
	if maxGap <= 0 {
		maxGap = DefaultMaxGap
	}
	return Timeline{maxGap: maxGap, accounted: start}
}

// WithMaxGap is t with another max gap, keeping the held sample and the
// time accounted (a configuration reload); maxGap <= 0 means DefaultMaxGap.
func (t Timeline) WithMaxGap(maxGap time.Duration) Timeline {
	if maxGap <= 0 {
		maxGap = DefaultMaxGap
	}
	t.maxGap = maxGap
	return t
}

// NormState is s, or uncertain for a state neckwatch does not know.
func NormState(s posture.State) posture.State {
	if _, err := posture.ParseState(string(s)); err != nil {
		return posture.Uncertain
	}
	return s
}

// NormSeverity clamps a severity to 0..1 (NaN counts as 0).
func NormSeverity(sev float64) float64 {
	switch {
	case math.IsNaN(sev) || sev < 0:
		return 0
	case sev > 1:
		return 1
	}
	return sev
}

// Clamp applies the late-sample rule: a time before the accounted time is
// that time.
func (t *Timeline) Clamp(now time.Time) time.Time {
	if now.Before(t.accounted) {
		return t.accounted
	}
	return now
}

// Accounted is the time the timeline has turned into spans up to.
func (t *Timeline) Accounted() time.Time { return t.accounted }

// Advance turns the time from the accounted time to now into spans of the
// held sample, split at its hold end and at local midnights, and appends
// them to spans. Unknown time (no sample held, or beyond the hold) yields
// none.
func (t *Timeline) Advance(now time.Time, spans []Span) []Span {
	for t.accounted.Before(now) {
		if t.held == "" {
			t.accounted = now
			break
		}
		end := t.heldAt.Add(t.maxGap)
		if !end.After(t.accounted) {
			t.accounted = now // the hold ran out: unknown from here
			break
		}
		if now.Before(end) {
			end = now
		}
		if m := nextMidnight(t.accounted); m.Before(end) {
			end = m
		}
		spans = append(spans, Span{Start: t.accounted, End: end, State: t.held, Severity: t.heldSev})
		t.accounted = end
	}
	return spans
}

// Hold advances to at (see Advance; at is clamped first) and makes the
// verdict the held sample from at on. It returns the spans and the state
// and severity held, normalised.
func (t *Timeline) Hold(at time.Time, v posture.Verdict, spans []Span) ([]Span, posture.State, float64) {
	at = t.Clamp(at)
	spans = t.Advance(at, spans)
	t.held, t.heldSev, t.heldAt = NormState(v.State), NormSeverity(v.Severity), at
	return spans, t.held, t.heldSev
}

// Fresh is the held sample's state while it still describes now ("" when
// there is none or its hold ran out).
func (t *Timeline) Fresh(now time.Time) posture.State {
	if t.held == "" || now.Sub(t.heldAt) > t.maxGap {
		return ""
	}
	return t.held
}

// Last is the last sample held, fresh or not ("" after Drop), with its
// time and severity.
func (t *Timeline) Last() (posture.State, time.Time, float64) { return t.held, t.heldAt, t.heldSev }

// Drop forgets the held sample and accounts for the time up to now
// without spans: the time since the last sample is not credited (a pause,
// a forget).
func (t *Timeline) Drop(now time.Time) {
	t.held = ""
	if now.After(t.accounted) {
		t.accounted = now
	}
}

// nextMidnight is the start of the local day after t's.
func nextMidnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, t.Location())
}
