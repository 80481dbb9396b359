package coach

import (
	"errors"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/posture"
)

// shows and records sorts a session's effects for the assertions.
func split(effects []Effect) (shows []string, records []Kind, calibrate bool) {
	for _, e := range effects {
		switch e := e.(type) {
		case Show:
			shows = append(shows, e.Title)
		case Record:
			records = append(records, e.Meta().Kind)
		case TakeCalibration:
			calibrate = true
		}
	}
	return shows, records, calibrate
}

// The first-run guide as a sequence of inputs and effects, with no daemon:
// prompt once the user is there, countdown, TakeCalibration when it has
// run out, then the result shown and the calibration recorded.
func TestSessionGuidedCalibration(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.Local)
	s, err := NewSession(DefaultConfig(), SessionOptions{CanCalibrate: true}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if shows, _, _ := split(s.Tick(t0.Add(time.Second))); len(shows) != 0 {
		t.Fatalf("prompt before anyone was seen: %q", shows)
	}
	s.Sample(t0.Add(2*time.Second), posture.Verdict{State: posture.Upright, Person: true})
	if shows, _, _ := split(s.Tick(t0.Add(3 * time.Second))); len(shows) != 1 || shows[0] != "Calibrate neckwatch to your posture" {
		t.Fatalf("prompt: %q", shows)
	}
	if shows, _, _ := split(s.Tick(t0.Add(4 * time.Second))); len(shows) != 0 {
		t.Fatalf("prompted twice: %q", shows)
	}
	if shows, _, _ := split(s.Action(t0.Add(5*time.Second), PromptCategory, ActionCalibrateNow)); len(shows) != 1 || shows[0] != "Calibrating in 5 seconds" {
		t.Fatalf("countdown: %q", shows)
	}
	if due := s.CalibrationDue(); !due.Equal(t0.Add(10 * time.Second)) {
		t.Errorf("calibration due at %v", due)
	}
	if _, _, take := split(s.Tick(t0.Add(9 * time.Second))); take {
		t.Fatal("calibration taken before the countdown ran out")
	}
	if _, _, take := split(s.Tick(t0.Add(10 * time.Second))); !take {
		t.Fatal("no TakeCalibration when the countdown ran out")
	}
	angle := 51.0
	shows, records, _ := split(s.Calibrated(t0.Add(11*time.Second), &angle, nil))
	if len(shows) != 1 || shows[0] != "Calibrated" || len(records) != 1 || records[0] != Calibrated {
		t.Fatalf("result: shows %q records %v", shows, records)
	}
	// A failed guided calibration says so and records nothing.
	s.StartGuidedCalibration(t0.Add(20 * time.Second))
	s.Tick(t0.Add(25 * time.Second))
	shows, records, _ = split(s.Calibrated(t0.Add(26*time.Second), nil, errors.New("no face in 12 of 15 frames")))
	if len(shows) != 1 || shows[0] != "Calibration did not work" || len(records) != 0 {
		t.Fatalf("failure: shows %q records %v", shows, records)
	}
}

