package coach

import (
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/posture"
)

func TestOnset(t *testing.T) {
	tests := []struct {
		name      string
		bad       time.Duration
		step      time.Duration
		wantAlert bool
	}{
		{"30s bad run never fires", 30 * time.Second, 5 * time.Second, false},
		{"45s bad run at 1 Hz never fires", 45 * time.Second, time.Second, false},
		{"60s bad run fires once", 60 * time.Second, 5 * time.Second, true},
		{"80s bad run, sparse 20s samples", 80 * time.Second, 20 * time.Second, true},
		{"4 min bad run fires once (cooldown)", 4 * time.Minute, 10 * time.Second, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSim(t, noBreaks(), f64(50), t0)
			s.run(tc.bad, tc.step, fwd(0.8))
			s.run(2*time.Minute, 5*time.Second, upright())
			alerts := ofKind[Alert](s.evs, PostureAlert)
			if !tc.wantAlert {
				if len(alerts) != 0 {
					t.Fatalf("got %d alerts, want none: %v", len(alerts), kinds(s.evs))
				}
				return
			}
			if len(alerts) != 1 {
				t.Fatalf("got %d alerts, want 1: %v", len(alerts), kinds(s.evs))
			}
			at := alerts[0].Meta().At.Sub(t0)
			if at < DefaultOnset || at > DefaultOnset+tc.step {
				t.Errorf("alert at %v, want at onset %v (within one sample step %v)", at, DefaultOnset, tc.step)
			}
			if !shows(alerts[0]) || alerts[0].State != posture.ForwardHead {
				t.Errorf("alert = %+v", alerts[0])
			}
		})
	}
}

func TestKeyboardGlancesNeverFire(t *testing.T) {
	tests := []struct {
		name       string
		bad, up    time.Duration
		step       time.Duration
		repetition int
	}{
		{"5s glances, 10s up", 5 * time.Second, 10 * time.Second, time.Second, 40},
		{"10s glances, 15s up", 10 * time.Second, 15 * time.Second, time.Second, 40},
		{"8s glances, 20s up, 2s samples", 8 * time.Second, 20 * time.Second, 2 * time.Second, 40},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSim(t, noBreaks(), nil, t0)
			for i := 0; i < tc.repetition; i++ {
				s.run(tc.bad, tc.step, fwd(0.9))
				s.run(tc.up, tc.step, upright())
			}
			if n := len(ofKind[Alert](s.evs, PostureAlert)); n != 0 {
				t.Fatalf("keyboard glances fired %d alerts", n)
			}
		})
	}
}

