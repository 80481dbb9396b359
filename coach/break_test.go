package coach

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/posture"
)

func TestLoadBudgetSeverityWeighting(t *testing.T) {
	tests := []struct {
		severity float64
		want     time.Duration // wall time to the suggestion
	}{
		{1, 20 * time.Minute},
		{0.5, 40 * time.Minute}, // half the severity takes twice as long
		{0.25, 80 * time.Minute},
	}
	for _, tc := range tests {
		s := newSim(t, DefaultConfig(), nil, t0)
		s.run(tc.want+time.Minute, 10*time.Second, fwd(tc.severity))
		b := ofKind[BreakStart](s.evs, BreakSuggested)
		if len(b) != 1 {
			t.Fatalf("severity %v: got %d suggestions", tc.severity, len(b))
		}
		if got := b[0].Meta().At.Sub(t0); got != tc.want {
			t.Errorf("severity %v: suggestion after %v, want %v", tc.severity, got, tc.want)
		}
		if b[0].Load < DefaultLoadBudget || b[0].Budget != DefaultLoadBudget {
			t.Errorf("severity %v: event load %v budget %v", tc.severity, b[0].Load, b[0].Budget)
		}
	}
}

func TestLoadStates(t *testing.T) {
	s := newSim(t, noBreaks(), nil, t0)
	s.run(10*time.Minute, 10*time.Second, lean(1))
	if got := s.p.Status(s.now).Load; got != 0 {
		t.Errorf("leaning loaded the neck: %v", got)
	}
	s.run(10*time.Minute, 10*time.Second, slouch(0.5))
	s.p.Tick(s.now) // the last sample holds until now
	if got := s.p.Status(s.now).Load; got != 5*time.Minute {
		t.Errorf("10 min slouch at 0.5: load %v, want 5m", got)
	}
	s.run(10*time.Minute, 10*time.Second, upright())
	s.run(10*time.Minute, 10*time.Second, uncertain())
	if got := s.p.Status(s.now).Load; got != 5*time.Minute {
		t.Errorf("upright/uncertain changed the load: %v", got)
	}
}

func TestPreBreakNotice(t *testing.T) {
	s := newSim(t, DefaultConfig(), nil, t0)
	s.run(22*time.Minute, 10*time.Second, fwd(1))
	n := ofKind[BreakNotice](s.evs, PreBreakNotice)
	b := ofKind[BreakStart](s.evs, BreakSuggested)
	if len(n) != 1 || len(b) != 1 {
		t.Fatalf("got %v", kinds(s.evs))
	}
	if got := n[0].Meta().At.Sub(t0); got != 19*time.Minute {
		t.Errorf("notice at %v, want 19m", got)
	}
	if got := b[0].Meta().At.Sub(n[0].Meta().At); got != DefaultPreBreakNotice {
		t.Errorf("suggestion %v after notice, want %v", got, DefaultPreBreakNotice)
	}
	if n[0].Meta().ID > b[0].Meta().ID || !shows(n[0]) || !strings.Contains(shown(n[0]).Title, "1 min") {
		t.Errorf("notice %+v", n[0])
	}

	t.Run("disabled", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.PreBreakNotice = 0
		s := newSim(t, cfg, nil, t0)
		s.run(22*time.Minute, 10*time.Second, fwd(1))
		if len(ofKind[BreakNotice](s.evs, PreBreakNotice)) != 0 {
			t.Fatal("notice although disabled")
		}
		b := ofKind[BreakStart](s.evs, BreakSuggested)
		if len(b) != 1 || b[0].Meta().At.Sub(t0) != 20*time.Minute {
			t.Fatalf("suggestions %v", b)
		}
	})
}

