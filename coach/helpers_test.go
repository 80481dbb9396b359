package coach

import (
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/posture"
)

// t0 is a Monday morning; tests use UTC as the "local" zone, since wall
// clock rules use the location of the times passed in.
var t0 = time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)

func f64(x float64) *float64 { return &x }

func fwd(sev float64) posture.Verdict {
	return posture.Verdict{State: posture.ForwardHead, Severity: sev, Person: true, Shoulders: true}
}

func fwdFig(sev, cm, deg float64, calibrated bool) posture.Verdict {
	v := fwd(sev)
	v.ForwardCM, v.NeckAngleDeg, v.Calibrated = f64(cm), f64(deg), calibrated
	return v
}

func upright() posture.Verdict {
	return posture.Verdict{State: posture.Upright, Person: true, Shoulders: true}
}
func away() posture.Verdict      { return posture.Verdict{State: posture.Away} }
func uncertain() posture.Verdict { return posture.Verdict{State: posture.Uncertain, Person: true} }
func slouch(sev float64) posture.Verdict {
	return posture.Verdict{State: posture.Slouch, Severity: sev, Person: true, Shoulders: true}
}
func lean(sev float64) posture.Verdict {
	return posture.Verdict{State: posture.Lean, Severity: sev, Person: true, Shoulders: true}
}

// sim drives a policy with a fake clock.
type sim struct {
	t   *testing.T
	p   *policy
	now time.Time
	evs []Event // every event so far
}

func newSim(t *testing.T, cfg Config, baseline *float64, start time.Time) *sim {
	t.Helper()
	p, err := newPolicy(cfg, baseline, start)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &sim{t: t, p: p, now: start}
}

// run observes v every step for d, starting at the current time; the clock
// ends at now+d. It returns the events of this run.
func (s *sim) run(d, step time.Duration, v posture.Verdict) []Event {
	var out []Event
	end := s.now.Add(d)
	for s.now.Before(end) {
		out = append(out, s.p.Observe(s.now, v)...)
		s.now = s.now.Add(step)
	}
	s.now = end
	s.evs = append(s.evs, out...)
	return out
}

// tick calls Tick every step for d.
func (s *sim) tick(d, step time.Duration) []Event {
	var out []Event
	end := s.now.Add(d)
	for s.now.Before(end) {
		out = append(out, s.p.Tick(s.now)...)
		s.now = s.now.Add(step)
	}
	s.now = end
	s.evs = append(s.evs, out...)
	return out
}

// ofKind is the events of kind k, as their type T.
func ofKind[T Event](evs []Event, k Kind) []T {
	var out []T
	for _, e := range evs {
		if t, ok := e.(T); ok && e.Meta().Kind == k {
			out = append(out, t)
		}
	}
	return out
}

func kinds(evs []Event) []Kind {
	var out []Kind
	for _, e := range evs {
		out = append(out, e.Meta().Kind)
	}
	return out
}

// noBreaks returns the default config with break suggestions off, for
// tests about posture alerts only.
func noBreaks() Config {
	c := DefaultConfig()
	c.MaxBreaksPerDay = 0
	return c
}

// shown is the notice e is shown as (the zero Notice when it is only
// recorded); shows reports whether it is shown.
func shown(e Event) Notice { n, _ := noticeOf(e); return n }
func shows(e Event) bool   { _, ok := noticeOf(e); return ok }