// Every notice the session makes on its own passes the same silencing:
// in quiet hours, while do-not-disturb is on and while paused, neither the
// first-run prompt, nor the pain prompt, nor the end of a break is shown;
// each appears once the silence is over (the break-over notice is dropped,
// not delivered late).
func TestSessionSilencesItsOwnNotices(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.Local)
	quiet := DefaultConfig()
	quiet.BreakLength = time.Minute
	quiet.QuietStart, quiet.QuietEnd = "09:00", "10:31"
	loud := DefaultConfig()
	loud.BreakLength = time.Minute
	for _, tc := range []struct {
		name    string
		cfg     Config
		silence func(s *Session, now time.Time)
		lift    func(s *Session, now time.Time)
		resume  time.Time
	}{
		{"quiet hours", quiet, func(*Session, time.Time) {}, func(*Session, time.Time) {}, t0.Add(31 * time.Minute)},
		{"do-not-disturb", loud, func(s *Session, _ time.Time) { s.SetDoNotDisturb(true) }, func(s *Session, _ time.Time) { s.SetDoNotDisturb(false) }, t0.Add(31 * time.Minute)},
		{"paused", loud, func(s *Session, now time.Time) { s.Pause(now, 0) }, func(s *Session, now time.Time) { s.Resume(now) }, t0.Add(31 * time.Minute)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := NewSession(tc.cfg, SessionOptions{CanCalibrate: true, PainPrompt: "00:00"}, t0)
			if err != nil {
				t.Fatal(err)
			}
			s.Sample(t0, posture.Verdict{State: posture.Upright, Person: true})
			s.StartBreak(t0)
			tc.silence(s, t0)
			for m := 1; m <= 30; m++ {
				now := t0.Add(time.Duration(m) * time.Minute)
				if tc.name != "paused" {
					s.Sample(now, posture.Verdict{State: posture.Upright, Person: true})
				}
				if shows, _, _ := split(s.Tick(now)); len(shows) != 0 {
					t.Fatalf("shown while silenced (%s): %q", now.Format("15:04"), shows)
				}
			}
			tc.lift(s, tc.resume)
			s.Sample(tc.resume, posture.Verdict{State: posture.Upright, Person: true})
			shows, _, _ := split(s.Tick(tc.resume.Add(time.Second)))
			want := map[string]bool{"Calibrate neckwatch to your posture": true, "How are your neck and back today?": true}
			if len(shows) != len(want) {
				t.Fatalf("after the silence: %q, want the two prompts", shows)
			}
			for _, title := range shows {
				if !want[title] {
					t.Errorf("after the silence: unexpected %q", title)
				}
			}
		})
	}
}

// The desk advice: asked for while the user is there and nothing silences
// notices; an empty answer is asked again a day later; a piece shown is
// dismissable for good; the next comes a week later, also after a restart
// (the time is in the Snapshot).
func TestSessionWeeklyAdvice(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.Local)
	cfg := DefaultConfig()
	cfg.QuietStart, cfg.QuietEnd = "20:00", "08:00"
	s, err := NewSession(cfg, SessionOptions{Calibrated: true}, t0)
	if err != nil {
		t.Fatal(err)
	}
	asks := func(effects []Effect) bool {
		for _, e := range effects {
			if _, ok := e.(CheckAdvice); ok {
				return true
			}
		}
		return false
	}
	if asks(s.Tick(t0.Add(time.Second))) {
		t.Fatal("asked for advice before anyone was seen")
	}
	s.Sample(t0.Add(2*time.Second), posture.Verdict{State: posture.Upright, Person: true})
	if !asks(s.Tick(t0.Add(3 * time.Second))) {
		t.Fatal("no CheckAdvice with the user at the desk")
	}
	if asks(s.Tick(t0.Add(4 * time.Second))) {
		t.Fatal("asked again before the answer")
	}
	if shows, _, _ := split(s.AdviceFound(t0.Add(5*time.Second), nil)); len(shows) != 0 {
		t.Fatalf("shown without advice: %q", shows)
	}
	if asks(s.Tick(t0.Add(23 * time.Hour))) {
		t.Fatal("asked again within a day of an empty answer")
	}
	day2 := t0.Add(24 * time.Hour)
	s.Sample(day2, posture.Verdict{State: posture.Upright, Person: true})
	if !asks(s.Tick(day2.Add(10 * time.Second))) {
		t.Fatal("not asked again a day later")
	}
	effects := s.AdviceFound(day2.Add(11*time.Second), []Advice{{ID: "screen-height", Title: "Raise your screen by about 6 cm", Text: "You look down about 18° on average while upright."}})
	var shown Notice
	for _, e := range effects {
		if sh, ok := e.(Show); ok {
			shown = sh.Notice
		}
	}
	if shown.Title != "Raise your screen by about 6 cm" || shown.Category != AdviceCategory || len(shown.Actions) != 1 || shown.Actions[0].Key != ActionDismissAdvice {
		t.Fatalf("advice notice %+v", shown)
	}
	if got := s.Action(day2.Add(time.Minute), AdviceCategory, ActionDismissAdvice); len(got) != 1 || got[0] != (DismissAdvice{ID: "screen-height"}) {
		t.Fatalf("dismiss: %+v", got)
	}
	// A restart keeps the week: nothing asked on day 8, asked on day 9.
	snap := s.Snapshot()
	day8 := day2.Add(6 * 24 * time.Hour)
	s2, _ := NewSession(cfg, SessionOptions{Calibrated: true}, day8)
	if err := s2.Restore(snap, day8); err != nil {
		t.Fatal(err)
	}
	s2.Sample(day8, posture.Verdict{State: posture.Upright, Person: true})
	if asks(s2.Tick(day8.Add(time.Second))) {
		t.Fatal("asked within a week of the last advice, after a restart")
	}
	day9 := day2.Add(7*24*time.Hour + time.Hour)
	s2.Sample(day9, posture.Verdict{State: posture.Upright, Person: true})
	if !asks(s2.Tick(day9.Add(time.Second))) {
		t.Fatal("not asked a week after the last advice")
	}
	// Quiet hours hold the question (21:00 is inside 20:00-08:00).
	night := time.Date(2026, 3, 20, 21, 0, 0, 0, time.Local)
	s3, _ := NewSession(cfg, SessionOptions{Calibrated: true}, night)
	s3.Sample(night, posture.Verdict{State: posture.Upright, Person: true})
	if asks(s3.Tick(night.Add(time.Second))) {
		t.Fatal("asked for advice in quiet hours")
	}
}