func TestBreakTakenOrSkipped(t *testing.T) {
	// Each case starts right after the suggestion at 20 min.
	tests := []struct {
		name  string
		after func(s *sim)
		want  Kind
		atMin time.Duration // when the verdict is given, from t0
	}{
		{"away 4 min", func(s *sim) {
			s.run(4*time.Minute, 10*time.Second, away())
		}, BreakTaken, 23*time.Minute + 10*time.Second},
		{"away twice 2 min adds up", func(s *sim) {
			s.run(2*time.Minute, 10*time.Second, away())
			s.run(time.Minute, 10*time.Second, fwd(1))
			s.run(2*time.Minute, 10*time.Second, away())
		}, BreakTaken, 24*time.Minute + 10*time.Second},
		{"kept working", func(s *sim) {
			s.run(16*time.Minute, 10*time.Second, fwd(1))
		}, BreakSkipped, 35 * time.Minute},
		{"away too short", func(s *sim) {
			s.run(2*time.Minute, 10*time.Second, away())
			s.run(14*time.Minute, 10*time.Second, upright())
		}, BreakSkipped, 35 * time.Minute},
		{"ticks only", func(s *sim) {
			s.run(time.Minute, 10*time.Second, upright())
			s.tick(15*time.Minute, 5*time.Second)
		}, BreakSkipped, 35 * time.Minute},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSim(t, DefaultConfig(), nil, t0)
			s.run(20*time.Minute+10*time.Second, 10*time.Second, fwd(1))
			if len(ofKind[BreakStart](s.evs, BreakSuggested)) != 1 || !s.p.Status(s.now).BreakWindowOpen {
				t.Fatalf("no suggestion: %v", kinds(s.evs))
			}
			s.evs = nil
			tc.after(s)
			got := append(ofKind[BreakEnd](s.evs, BreakTaken), ofKind[BreakEnd](s.evs, BreakSkipped)...)
			if len(got) != 1 || got[0].Meta().Kind != tc.want {
				t.Fatalf("got %v, want one %s", kinds(s.evs), tc.want)
			}
			if at := got[0].Meta().At.Sub(t0); at != tc.atMin {
				t.Errorf("%s at %v, want %v", got[0].Meta().Kind, at, tc.atMin)
			}
			if shows(got[0]) {
				t.Error("break verdicts are history-only")
			}
			st := s.p.Status(s.now)
			if st.BreakWindowOpen || st.BreaksToday != 1 {
				t.Errorf("status %+v", st)
			}
			if tc.want == BreakTaken && st.Load != 0 {
				t.Errorf("load %v after a taken break, want 0", st.Load)
			}
			if tc.want == BreakSkipped && st.Load > 2*time.Minute {
				t.Errorf("load %v after a skip: a new budget starts", st.Load)
			}
		})
	}
}

func TestBreakWindowEndsOnTime(t *testing.T) {
	// With sparse samples a held "away" may straddle the window end: only
	// the part inside the window counts.
	cfg := DefaultConfig()
	cfg.MaxSampleGap, cfg.StaleAfter = 10*time.Minute, 20*time.Minute
	s := newSim(t, cfg, nil, t0)
	s.run(33*time.Minute, 10*time.Second, fwd(1)) // suggestion at 20m, window to 35m
	s.p.Observe(t0.Add(33*time.Minute), away())
	evs := s.p.Observe(t0.Add(39*time.Minute), away())
	if end := ofKind[BreakEnd](evs, BreakSkipped); len(evs) != 1 || len(end) != 1 || end[0].AwayFor != 2*time.Minute {
		t.Fatalf("got %+v", evs)
	}
}