func TestHysteresis(t *testing.T) {
	t.Run("short upright blip keeps onset progress", func(t *testing.T) {
		s := newSim(t, noBreaks(), nil, t0)
		s.run(40*time.Second, time.Second, fwd(0.7))
		s.run(3*time.Second, time.Second, upright())
		if st := s.p.Status(s.now); st.OnsetElapsed < 40*time.Second {
			t.Fatalf("3 s blip reset the onset: %v", st.OnsetElapsed)
		}
		s.run(20*time.Second, time.Second, fwd(0.7))
		alerts := ofKind[Alert](s.evs, PostureAlert)
		if len(alerts) != 1 {
			t.Fatalf("got %d alerts, want 1", len(alerts))
		}
		// 40 s bad + 3 s upright (not counted) + 10 s bad.
		if got := alerts[0].Meta().At.Sub(t0); got != 53*time.Second {
			t.Errorf("alert at %v, want 53s", got)
		}
	})
	t.Run("one upright sample between bursts 6 s apart is a blip", func(t *testing.T) {
		// The daemon's faster rate: a burst every 6 s, each verdict held
		// until the next, longer than the 5 s tolerance. A forward head
		// misread as upright in one burst of five still adds up.
		s := newSim(t, noBreaks(), nil, t0)
		for i := 0; i < 20; i++ {
			v := fwd(0.7)
			if i%5 == 4 {
				v = upright()
			}
			s.run(6*time.Second, 6*time.Second, v)
		}
		alerts := ofKind[Alert](s.evs, PostureAlert)
		if len(alerts) != 1 {
			t.Fatalf("got %d alerts, want 1", len(alerts))
		}
		// 50 s of bad time: eight bad bursts and a ninth after the blip.
		if got := alerts[0].Meta().At.Sub(t0); got > 66*time.Second {
			t.Errorf("alert at %v, want by 66 s", got)
		}
	})
	t.Run("two upright samples the tolerance apart reset onset", func(t *testing.T) {
		s := newSim(t, noBreaks(), nil, t0)
		s.run(36*time.Second, 6*time.Second, fwd(0.7))
		s.run(12*time.Second, 6*time.Second, upright()) // seen at +36 s and +42 s
		s.run(36*time.Second, 6*time.Second, fwd(0.7))
		if n := len(ofKind[Alert](s.evs, PostureAlert)); n != 0 {
			t.Fatalf("got %d alerts, want 0: 6 s of upright seen is more than the 5 s tolerance", n)
		}
	})
	t.Run("long upright resets onset", func(t *testing.T) {
		s := newSim(t, noBreaks(), nil, t0)
		s.run(40*time.Second, time.Second, fwd(0.7))
		s.run(8*time.Second, time.Second, upright())
		s.run(40*time.Second, time.Second, fwd(0.7))
		if n := len(ofKind[Alert](s.evs, PostureAlert)); n != 0 {
			t.Fatalf("got %d alerts, want 0", n)
		}
	})
	t.Run("leaving bad needs sustained upright", func(t *testing.T) {
		s := newSim(t, noBreaks(), nil, t0)
		s.run(60*time.Second, time.Second, fwd(0.7))
		if !s.p.Status(s.now).Bad {
			t.Fatal("not bad after 60 s")
		}
		s.run(6*time.Second, time.Second, upright()) // < Recovery
		s.run(5*time.Second, time.Second, fwd(0.7))
		if st := s.p.Status(s.now); !st.Bad || st.Phase != PhaseBad {
			t.Fatalf("6 s upright left bad: %+v", st)
		}
		if n := len(ofKind[Correction](s.evs, PostureCorrected)); n != 0 {
			t.Fatalf("corrected after a blip")
		}
		s.run(9*time.Second, time.Second, upright())
		if !s.p.Status(s.now).Bad {
			t.Fatal("left bad after 9 s upright, Recovery is 10 s")
		}
		s.run(5*time.Second, time.Second, upright())
		if st := s.p.Status(s.now); st.Bad || st.Phase != PhaseUpright {
			t.Fatalf("still bad after 14 s upright: %+v", st)
		}
		if n := len(ofKind[Correction](s.evs, PostureCorrected)); n != 1 {
			t.Fatalf("got %d corrections, want 1", n)
		}
	})
}

func TestUncertainHolds(t *testing.T) {
	s := newSim(t, noBreaks(), nil, t0)
	s.run(30*time.Second, 5*time.Second, fwd(0.7))
	s.run(60*time.Second, 5*time.Second, uncertain())
	if n := len(ofKind[Alert](s.evs, PostureAlert)); n != 0 {
		t.Fatal("uncertain time advanced the onset")
	}
	if st := s.p.Status(s.now); st.OnsetElapsed != 30*time.Second {
		t.Fatalf("uncertain changed onset progress to %v, want 30s", st.OnsetElapsed)
	}
	s.run(25*time.Second, 5*time.Second, fwd(0.7))
	alerts := ofKind[Alert](s.evs, PostureAlert)
	if len(alerts) != 1 || alerts[0].Meta().At.Sub(t0) != 110*time.Second {
		t.Fatalf("want one alert at 110s (30 s + 20 s bad), got %v", alerts)
	}
}