// A reloaded configuration keeps the state: paused stays paused (the
// camera off), snoozed stays snoozed, and the new limits apply.
func TestSessionReconfigureKeepsState(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.Local)
	s, err := NewSession(DefaultConfig(), SessionOptions{Calibrated: true}, t0)
	if err != nil {
		t.Fatal(err)
	}
	s.Sample(t0, posture.Verdict{State: posture.Upright, Person: true})
	s.Snooze(t0.Add(time.Second), time.Hour)
	s.Pause(t0.Add(2*time.Second), 0)
	cfg := DefaultConfig()
	cfg.Onset = 90 * time.Second
	if err := s.Reconfigure(cfg, nil, t0.Add(3*time.Second)); err != nil {
		t.Fatal(err)
	}
	st := s.Status(t0.Add(4 * time.Second))
	if !st.Paused || st.SnoozedUntil.IsZero() || st.Onset != 90*time.Second {
		t.Errorf("after a reload: paused %v, snoozed until %v, onset %v", st.Paused, st.SnoozedUntil, st.Onset)
	}
}

// The periodic save carries the last advice's time, so a crash cannot
// bring the same advice back; showing advice saves at once.
func TestSessionSavesTheAdviceTime(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.Local)
	s, _ := NewSession(DefaultConfig(), SessionOptions{Calibrated: true}, t0)
	s.Sample(t0, posture.Verdict{State: posture.Upright, Person: true})
	s.Tick(t0.Add(time.Second))
	saved := ""
	for _, e := range s.AdviceFound(t0.Add(2*time.Second), []Advice{{ID: "screen-side", Title: "t", Text: "x"}}) {
		if sv, ok := e.(SaveState); ok {
			saved = sv.AdviceShownAt
		}
	}
	if saved == "" {
		t.Fatal("showing advice did not save its time")
	}
	for _, e := range s.Tick(t0.Add(10 * time.Minute)) {
		if sv, ok := e.(SaveState); ok && sv.AdviceShownAt != saved {
			t.Fatalf("the periodic save lost the advice time: %q, want %q", sv.AdviceShownAt, saved)
		}
	}
}

// The session's own notices need a fresh sample of the user: one taken an
// hour and a half ago (then a video call took the camera) does not count.
func TestSessionOwnNoticesNeedAFreshSample(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.Local)
	s, _ := NewSession(DefaultConfig(), SessionOptions{CanCalibrate: true, PainPrompt: "00:00"}, t0)
	s.Sample(t0, posture.Verdict{State: posture.Upright, Person: true})
	later := t0.Add(90 * time.Minute)
	for _, e := range s.Tick(later) {
		switch e := e.(type) {
		case Show:
			t.Errorf("shown on a 90-minute-old sample: %q", e.Title)
		case CheckAdvice:
			t.Error("asked for advice on a 90-minute-old sample")
		}
	}
}

