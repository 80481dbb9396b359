package timeline

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/posture"
)

func spansText(spans []Span, t0 time.Time) string {
	s := ""
	for _, sp := range spans {
		s += fmt.Sprintf("[%v–%v %s %.1f]", sp.Start.Sub(t0), sp.End.Sub(t0), sp.State, sp.Severity)
	}
	return s
}

// The time model's rules, one case each: a sample holds until the next,
// at most the max gap; a late sample counts from the time accounted;
// spans split at local midnight; unknown states and severities are
// normalised; a new max gap keeps what is held.
func TestTimeline(t *testing.T) {
	zone := time.FixedZone("UTC+7", 7*3600) // midnight is not UTC's
	t0 := time.Date(2026, 3, 2, 23, 59, 0, 0, zone)
	v := func(st posture.State, sev float64) posture.Verdict { return posture.Verdict{State: st, Severity: sev} }
	type step struct {
		at      time.Duration // from t0
		hold    *posture.Verdict
		advance bool
	}
	hold := func(at time.Duration, pv posture.Verdict) step { return step{at: at, hold: &pv} }
	adv := func(at time.Duration) step { return step{at: at, advance: true} }
	cases := []struct {
		name  string
		gap   time.Duration
		steps []step
		want  string
	}{
		{"a sample holds until the next", 45 * time.Second, []step{hold(0, v(posture.Upright, 0)), hold(10*time.Second, v(posture.Slouch, 0.5)), adv(20 * time.Second)},
			"[0s–10s upright 0.0][10s–20s slouch 0.5]"},
		{"at most the max gap, then unknown", 45 * time.Second, []step{hold(0, v(posture.Upright, 0)), adv(2 * time.Minute)},
			"[0s–45s upright 0.0]"},
		{"split at local midnight", 45 * time.Second, []step{hold(30*time.Second, v(posture.ForwardHead, 2)), adv(70 * time.Second)},
			"[30s–1m0s forward_head 1.0][1m0s–1m10s forward_head 1.0]"},
		{"a late sample counts from the time accounted", 45 * time.Second, []step{hold(0, v(posture.Upright, 0)), adv(20 * time.Second), hold(5*time.Second, v(posture.Lean, math.NaN())), adv(30 * time.Second)},
			"[0s–20s upright 0.0][20s–30s lean 0.0]"},
		{"an unknown state is uncertain", 0, []step{hold(0, v("hunched", -1)), adv(5 * time.Second)},
			"[0s–5s uncertain 0.0]"},
	}
	for _, tc := range cases {
		tl := NewTimeline(t0, tc.gap)
		var spans []Span
		for _, s := range tc.steps {
			if s.hold != nil {
				spans, _, _ = tl.Hold(t0.Add(s.at), *s.hold, spans)
			}
			if s.advance {
				spans = tl.Advance(t0.Add(s.at), spans)
			}
		}
		if got := spansText(spans, t0); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}

	// A reload's new gap keeps the held sample and the time accounted.
	tl := NewTimeline(t0, 10*time.Second)
	tl.Hold(t0, v(posture.Upright, 0), nil)
	tl = tl.WithMaxGap(time.Minute)
	if got := spansText(tl.Advance(t0.Add(30*time.Second), nil), t0); got != "[0s–30s upright 0.0]" {
		t.Errorf("after WithMaxGap: %s, want the sample held 30 s", got)
	}
	if got := tl.Fresh(t0.Add(2 * time.Minute)); got != "" {
		t.Errorf("Fresh after the gap: %q, want none", got)
	}
}