func TestCooldownGrowthAndReset(t *testing.T) {
	s := newSim(t, noBreaks(), nil, t0)
	s.run(70*time.Minute, 10*time.Second, fwd(0.8))
	alerts := ofKind[Alert](s.evs, PostureAlert)
	wantAt := []time.Duration{50 * time.Second, 5*time.Minute + 50*time.Second, 15*time.Minute + 50*time.Second,
		35*time.Minute + 50*time.Second, 65*time.Minute + 50*time.Second}
	wantCooldown := []time.Duration{5 * time.Minute, 10 * time.Minute, 20 * time.Minute, 30 * time.Minute, 30 * time.Minute}
	if len(alerts) != len(wantAt) {
		t.Fatalf("got %d alerts, want %d", len(alerts), len(wantAt))
	}
	for i, a := range alerts {
		if a.Meta().At.Sub(t0) != wantAt[i] || a.Cooldown != wantCooldown[i] {
			t.Errorf("alert %d at %v cooldown %v, want at %v cooldown %v", i, a.Meta().At.Sub(t0), a.Cooldown, wantAt[i], wantCooldown[i])
		}
	}
	if st := s.p.Status(s.now); st.Cooldown != 30*time.Minute {
		t.Errorf("status cooldown %v, want 30m", st.Cooldown)
	}

	// Correct: the back-off resets to the base cooldown.
	s.run(30*time.Second, 5*time.Second, upright())
	if st := s.p.Status(s.now); st.Cooldown != DefaultCooldown || st.Bad {
		t.Fatalf("after correction cooldown %v bad %v, want %v false", st.Cooldown, st.Bad, DefaultCooldown)
	}
	// Bad again: the base cooldown since the last alert still applies
	// (65m50s + 5m = 70m50s), then the next cooldown is the base one.
	s.evs = nil
	s.run(10*time.Minute, 10*time.Second, fwd(0.8))
	alerts = ofKind[Alert](s.evs, PostureAlert)
	if len(alerts) != 2 {
		t.Fatalf("got %d alerts, want 2", len(alerts))
	}
	if got := alerts[0].Meta().At.Sub(t0); got != 71*time.Minute+20*time.Second {
		// 70m30s correction done; bad from 70m30s, onset at 71m20s.
		t.Errorf("first alert after correction at %v", got)
	}
	if alerts[0].Cooldown != DefaultCooldown || alerts[1].Cooldown != 2*DefaultCooldown {
		t.Errorf("cooldowns after reset %v, %v", alerts[0].Cooldown, alerts[1].Cooldown)
	}
}

func TestCooldownAppliesAcrossQuickCorrection(t *testing.T) {
	s := newSim(t, noBreaks(), nil, t0)
	s.run(60*time.Second, 5*time.Second, fwd(0.8)) // alert at 50 s
	s.run(20*time.Second, 5*time.Second, upright())
	s.run(3*time.Minute, 5*time.Second, fwd(0.8)) // bad again, within cooldown
	alerts := ofKind[Alert](s.evs, PostureAlert)
	if len(alerts) != 1 {
		t.Fatalf("got %d alerts within the base cooldown, want 1", len(alerts))
	}
	s.run(3*time.Minute, 5*time.Second, fwd(0.8))
	alerts = ofKind[Alert](s.evs, PostureAlert)
	if len(alerts) != 2 || alerts[1].Meta().At.Sub(t0) != 50*time.Second+DefaultCooldown {
		t.Fatalf("second alert %v, want at 5m50s", alerts)
	}
}