func TestAwayAsBreak(t *testing.T) {
	t.Run("short absence pauses the onset", func(t *testing.T) {
		s := newSim(t, noBreaks(), nil, t0)
		s.run(30*time.Second, 5*time.Second, fwd(1))
		s.run(2*time.Minute, 5*time.Second, away())
		if st := s.p.Status(s.now); st.Phase != PhaseAway || st.OnsetElapsed != 30*time.Second {
			t.Fatalf("status while away %+v", st)
		}
		s.run(30*time.Second, 5*time.Second, fwd(1))
		a := ofKind[Alert](s.evs, PostureAlert)
		if len(a) != 1 || a[0].Meta().At.Sub(t0) != 170*time.Second {
			t.Fatalf("want alert at 170 s (30 s + 20 s bad, away not counted), got %v", a)
		}
	})
	t.Run("away never counts as bad", func(t *testing.T) {
		s := newSim(t, DefaultConfig(), nil, t0)
		s.run(2*time.Hour, 30*time.Second, away())
		if len(s.evs) != 0 || s.p.Status(s.now).Load != 0 {
			t.Fatalf("away produced %v", kinds(s.evs))
		}
	})
	t.Run("natural break restarts the onset", func(t *testing.T) {
		s := newSim(t, noBreaks(), nil, t0)
		s.run(40*time.Second, 5*time.Second, fwd(1))
		s.run(6*time.Minute, 10*time.Second, away())
		s.run(20*time.Second, 5*time.Second, fwd(1))
		if n := len(ofKind[Alert](s.evs, PostureAlert)); n != 0 {
			t.Fatal("onset progress survived a natural break")
		}
	})

	drain := []struct {
		away time.Duration
		want time.Duration
	}{
		{4 * time.Minute, 10 * time.Minute},                // too short: no drain
		{5 * time.Minute, 7*time.Minute + 30*time.Second},  // 5/20 drained
		{10 * time.Minute, 5 * time.Minute},                // half
		{15 * time.Minute, 2*time.Minute + 30*time.Second}, // three quarters
		{25 * time.Minute, 0},                              // all
		{90 * time.Minute, 0},                              // all
		{30 * time.Second, 10 * time.Minute},               // stepping out
		{4*time.Minute + 50*time.Second, 10 * time.Minute}, // just under
		{5*time.Minute + 10*time.Second, 7*time.Minute + 25*time.Second},
	}
	for _, tc := range drain {
		t.Run("drain after "+tc.away.String(), func(t *testing.T) {
			s := newSim(t, noBreaks(), nil, t0)
			s.run(10*time.Minute, 10*time.Second, fwd(1))
			s.run(tc.away, 10*time.Second, away())
			s.p.Observe(s.now, uncertain()) // back: closes the absence
			got := s.p.Status(s.now).Load
			if d := got - tc.want; d < -time.Second || d > time.Second {
				t.Errorf("load after %v away = %v, want %v", tc.away, got, tc.want)
			}
		})
	}
}

func TestMaxBreaksPerDayAndRollover(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2025, 3, 10, h, m, 0, 0, time.UTC) }
	s := newSim(t, DefaultConfig(), nil, at(22, 30))
	s.run(89*time.Minute, 10*time.Second, fwd(1)) // 22:30 .. 23:59
	if st := s.p.Status(s.now); st.BreaksToday != 1 || st.Load < 20*time.Minute {
		t.Fatalf("before midnight: %+v", st)
	}
	s.run(31*time.Minute, 10*time.Second, fwd(1)) // .. 00:30
	var got []string
	for _, e := range s.evs {
		if e.Meta().Kind == PreBreakNotice || e.Meta().Kind == BreakSuggested || e.Meta().Kind == BreakSkipped {
			got = append(got, string(e.Meta().Kind)+"@"+e.Meta().At.Format("15:04"))
		}
	}
	want := []string{
		"pre_break_notice@22:49", "break_suggested@22:50", "break_skipped@23:05",
		// 23:25 would be due again, but one break a day is the default.
		"pre_break_notice@00:19", "break_suggested@00:20",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("got  %v\nwant %v", got, want)
	}
	if st := s.p.Status(s.now); st.BreaksToday != 1 {
		t.Errorf("breaks today %d after the new day's suggestion", st.BreaksToday)
	}

	t.Run("two a day", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.MaxBreaksPerDay = 2
		s := newSim(t, cfg, nil, at(9, 0))
		s.run(3*time.Hour, 10*time.Second, fwd(1))
		b := ofKind[BreakStart](s.evs, BreakSuggested)
		if len(b) != 2 || b[1].Meta().At.Sub(b[0].Meta().At) != 35*time.Minute {
			// 20 min to the first, skipped 15 min later, 20 min again.
			t.Fatalf("suggestions %v", kinds(s.evs))
		}
	})
	t.Run("zero disables", func(t *testing.T) {
		s := newSim(t, noBreaks(), nil, at(9, 0))
		s.run(3*time.Hour, 10*time.Second, fwd(1))
		if n := len(ofKind[BreakStart](s.evs, BreakSuggested)) + len(ofKind[BreakNotice](s.evs, PreBreakNotice)); n != 0 {
			t.Fatalf("%d break events with MaxBreaksPerDay 0", n)
		}
	})
}