// The session hands on the spans its timeline accounts for (the history
// credits exactly these): each sample's hold up to the next one, the last
// one's up to the max gap at Stop, nothing from before a forget.
func TestSessionAccruesSpansOnce(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.Local)
	total := func(effects []Effect) (d time.Duration) {
		for _, e := range effects {
			if a, ok := e.(Accrue); ok {
				for _, sp := range a.Spans {
					d += sp.End.Sub(sp.Start)
				}
			}
		}
		return d
	}
	s, _ := NewSession(DefaultConfig(), SessionOptions{Calibrated: true}, t0)
	var sum time.Duration
	for i := 0; i < 4; i++ {
		sum += total(s.Sample(t0.Add(time.Duration(i)*10*time.Second), posture.Verdict{State: posture.Upright, Person: true}))
	}
	sum += total(s.Tick(t0.Add(35 * time.Second)))
	sum += total(s.Stop(t0.Add(10 * time.Minute)))
	if want := 30*time.Second + DefaultMaxSampleGap; sum != want {
		t.Errorf("accrued %v, want %v (three 10 s holds and the last one's %v)", sum, want, DefaultMaxSampleGap)
	}
	if d := total(s.Tick(t0.Add(20 * time.Minute))); d != 0 {
		t.Errorf("accrued %v after Stop", d)
	}

	// A forget drops the held sample: its hold is not accrued afterwards.
	s, _ = NewSession(DefaultConfig(), SessionOptions{Calibrated: true}, t0)
	s.Sample(t0, posture.Verdict{State: posture.Upright, Person: true})
	s.Forget(t0.Add(5*time.Second), time.Time{})
	if d := total(s.Tick(t0.Add(40 * time.Second))); d != 0 {
		t.Errorf("accrued %v of a sample forgotten", d)
	}
}

// Advice the shell could not show is asked again a day later, not a week.
func TestSessionAdviceNotShown(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.Local)
	s, _ := NewSession(DefaultConfig(), SessionOptions{Calibrated: true}, t0)
	s.Sample(t0, posture.Verdict{State: posture.Upright, Person: true})
	s.Tick(t0.Add(time.Second))
	s.AdviceFound(t0.Add(2*time.Second), []Advice{{ID: "screen-side", Title: "t", Text: "x"}})
	s.AdviceNotShown(t0.Add(2 * time.Second))
	asked := func(at time.Time) bool {
		s.Sample(at, posture.Verdict{State: posture.Upright, Person: true})
		for _, e := range s.Tick(at.Add(time.Second)) {
			if _, ok := e.(CheckAdvice); ok {
				return true
			}
		}
		return false
	}
	if asked(t0.Add(time.Hour)) {
		t.Fatal("asked again within the hour")
	}
	if !asked(t0.Add(25 * time.Hour)) {
		t.Fatal("not asked again a day later")
	}
}