func TestCorrectionAcknowledgement(t *testing.T) {
	tests := []struct {
		name       string
		cfg        func(*Config)
		badAfter   time.Duration // bad time after the alert before sitting up
		wantWithin bool
		wantNotify bool
		wantTitle  string // "": recorded, not shown
	}{
		{"within a minute", nil, 20 * time.Second, true, true, "Nice, that's better"},
		{"late", nil, 2 * time.Minute, false, false, ""},
		{"acks disabled", func(c *Config) { c.Acknowledge = false }, 20 * time.Second, true, false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := noBreaks()
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			s := newSim(t, cfg, nil, t0)
			s.run(50*time.Second, 5*time.Second, fwd(0.8))
			s.run(5*time.Second+tc.badAfter, 5*time.Second, fwd(0.8)) // alert at 50 s
			s.run(30*time.Second, 5*time.Second, upright())
			alerts := ofKind[Alert](s.evs, PostureAlert)
			corr := ofKind[Correction](s.evs, PostureCorrected)
			if len(alerts) != 1 || len(corr) != 1 {
				t.Fatalf("got %v", kinds(s.evs))
			}
			c := corr[0]
			if c.AlertID != alerts[0].Meta().ID || !c.AlertAt.Equal(alerts[0].Meta().At) {
				t.Errorf("correction refers to alert %d at %v, want %d at %v", c.AlertID, c.AlertAt, alerts[0].Meta().ID, alerts[0].Meta().At)
			}
			if c.CorrectedWithinMinute != tc.wantWithin || shows(c) != tc.wantNotify {
				t.Errorf("within %v notify %v, want %v %v", c.CorrectedWithinMinute, shows(c), tc.wantWithin, tc.wantNotify)
			}
			if want := tc.badAfter + 5*time.Second; c.CorrectedAfter != want {
				t.Errorf("CorrectedAfter %v, want %v", c.CorrectedAfter, want)
			}
			if shown(c).Title != tc.wantTitle {
				t.Errorf("title %q, want %q", shown(c).Title, tc.wantTitle)
			}
			// The acknowledgement is emitted once the upright stretch has
			// lasted Recovery, not later.
			upAt := alerts[0].Meta().At.Add(c.CorrectedAfter)
			if got := c.Meta().At.Sub(upAt); got < DefaultRecovery || got > DefaultRecovery+5*time.Second {
				t.Errorf("correction confirmed %v after sitting up", got)
			}
		})
	}

	t.Run("rate limited", func(t *testing.T) {
		s := newSim(t, noBreaks(), nil, t0)
		for i := 0; i < 2; i++ {
			// Bad until an alert fires, then correct within 20 s.
			for len(ofKind[Alert](s.evs, PostureAlert)) == i {
				s.run(5*time.Second, 5*time.Second, fwd(0.8))
			}
			s.run(20*time.Second, 5*time.Second, fwd(0.8))
			s.run(30*time.Second, 5*time.Second, upright())
		}
		corr := ofKind[Correction](s.evs, PostureCorrected)
		if len(corr) != 2 {
			t.Fatalf("got %v", kinds(s.evs))
		}
		if !shows(corr[0]) || shows(corr[1]) {
			t.Errorf("notify %v %v, want true false (second within AckMinInterval)", shows(corr[0]), shows(corr[1]))
		}
		if !corr[1].CorrectedWithinMinute {
			t.Error("rate limiting must not change the history flag")
		}
	})
}

func TestSnooze(t *testing.T) {
	s := newSim(t, noBreaks(), nil, t0)
	s.p.Snooze(t0, 10*time.Minute)
	if st := s.p.Status(t0); st.Phase != PhaseSnoozed || !st.SnoozedUntil.Equal(t0.Add(10*time.Minute)) {
		t.Fatalf("status %+v", st)
	}
	s.run(10*time.Minute, 10*time.Second, fwd(1))
	if n := len(ofKind[Alert](s.evs, PostureAlert)); n != 0 {
		t.Fatalf("%d alerts while snoozed", n)
	}
	st := s.p.Status(s.now)
	if st.Load < 9*time.Minute || !st.Bad {
		t.Errorf("load %v bad %v: the state machine and load keep running while snoozed", st.Load, st.Bad)
	}
	// Snooze over, still bad: the alert comes now.
	s.run(20*time.Second, 10*time.Second, fwd(1))
	alerts := ofKind[Alert](s.evs, PostureAlert)
	if len(alerts) != 1 || alerts[0].Meta().At.Sub(t0) != 10*time.Minute {
		t.Fatalf("want one alert at snooze end, got %v", alerts)
	}

	t.Run("cancel", func(t *testing.T) {
		s := newSim(t, noBreaks(), nil, t0)
		s.p.Snooze(t0, time.Hour)
		s.run(2*time.Minute, 10*time.Second, fwd(1))
		s.p.Snooze(s.now, 0)
		s.run(10*time.Second, 10*time.Second, fwd(1))
		if n := len(ofKind[Alert](s.evs, PostureAlert)); n != 1 {
			t.Fatalf("%d alerts after cancelling the snooze, want 1", n)
		}
	})
}