func TestFirstBreakSafetyNote(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxBreaksPerDay = 3
	s := newSim(t, cfg, nil, t0)
	s.run(2*time.Hour, 10*time.Second, fwd(1))
	b := ofKind[BreakStart](s.evs, BreakSuggested)
	if len(b) != 3 {
		t.Fatalf("got %d suggestions", len(b))
	}
	if !b[0].SafetyNote || !strings.Contains(shown(b[0]).Body, SafetyNote) {
		t.Errorf("first suggestion lacks the safety note:\n%s", shown(b[0]).Body)
	}
	for _, e := range b[1:] {
		if e.SafetyNote || strings.Contains(shown(e).Body, "numbness") || !strings.Contains(shown(e).Body, SafetyPointer) {
			t.Errorf("later suggestion should only point to the note:\n%s", shown(e).Body)
		}
	}
	for _, e := range b {
		for _, w := range []string{"5-10 minutes", "gentle", "never jerky", "head supported", "stretching", "every day"} {
			if !strings.Contains(shown(e).Body, w) {
				t.Errorf("break text lacks %q:\n%s", w, shown(e).Body)
			}
		}
	}
}

func TestSafetyNoteContent(t *testing.T) {
	for _, w := range []string{"clinician", "numbness", "tingling", "arms or hands", "upper-back", "trauma",
		"disc", "bone", "infection", "tumour", "fracture", "osteoporosis", "cervical instability"} {
		if !strings.Contains(SafetyNote, w) {
			t.Errorf("SafetyNote lacks %q", w)
		}
	}
	if Safety() != SafetyNote {
		t.Error("Safety() differs from SafetyNote")
	}
}

func TestSnapshotRestore(t *testing.T) {
	s := newSim(t, DefaultConfig(), nil, t0)
	s.run(25*time.Minute, 10*time.Second, fwd(1)) // one suggestion, load 25 min
	snap := s.p.Snapshot()
	if snap.Day != "2025-03-10" || snap.BreaksToday != 1 || !snap.FirstBreakShown || math.Abs(snap.LoadSeconds-1490) > 1e-6 {
		t.Fatalf("snapshot %+v", snap)
	}
	raw, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{`"day"`, `"load_seconds"`, `"breaks_today"`, `"first_break_shown"`} {
		if !strings.Contains(string(raw), k) {
			t.Errorf("JSON %s lacks %s", raw, k)
		}
	}
	var back Snapshot
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}

	later := s.now.Add(time.Hour)
	p2, _ := newPolicy(DefaultConfig(), nil, later)
	if err := p2.Restore(back, later); err != nil {
		t.Fatal(err)
	}
	if got := p2.Snapshot(); got != snap {
		t.Errorf("same-day round trip: %+v, want %+v", got, snap)
	}

	nextDay := t0.Add(24 * time.Hour)
	p3, _ := newPolicy(DefaultConfig(), nil, nextDay)
	if err := p3.Restore(back, nextDay); err != nil {
		t.Fatal(err)
	}
	if got := p3.Snapshot(); got.LoadSeconds != 0 || got.BreaksToday != 0 || !got.FirstBreakShown || got.Day != "2025-03-11" {
		t.Errorf("next-day restore: %+v", got)
	}

	// The flag survives: the next day's first suggestion only points to
	// the safety note.
	s3 := &sim{t: t, p: p3, now: nextDay}
	s3.run(21*time.Minute, 10*time.Second, fwd(1))
	b := ofKind[BreakStart](s3.evs, BreakSuggested)
	if len(b) != 1 || b[0].SafetyNote {
		t.Errorf("after restore: %+v", b)
	}

	for _, bad := range []Snapshot{
		{Day: "2025-03-10", LoadSeconds: -1},
		{Day: "2025-03-10", LoadSeconds: math.NaN()},
		{Day: "2025-03-10", BreaksToday: -1},
		{Day: "10/03/2025"},
	} {
		if err := p2.Restore(bad, later); err == nil {
			t.Errorf("Restore(%+v) accepted", bad)
		}
	}
}

