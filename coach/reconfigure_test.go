package coach

import (
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/posture"
)

// A reload that changes alerts.cooldown applies to the posture run under
// way at once, as the README says [alerts] do: status shows the new
// cooldown (grown as often as alerts were ignored in this bad phase) and
// the next alert time follows from it. The old reload kept the running
// run's 30 s and its next-alert time until the next correction.
func TestReconfigureAppliesTheNewCooldownAtOnce(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.Local)
	old := DefaultConfig()
	old.Cooldown, old.CooldownGrowth, old.MaxCooldown = 30*time.Second, 2, 30*time.Minute
	cases := []struct {
		name      string
		alerts    int  // alerts given in the bad phase
		corrected bool // the user sat upright after them
		cooldown  time.Duration
		growth    float64
		max       time.Duration
		want      time.Duration
	}{
		{"one alert, longer base", 1, false, 2 * time.Minute, 2, 30 * time.Minute, 2 * time.Minute},
		{"one alert ignored, grown once", 2, false, 2 * time.Minute, 2, 30 * time.Minute, 4 * time.Minute},
		{"grown, capped by the new maximum", 3, false, 2 * time.Minute, 3, 10 * time.Minute, 10 * time.Minute},
		{"shorter base", 1, false, 10 * time.Second, 2, 30 * time.Minute, 10 * time.Second},
		{"after a correction: the base", 2, true, 2 * time.Minute, 2, 30 * time.Minute, 2 * time.Minute},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := NewSession(old, SessionOptions{Calibrated: true}, t0)
			if err != nil {
				t.Fatal(err)
			}
			at, alerts := t0, 0
			var lastAlert time.Time
			for ; alerts < tc.alerts; at = at.Add(5 * time.Second) {
				if at.Sub(t0) > time.Hour {
					t.Fatalf("%d alerts in an hour of bad posture, want %d", alerts, tc.alerts)
				}
				_, recs, _ := split(s.Sample(at, posture.Verdict{State: posture.ForwardHead, Severity: 1, Person: true}))
				for _, k := range recs {
					if k == PostureAlert {
						alerts++
						lastAlert = at
					}
				}
			}
			if tc.corrected {
				for end := at.Add(old.Recovery + 10*time.Second); at.Before(end); at = at.Add(5 * time.Second) {
					s.Sample(at, posture.Verdict{State: posture.Upright, Person: true})
				}
			}
			cfg := old
			cfg.Cooldown, cfg.CooldownGrowth, cfg.MaxCooldown = tc.cooldown, tc.growth, tc.max
			if err := s.Reconfigure(cfg, nil, at); err != nil {
				t.Fatal(err)
			}
			st := s.Status(at)
			if st.Cooldown != tc.want || !st.NextAlertAt.Equal(lastAlert.Add(tc.want)) {
				t.Errorf("after the reload: cooldown %v, next alert %v; want %v, %v (the last alert + the new cooldown)",
					st.Cooldown, st.NextAlertAt.Format("15:04:05"), tc.want, lastAlert.Add(tc.want).Format("15:04:05"))
			}
		})
	}
}