func TestPause(t *testing.T) {
	t.Run("until resumed", func(t *testing.T) {
		s := newSim(t, DefaultConfig(), nil, t0)
		s.p.Pause(t0, 0)
		s.run(40*time.Minute, 10*time.Second, fwd(1))
		s.tick(time.Minute, 10*time.Second)
		if len(s.evs) != 0 {
			t.Fatalf("events while paused: %v", kinds(s.evs))
		}
		st := s.p.Status(s.now)
		if st.Phase != PhasePaused || !st.Paused || !st.PausedUntil.IsZero() || st.Load != 0 || st.Bad {
			t.Fatalf("status while paused: %+v", st)
		}
		s.p.Resume(s.now)
		s.run(60*time.Second, 10*time.Second, fwd(1))
		alerts := ofKind[Alert](s.evs, PostureAlert)
		if len(alerts) != 1 || alerts[0].Meta().At.Sub(t0) != 41*time.Minute+50*time.Second {
			t.Fatalf("want one alert 50 s after resume, got %v", alerts)
		}
	})
	t.Run("with duration expires", func(t *testing.T) {
		s := newSim(t, noBreaks(), nil, t0)
		s.run(40*time.Second, 10*time.Second, fwd(1))
		s.p.Pause(s.now, 10*time.Minute) // drops the onset progress
		s.run(10*time.Minute, 10*time.Second, fwd(1))
		if n := len(ofKind[Alert](s.evs, PostureAlert)); n != 0 {
			t.Fatal("alert while paused")
		}
		res := s.tick(time.Second, time.Second)
		if len(res) != 1 || res[0].Meta().Kind != Resumed || shows(res[0]) || !res[0].Meta().At.Equal(t0.Add(40*time.Second+10*time.Minute)) || ofKind[Command](res, Resumed)[0].For != 10*time.Minute {
			t.Fatalf("want a Resumed event at pause end, for the 10 min pause, got %+v", res)
		}
		if st := s.p.Status(s.now); st.Paused || st.OnsetElapsed != 0 {
			t.Fatalf("after expiry: %+v", st)
		}
		s.run(60*time.Second, 10*time.Second, fwd(1))
		if n := len(ofKind[Alert](s.evs, PostureAlert)); n != 1 {
			t.Fatalf("%d alerts after the pause, want 1", n)
		}
	})
	t.Run("resume ends snooze too", func(t *testing.T) {
		s := newSim(t, noBreaks(), nil, t0)
		s.p.Snooze(t0, time.Hour)
		s.p.Resume(t0)
		s.run(60*time.Second, 10*time.Second, fwd(1))
		if n := len(ofKind[Alert](s.evs, PostureAlert)); n != 1 {
			t.Fatalf("%d alerts, want 1", n)
		}
	})
}

func TestQuietHours(t *testing.T) {
	day := func(h, m int) time.Time { return time.Date(2025, 3, 10, h, m, 0, 0, time.UTC) }
	tests := []struct {
		name       string
		start, end string
		at         time.Time
		quiet      bool
	}{
		{"across midnight, late evening", "22:00", "07:00", day(23, 30), true},
		{"across midnight, small hours", "22:00", "07:00", day(3, 0), true},
		{"across midnight, start minute", "22:00", "07:00", day(22, 0), true},
		{"across midnight, after end", "22:00", "07:00", day(7, 30), false},
		{"across midnight, before start", "22:00", "07:00", day(21, 50), false},
		{"lunch", "12:00", "13:00", day(12, 20), true},
		{"lunch, before", "12:00", "13:00", day(11, 50), false},
		{"lunch, end is exclusive", "12:00", "13:00", day(13, 0), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := noBreaks()
			cfg.QuietStart, cfg.QuietEnd = tc.start, tc.end
			s := newSim(t, cfg, nil, tc.at)
			if got := s.p.Status(tc.at).QuietHours; got != tc.quiet {
				t.Fatalf("Status.QuietHours = %v, want %v", got, tc.quiet)
			}
			s.run(60*time.Second, 5*time.Second, fwd(1))
			n := len(ofKind[Alert](s.evs, PostureAlert))
			if tc.quiet && n != 0 || !tc.quiet && n != 1 {
				t.Fatalf("quiet=%v but got %d alerts", tc.quiet, n)
			}
			if st := s.p.Status(s.now); st.Load < 55*time.Second {
				t.Errorf("load %v: it must accrue in quiet hours too", st.Load)
			}
		})
	}

	t.Run("break held until quiet hours end", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.QuietStart, cfg.QuietEnd = "09:00", "09:30"
		s := newSim(t, cfg, nil, day(9, 0))
		s.run(30*time.Minute, 10*time.Second, fwd(1))
		if n := len(ofKind[BreakNotice](s.evs, PreBreakNotice)) + len(ofKind[BreakStart](s.evs, BreakSuggested)); n != 0 {
			t.Fatalf("break events in quiet hours: %v", kinds(s.evs))
		}
		s.run(2*time.Minute, 10*time.Second, fwd(1))
		n := ofKind[BreakNotice](s.evs, PreBreakNotice)
		b := ofKind[BreakStart](s.evs, BreakSuggested)
		if len(n) != 1 || len(b) != 1 || !n[0].Meta().At.Equal(day(9, 30)) || !b[0].Meta().At.Equal(day(9, 31)) {
			t.Fatalf("want notice at 09:30 and suggestion at 09:31, got %+v %+v", n, b)
		}
	})
}