func TestStatus(t *testing.T) {
	s := newSim(t, DefaultConfig(), nil, t0)
	if st := s.p.Status(t0); st.Phase != PhaseUnknown || st.Budget != DefaultLoadBudget || st.MaxBreaksPerDay != 1 {
		t.Fatalf("initial status %+v", st)
	}
	s.run(25*time.Second, 5*time.Second, fwd(1))
	st := s.p.Status(s.now)
	if st.Phase != PhaseUpright || st.OnsetProgress != 0.4 || st.Posture != "forward_head" {
		t.Errorf("during onset %+v", st)
	}
	s.run(10*time.Minute, 10*time.Second, fwd(0.5))
	st = s.p.Status(s.now)
	if st.Phase != PhaseBad || st.OnsetProgress != 1 || st.NextAlertAt.IsZero() {
		t.Errorf("bad %+v", st)
	}
	if st.LoadToBreak != st.Budget-st.Load || st.LoadFraction <= 0 || st.LoadFraction >= 1 {
		t.Errorf("load %+v", st)
	}
	// At a recent rate of ~0.5 the estimate is roughly twice the load left.
	if r := st.TimeToBreak.Seconds() / st.LoadToBreak.Seconds(); r < 1.5 || r > 3.5 {
		t.Errorf("TimeToBreak %v for LoadToBreak %v", st.TimeToBreak, st.LoadToBreak)
	}
	if st := s.p.Status(s.now.Add(10 * time.Minute)); st.Posture != "" {
		// A stale sample is not reported as the current posture.
		t.Errorf("stale status %+v", st)
	}
}

func TestStartBreakIsAnnouncedAndTracked(t *testing.T) {
	cfg := DefaultConfig()
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.Local)
	p, err := newPolicy(cfg, nil, t0)
	if err != nil {
		t.Fatal(err)
	}
	p.Observe(t0, posture.Verdict{State: posture.Upright, Person: true})
	evs, ok := p.StartBreak(t0.Add(time.Minute))
	if !ok || len(evs) == 0 {
		t.Fatalf("StartBreak: %v, %+v", ok, evs)
	}
	ev, _ := evs[len(evs)-1].(BreakStart)
	if ev.Meta().Kind != BreakSuggested || !shows(ev) || !ev.SafetyNote || !strings.Contains(shown(ev).Body, SafetyNote) {
		t.Fatalf("first user-started break: %+v", ev)
	}
	if p.Status(t0.Add(time.Minute)).BreaksToday != 0 {
		t.Error("a user-started break used up one of the day's suggestions")
	}
	// Away for the whole break: it counts as taken.
	var got []Event
	for s := 0; s <= int(cfg.BreakLength/time.Second)+60; s += 10 {
		got = append(got, p.Observe(t0.Add(time.Minute+time.Duration(s)*time.Second), posture.Verdict{State: posture.Away})...)
	}
	got = append(got, p.Tick(t0.Add(time.Minute+cfg.BreakWindow+time.Minute))...)
	taken := false
	for _, e := range got {
		taken = taken || e.Meta().Kind == BreakTaken
	}
	if !taken {
		t.Fatalf("away for the whole break, but no BreakTaken: %+v", got)
	}
	secondEvs, ok := p.StartBreak(t0.Add(2 * time.Hour))
	if !ok {
		t.Fatal("a second break, after the first ended, was refused")
	}
	second, _ := secondEvs[len(secondEvs)-1].(BreakStart)
	if second.SafetyNote || !strings.Contains(shown(second).Body, SafetyPointer) {
		t.Fatalf("second break repeats the full note or lacks the pointer: %q", shown(second).Body)
	}
}

// StartBreak passes on the events of the time it advances over, and a
// second StartBreak while a break runs opens no second window (which would
// end the first as skipped).
func TestStartBreakKeepsEventsAndOneWindow(t *testing.T) {
	cfg := DefaultConfig()
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.Local)
	p, err := newPolicy(cfg, nil, t0)
	if err != nil {
		t.Fatal(err)
	}
	p.Observe(t0, posture.Verdict{State: posture.Upright, Person: true})
	p.Pause(t0, 10*time.Minute)
	evs, ok := p.StartBreak(t0.Add(15 * time.Minute))
	if !ok || len(evs) < 2 || evs[0].Meta().Kind != Resumed || evs[len(evs)-1].Meta().Kind != BreakSuggested {
		t.Fatalf("StartBreak after a pause ended: ok %v, events %v; want Resumed first, then the break", ok, kinds(evs))
	}
	again, ok := p.StartBreak(t0.Add(16 * time.Minute))
	if ok {
		t.Fatal("a second break was opened while one runs")
	}
	for _, e := range again {
		if e.Meta().Kind == BreakSuggested || e.Meta().Kind == BreakSkipped {
			t.Fatalf("second StartBreak during a break gave %v", kinds(again))
		}
	}
}