// The tired-posture step: offered on the guided calibration's result,
// counted down, asked for as TakeCalibration{Tired: true}, its result
// shown without a second Calibrated record; refused before an upright
// calibration.
func TestSessionGuidedTiredPosture(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.Local)
	s, err := NewSession(DefaultConfig(), SessionOptions{CanCalibrate: true}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if shows, _, take := split(s.StartGuidedTiredPosture(t0)); take || len(shows) != 1 || shows[0] != "Calibrate upright first" {
		t.Fatalf("tired step before an upright calibration: %q take %v", shows, take)
	}
	s.StartGuidedCalibration(t0)
	s.Tick(t0.Add(5 * time.Second))
	angle := 51.0
	var offer Notice
	for _, e := range s.Calibrated(t0.Add(6*time.Second), &angle, nil) {
		if sh, ok := e.(Show); ok {
			offer = sh.Notice
		}
	}
	if len(offer.Actions) != 1 || offer.Actions[0].Key != ActionTiredStep {
		t.Fatalf("calibration result %+v does not offer the tired step", offer)
	}
	if shows, _, _ := split(s.Action(t0.Add(7*time.Second), offer.Category, ActionTiredStep)); len(shows) != 1 || shows[0] != "Your tired posture in 5 seconds" {
		t.Fatalf("countdown: %q", shows)
	}
	var asked []TakeCalibration
	for _, e := range s.Tick(t0.Add(12 * time.Second)) {
		if tc, ok := e.(TakeCalibration); ok {
			asked = append(asked, tc)
		}
	}
	if len(asked) != 1 || !asked[0].Tired {
		t.Fatalf("asked %+v, want one TakeCalibration{Tired: true}", asked)
	}
	shows, records, _ := split(s.Calibrated(t0.Add(13*time.Second), &angle, nil))
	if len(shows) != 1 || shows[0] != "Tired posture added" || len(records) != 0 {
		t.Fatalf("result: shows %q records %v", shows, records)
	}
	// A refused step says why; the next guided calibration is upright again.
	s.StartGuidedTiredPosture(t0.Add(20 * time.Second))
	s.Tick(t0.Add(25 * time.Second))
	if shows, _, _ := split(s.Calibrated(t0.Add(26*time.Second), nil, errors.New("tired posture too close to upright"))); len(shows) != 1 || shows[0] != "The tired posture was not added" {
		t.Fatalf("refused: %q", shows)
	}
	s.StartGuidedCalibration(t0.Add(30 * time.Second))
	for _, e := range s.Tick(t0.Add(35 * time.Second)) {
		if tc, ok := e.(TakeCalibration); ok && tc.Tired {
			t.Fatal("the upright calibration after a tired step was asked as a tired one")
		}
	}
}

// Paused agrees with Status at every moment of a timed pause, an open one
// and a resume, Tick or no Tick; StartBreak says whether it started one.
func TestSessionPausedAndStartBreak(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.Local)
	s, err := NewSession(DefaultConfig(), SessionOptions{}, t0)
	if err != nil {
		t.Fatal(err)
	}
	s.Pause(t0, 10*time.Minute)
	for _, tc := range []struct {
		at   time.Time
		want bool
	}{
		{t0, true},
		{t0.Add(10*time.Minute - time.Second), true},
		{t0.Add(10 * time.Minute), false}, // over at its end, before any Tick
	} {
		if got := s.Paused(tc.at); got != tc.want || s.Status(tc.at).Paused != got {
			t.Errorf("paused at +%v: %v (status %v), want %v", tc.at.Sub(t0), got, s.Status(tc.at).Paused, tc.want)
		}
	}
	s.Pause(t0.Add(11*time.Minute), 0)
	if !s.Paused(t0.Add(48 * time.Hour)) {
		t.Error("a pause until resumed ended by itself")
	}
	s.Resume(t0.Add(12 * time.Minute))
	if s.Paused(t0.Add(12 * time.Minute)) {
		t.Error("still paused after Resume")
	}

	if _, started := s.StartBreak(t0.Add(13 * time.Minute)); !started {
		t.Error("StartBreak started no break")
	}
	if _, started := s.StartBreak(t0.Add(14 * time.Minute)); started {
		t.Error("a second StartBreak during the break started another")
	}
}

// The user's commands are recorded with their length as a figure: a pause
// or snooze for its duration (0: until resumed), a resume with none.
func TestSessionRecordsCommandLengths(t *testing.T) {
	s, err := NewSession(DefaultConfig(), SessionOptions{Calibrated: true}, t0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		do   func() []Effect
		kind Kind
		want time.Duration
	}{
		{func() []Effect { return s.Snooze(t0, 20*time.Minute) }, Snoozed, 20 * time.Minute},
		{func() []Effect { return s.Pause(t0, 0) }, Paused, 0},
		{func() []Effect { return s.Pause(t0, 45*time.Minute) }, Paused, 45 * time.Minute},
		{func() []Effect { return s.Resume(t0) }, Resumed, 0},
	} {
		effs := c.do()
		if len(effs) != 1 {
			t.Fatalf("%s: %d effects, want the record", c.kind, len(effs))
		}
		r, ok := effs[0].(Record)
		cmd, _ := r.Event.(Command)
		if !ok || r.Meta().Kind != c.kind || cmd.For != c.want {
			t.Errorf("%s: %+v, want a record for %v", c.kind, effs[0], c.want)
		}
	}
}