func TestDoNotDisturb(t *testing.T) {
	s := newSim(t, DefaultConfig(), nil, t0)
	s.p.SetDoNotDisturb(true)
	s.run(25*time.Minute, 10*time.Second, fwd(1))
	s.run(2*time.Minute, 10*time.Second, upright())
	if len(s.evs) != 0 {
		t.Fatalf("events during DND: %v", kinds(s.evs))
	}
	if st := s.p.Status(s.now); !st.DoNotDisturb || st.Load < 20*time.Minute {
		t.Fatalf("status %+v", st)
	}
	s.p.SetDoNotDisturb(false)
	// The user corrected during DND: no posture alert is delivered late;
	// the due break gets its notice first, then the suggestion.
	s.run(2*time.Minute, 10*time.Second, upright())
	got := kinds(s.evs)
	if len(got) != 2 || got[0] != PreBreakNotice || got[1] != BreakSuggested {
		t.Fatalf("after DND got %v, want notice then suggestion", got)
	}
	if d := s.evs[1].Meta().At.Sub(s.evs[0].Meta().At); d != DefaultPreBreakNotice {
		t.Errorf("suggestion %v after the notice, want %v", d, DefaultPreBreakNotice)
	}
}

func TestStaleGapRestartsOnset(t *testing.T) {
	s := newSim(t, noBreaks(), nil, t0)
	s.run(40*time.Second, 10*time.Second, fwd(1))
	s.now = s.now.Add(2 * time.Hour) // laptop suspended
	s.run(20*time.Second, 10*time.Second, fwd(1))
	if n := len(ofKind[Alert](s.evs, PostureAlert)); n != 0 {
		t.Fatal("stale onset progress completed after a long gap")
	}
}

func TestLateSampleStillCounts(t *testing.T) {
	s := newSim(t, noBreaks(), nil, t0)
	s.run(40*time.Second, 5*time.Second, fwd(1)) // last bad sample at 35 s
	s.p.Tick(t0.Add(44 * time.Second))
	// An upright sample taken at 42 s, delivered after the tick at 44 s,
	// still replaces the held bad state (at 44 s). Were it dropped, the
	// held bad sample would complete the onset by 60 s.
	evs := s.p.Observe(t0.Add(42*time.Second), upright())
	evs = append(evs, s.p.Tick(t0.Add(60*time.Second))...)
	if len(evs) != 0 {
		t.Fatalf("got %v", kinds(evs))
	}
	// One upright sample is a blip, however long it is held: the onset
	// keeps its progress but does not grow while upright.
	if st := s.p.Status(t0.Add(60 * time.Second)); st.Posture != posture.Upright || st.OnsetElapsed > 44*time.Second {
		t.Fatalf("status %+v", st)
	}
	// A second upright sample, the tolerance after the first, resets it.
	s.p.Observe(t0.Add(61*time.Second), upright())
	if st := s.p.Status(t0.Add(61 * time.Second)); st.Posture != posture.Upright || st.OnsetElapsed != 0 {
		t.Fatalf("after two upright samples 19 s apart: status %+v", st)
	}
}
