package history

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/posture"
	"github.com/neckwatch/neckwatch/timeline"
)

type sampleAt struct {
	at   float64 // seconds after base
	st   posture.State
	sev  float64
	neck *float64
}

// wantMinute is an expected minute, durations in seconds.
type wantMinute struct {
	minute                                             int // minutes after base
	present, upright, forward, slouch, lean, uncertain float64
	samples                                            int
	sev                                                float64
	neck                                               float64
	neckN                                              int
}

// checkStored checks every minute s holds against want.
func checkStored(t *testing.T, s *Store, want []wantMinute) {
	t.Helper()
	got, err := s.Minutes(time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	checkMinutes(t, got, want)
}

func checkMinutes(t *testing.T, got []Minute, want []wantMinute) {
	t.Helper()
	if len(got) != len(want) {
		for _, m := range got {
			t.Logf("got %+v", m)
		}
		t.Fatalf("got %d minutes, want %d", len(got), len(want))
	}
	s := func(x float64) time.Duration { return time.Duration(x * float64(time.Second)) }
	for i, w := range want {
		g := got[i]
		if !g.Start.Equal(base.Add(time.Duration(w.minute) * time.Minute)) {
			t.Errorf("minute %d: start %v, want base+%dm", i, g.Start, w.minute)
		}
		if g.Present != s(w.present) || g.Upright != s(w.upright) || g.ForwardHead != s(w.forward) ||
			g.Slouch != s(w.slouch) || g.Lean != s(w.lean) || g.Uncertain != s(w.uncertain) {
			t.Errorf("minute %d: present %v upright %v forward %v slouch %v lean %v uncertain %v; want %v %v %v %v %v %v",
				w.minute, g.Present, g.Upright, g.ForwardHead, g.Slouch, g.Lean, g.Uncertain,
				s(w.present), s(w.upright), s(w.forward), s(w.slouch), s(w.lean), s(w.uncertain))
		}
		if g.Samples != w.samples {
			t.Errorf("minute %d: samples %d, want %d", w.minute, g.Samples, w.samples)
		}
		if !near(g.MeanSeverity, w.sev) {
			t.Errorf("minute %d: mean severity %v, want %v", w.minute, g.MeanSeverity, w.sev)
		}
		if g.NeckAngleSamples != w.neckN || !near(g.MeanNeckAngleDeg, w.neck) {
			t.Errorf("minute %d: neck %v over %d, want %v over %d", w.minute, g.MeanNeckAngleDeg, g.NeckAngleSamples, w.neck, w.neckN)
		}
	}
}

func TestAggregation(t *testing.T) {
	cases := []struct {
		name    string
		gap     time.Duration
		samples []sampleAt
		closeAt float64
		want    []wantMinute
	}{
		{
			name: "irregular samples across a minute boundary",
			samples: []sampleAt{
				{0, posture.Upright, 0, fp(50)},
				{20, posture.ForwardHead, 0.6, fp(40)},
				{50, posture.Slouch, 0.8, nil},
				{70, posture.Away, 0, nil},
				{100, posture.Upright, 0.1, fp(52)},
			},
			closeAt: 110,
			want: []wantMinute{
				{minute: 0, present: 60, upright: 20, forward: 30, slouch: 10, samples: 3, sev: (0 + 0.6 + 0.8) / 3, neck: 45, neckN: 2},
				{minute: 1, present: 20, upright: 10, slouch: 10, samples: 2, sev: 0.1, neck: 52, neckN: 1},
			},
		},
		{
			name: "gap capped at the default 45 s; an empty minute has no row",
			samples: []sampleAt{
				{0, posture.Upright, 0, nil},
				{120, posture.ForwardHead, 0.5, nil},
			},
			closeAt: 130,
			want: []wantMinute{
				{minute: 0, present: 45, upright: 45, samples: 1},
				{minute: 2, present: 10, forward: 10, samples: 1, sev: 0.5},
			},
		},
		{
			name: "gap cap split across a boundary",
			samples: []sampleAt{
				{50, posture.Slouch, 1, nil},
				{200, posture.Upright, 0, nil},
			},
			closeAt: 200,
			want: []wantMinute{
				{minute: 0, present: 10, slouch: 10, samples: 1, sev: 1},
				{minute: 1, present: 35, slouch: 35},
				{minute: 3, samples: 1},
			},
		},
		{
			name: "lean, uncertain and an unknown state (counted uncertain)",
			samples: []sampleAt{
				{0, posture.Lean, 0.4, nil},
				{15, posture.State("bogus"), 0.2, nil},
				{30, posture.Uncertain, 0, nil},
			},
			closeAt: 45,
			want: []wantMinute{
				{minute: 0, present: 45, lean: 15, uncertain: 30, samples: 3, sev: 0.2},
			},
		},
		{
			name: "away only: samples but no presence, no means",
			samples: []sampleAt{
				{0, posture.Away, 0.9, fp(10)},
				{30, posture.Away, 0, nil},
			},
			closeAt: 40,
			want:    []wantMinute{{minute: 0, samples: 2}},
		},
		{
			name: "late sample is treated as the latest time",
			samples: []sampleAt{
				{0, posture.Upright, 0, nil},
				{30, posture.ForwardHead, 0.5, nil},
				{20, posture.Upright, 0, nil},
			},
			closeAt: 40,
			want:    []wantMinute{{minute: 0, present: 40, upright: 40, samples: 3, sev: 0.5 / 3}},
		},
		{
			name: "custom gap; close credits the last sample up to now",
			gap:  10 * time.Second,
			samples: []sampleAt{
				{0, posture.Upright, 0, nil},
				{30, posture.Upright, 0, nil},
			},
			closeAt: 35,
			want:    []wantMinute{{minute: 0, present: 15, upright: 15, samples: 2}},
		},
		{
			name: "severity clamped, NaN neck ignored",
			samples: []sampleAt{
				{0, posture.Slouch, 3, fp(nan())},
				{10, posture.Slouch, -1, fp(30)},
			},
			closeAt: 20,
			want:    []wantMinute{{minute: 0, present: 20, slouch: 20, samples: 2, sev: 0.5, neck: 30, neckN: 1}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := openT(t, dbPath(t))
			clk := &clock{t: sec(0)}
			r := newFeeder(s, clk.Now, c.gap)
			for _, x := range c.samples {
				if x.at > 0 {
					clk.Set(sec(x.at))
				}
				r.Sample(sec(x.at), verdict(x.st, x.sev, x.neck))
			}
			clk.Set(sec(c.closeAt))
			if err := r.Close(); err != nil {
				t.Fatal(err)
			}
			checkStored(t, s, c.want)
		})
	}
}

func nan() float64 { var z float64; return z / z }

func TestBatching(t *testing.T) {
	path := dbPath(t)
	s := openT(t, path)
	clk := &clock{t: sec(0)}
	r := newFeeder(s, clk.Now, 0)
	for i := 0; i < 6; i++ {
		at := sec(float64(i) * 10)
		clk.Set(at)
		r.Sample(at, verdict(posture.Upright, 0, fp(50)))
		if err := r.Tick(at.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			r.AddEvent(Event{At: at, Kind: EventPaused, Detail: "15m"})
		}
		if n := count(t, path, "minutes"); n != 0 {
			t.Fatalf("after sample %d: %d minute rows written before the minute closed", i, n)
		}
	}
	if n := count(t, path, "events"); n != 0 {
		t.Fatalf("event written before the minute closed: %d", n)
	}
	clk.Set(sec(61))
	r.Sample(sec(61), verdict(posture.Slouch, 0.5, nil))
	if err := r.Tick(sec(62)); err != nil {
		t.Fatal(err)
	}
	if n := count(t, path, "minutes"); n != 1 {
		t.Fatalf("after the minute closed: %d minute rows, want 1 (the partial current minute stays in memory)", n)
	}
	if n := count(t, path, "events"); n != 1 {
		t.Fatalf("events written with the minute: %d, want 1", n)
	}
	// Further ticks in the same minute do not touch the disk again, even
	// with a new event queued.
	r.AddEvent(Event{At: sec(63), Kind: EventResumed})
	if err := r.Tick(sec(70)); err != nil {
		t.Fatal(err)
	}
	if n := count(t, path, "events"); n != 1 {
		t.Fatalf("second write in the same minute: %d events", n)
	}
	if err := r.Tick(sec(121)); err != nil {
		t.Fatal(err)
	}
	if n := count(t, path, "events"); n != 2 {
		t.Fatalf("next minute: %d events, want 2", n)
	}
	checkStored(t, s, []wantMinute{
		{minute: 0, present: 60, upright: 60, samples: 6, neck: 50, neckN: 6},
		{minute: 1, present: 46, upright: 1, slouch: 45, samples: 1, sev: 0.5},
	})
	// Flush writes completed minutes only.
	clk.Set(sec(130))
	r.Sample(sec(130), verdict(posture.Upright, 0, nil))
	if err := r.Flush(); err != nil {
		t.Fatal(err)
	}
	if n := count(t, path, "minutes"); n != 2 {
		t.Fatalf("Flush wrote the current minute: %d rows", n)
	}
}

func TestCloseThenRestartMergesMinute(t *testing.T) {
	path := dbPath(t)
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: sec(0)}
	r := newFeeder(s, clk.Now, 0)
	r.Sample(sec(0), verdict(posture.Upright, 0, fp(50)))
	r.Sample(sec(20), verdict(posture.ForwardHead, 0.6, fp(40)))
	clk.Set(sec(25))
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := count(t, path, "minutes"); n != 1 {
		t.Fatalf("partial minute not written at close: %d rows", n)
	}

	s2 := openT(t, path)
	clk.Set(sec(40))
	r2 := newFeeder(s2, clk.Now, 0)
	r2.Sample(sec(40), verdict(posture.Slouch, 0.9, fp(30)))
	r2.Sample(sec(50), verdict(posture.Slouch, 0.3, nil))
	r2.Sample(sec(65), verdict(posture.Upright, 0, nil))
	if err := r2.Tick(sec(66)); err != nil {
		t.Fatal(err)
	}
	got, err := s2.Minutes(base, base.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	checkMinutes(t, got, []wantMinute{{
		minute: 0, present: 45, upright: 20, forward: 5, slouch: 20, samples: 4,
		sev: (0 + 0.6 + 0.9 + 0.3) / 4, neck: (50 + 40 + 30) / 3.0, neckN: 3,
	}})
}

func TestCorrectionsMarkAlerts(t *testing.T) {
	path := dbPath(t)
	s := openT(t, path)
	clk := &clock{t: sec(0)}
	r := newFeeder(s, clk.Now, 0)

	// 1: alert and correction in the same batch, by AlertAt.
	r.AddEvent(Event{At: sec(10), Kind: EventPostureAlert, State: "forward_head", Severity: 0.7})
	r.AddEvent(Event{At: sec(40), Kind: EventCorrected, Corrected: true, AlertAt: sec(10)})
	if err := r.Tick(sec(61)); err != nil {
		t.Fatal(err)
	}
	// 2: alert written, then corrected, by AlertAt.
	r.AddEvent(Event{At: sec(100), Kind: EventPostureAlert, State: "slouch", Severity: 0.5})
	if err := r.Tick(sec(121)); err != nil {
		t.Fatal(err)
	}
	r.AddEvent(Event{At: sec(130), Kind: EventCorrected, Corrected: true, AlertAt: sec(100)})
	// 3: corrected too late: the alert stays uncorrected.
	r.AddEvent(Event{At: sec(140), Kind: EventPostureAlert, State: "slouch"})
	r.AddEvent(Event{At: sec(300), Kind: EventCorrected, Corrected: false, AlertAt: sec(140)})
	if err := r.Tick(sec(301)); err != nil {
		t.Fatal(err)
	}
	// 4: written alert, correction without AlertAt: the last alert before it.
	r.AddEvent(Event{At: sec(310), Kind: EventPostureAlert, State: "lean"})
	r.AddEvent(Event{At: sec(320), Kind: EventPostureAlert, State: "lean"})
	if err := r.Tick(sec(361)); err != nil {
		t.Fatal(err)
	}
	r.AddEvent(Event{At: sec(370), Kind: EventCorrected, Corrected: true})
	// 5: MarkCorrected of a pending alert.
	r.AddEvent(Event{At: sec(380), Kind: EventPostureAlert, State: "slouch"})
	r.MarkCorrected(sec(380))
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	evs, err := s.Events(time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[float64]bool{}
	for _, e := range evs {
		if e.Kind == EventPostureAlert {
			got[e.At.Sub(base).Seconds()] = e.Corrected
		}
	}
	want := map[float64]bool{10: true, 100: true, 140: false, 310: false, 320: true, 380: true}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("alert corrected flags %v, want %v", got, want)
	}
	if len(evs) != 10 {
		t.Fatalf("%d events stored, want 10 (6 alerts, 4 corrections)", len(evs))
	}
}

func TestPendingBoundedWhileFailing(t *testing.T) {
	path := dbPath(t)
	s := openT(t, path)
	s.Close()
	ro, err := open(path, openOptions{readOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	clk := &clock{t: sec(0)}
	r := newFeeder(ro, clk.Now, 0)
	for i := 0; i < MaxPendingMinutes+100; i++ {
		r.Sample(sec(float64(i)*60), verdict(posture.Upright, 0, nil))
	}
	for i := 0; i < MaxPendingEvents+5; i++ {
		r.AddEvent(Event{At: sec(float64(i)), Kind: EventPaused})
	}
	err = r.Tick(sec(float64(MaxPendingMinutes+101) * 60))
	if !errors.Is(err, ErrReadOnly) {
		t.Fatalf("Tick on a read-only database: %v, want ErrReadOnly", err)
	}
	// Between the minutes that try again, the failure still stands: a
	// Tick with nothing due does not report "ok".
	if err := r.Tick(sec(float64(MaxPendingMinutes+101)*60 + 20)); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("Tick with no write due after a failed one: %v, want the failure again", err)
	}
	m, e, dropped := r.Pending()
	if m != MaxPendingMinutes || e != MaxPendingEvents || dropped != 100+5 {
		t.Fatalf("pending %d minutes %d events, dropped %d; want %d %d %d", m, e, dropped, MaxPendingMinutes, MaxPendingEvents, 105)
	}
}

func TestNilRecorder(t *testing.T) {
	var r *Recorder
	r.CountSample(sec(0), verdict(posture.Upright, 0, nil))
	r.AddSpans([]timeline.Span{{Start: sec(0), End: sec(10), State: posture.Upright}})
	r.Discard(time.Time{})
	r.AddEvent(Event{Kind: EventPaused})
	r.MarkCorrected(sec(0))
	if err := r.AddPain(PainEntry{Score: 11}); err == nil {
		t.Error("nil recorder accepted an invalid pain score")
	}
	if r.Tick(sec(100)) != nil || r.Flush() != nil || r.Close() != nil {
		t.Error("nil recorder returned an error")
	}
}

func TestRecorderConcurrent(t *testing.T) {
	path := dbPath(t)
	s := openT(t, path)
	r := newFeeder(s, nil, 0)
	var wg sync.WaitGroup
	start := time.Now()
	wg.Add(3)
	go func() {
		defer wg.Done()
		for i := 0; i < 500; i++ {
			r.Sample(start.Add(time.Duration(i)*time.Second), verdict(posture.Upright, 0, fp(50)))
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; i < 200; i++ {
			r.AddEvent(Event{Kind: EventSnoozed})
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; i < 50; i++ {
			if err := r.Tick(start.Add(time.Duration(i) * 10 * time.Second)); err != nil {
				t.Error(err)
			}
		}
	}()
	wg.Wait()
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	ms, err := s.Minutes(time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range ms {
		n += m.Samples
	}
	if n != 500 || count(t, path, "events") != 200 {
		t.Fatalf("%d samples, %d events stored; want 500, 200", n, count(t, path, "events"))
	}
}

// Discard drops what the recorder still holds from before the cut, and
// all of it for "forget everything": nothing from before a forget is
// written afterwards, while what came after stays.
func TestDiscardBeforeAForget(t *testing.T) {
	path := dbPath(t)
	s := openT(t, path)
	clk := &clock{t: sec(0)}
	r := newFeeder(s, clk.Now, 45*time.Second)
	for i := 0; i < 6; i++ { // minutes 0..2
		r.Sample(sec(float64(i)*30), verdict(posture.Upright, 0, nil))
	}
	r.AddEvent(Event{At: sec(10), Kind: EventPaused})
	r.AddEvent(Event{At: sec(170), Kind: EventResumed})
	r.Discard(sec(120), sec(170)) // forget before minute 2
	if err := r.Tick(sec(240)); err != nil {
		t.Fatal(err)
	}
	var minutes, events int
	if err := s.db.QueryRow(`SELECT COUNT(*) FROM minutes`).Scan(&minutes); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRow(`SELECT COUNT(*) FROM events`).Scan(&events); err != nil {
		t.Fatal(err)
	}
	if minutes != 2 || events != 1 {
		t.Fatalf("after forgetting before minute 2: %d minutes, %d events written; want minutes 2-3 and the later event", minutes, events)
	}
	// Forget everything: the minute in progress goes too, and the time
	// before the forget is not credited to the next sample.
	r.Sample(sec(250), verdict(posture.ForwardHead, 0.5, nil))
	r.Discard(time.Time{}, sec(270))
	r.Sample(sec(300), verdict(posture.Upright, 0, nil))
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	var fwd float64
	if err := s.db.QueryRow(`SELECT COALESCE(SUM(forward_head_ms), 0) FROM minutes WHERE start >= ?`, sec(240).Unix()).Scan(&fwd); err != nil {
		t.Fatal(err)
	}
	if fwd != 0 {
		t.Fatalf("%.0f ms of forward head from before the forget were written", fwd)
	}
}

// AddSpans credits exactly the spans it is handed to the minutes they
// cover, and nothing else: no sample is counted, no time is held over.
func TestAddSpans(t *testing.T) {
	span := func(from, to float64, st posture.State) timeline.Span {
		return timeline.Span{Start: sec(from), End: sec(to), State: st, Severity: 0.5}
	}
	cases := []struct {
		name  string
		spans []timeline.Span
		want  []wantMinute
	}{
		{
			name:  "one span within a minute",
			spans: []timeline.Span{span(10, 40, posture.ForwardHead)},
			want:  []wantMinute{{minute: 0, present: 30, forward: 30}},
		},
		{
			name:  "a span split at minute boundaries",
			spans: []timeline.Span{span(50, 130, posture.Slouch)},
			want: []wantMinute{
				{minute: 0, present: 10, slouch: 10},
				{minute: 1, present: 60, slouch: 60},
				{minute: 2, present: 10, slouch: 10},
			},
		},
		{
			name: "every state; away adds no presence",
			spans: []timeline.Span{
				span(0, 5, posture.Upright), span(5, 15, posture.ForwardHead), span(15, 30, posture.Slouch),
				span(30, 40, posture.Lean), span(40, 50, posture.Uncertain), span(50, 60, posture.Away),
			},
			want: []wantMinute{{minute: 0, present: 50, upright: 5, forward: 10, slouch: 15, lean: 10, uncertain: 10}},
		},
		{
			name:  "spans of one minute in two calls add up",
			spans: []timeline.Span{span(0, 20, posture.Upright), span(20, 20, posture.Slouch), span(30, 45, posture.Upright)},
			want:  []wantMinute{{minute: 0, present: 35, upright: 35}},
		},
		{
			name:  "an empty or backward span credits nothing",
			spans: []timeline.Span{span(20, 20, posture.Upright), span(40, 30, posture.Upright)},
			want:  nil,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := openT(t, dbPath(t))
			r := NewRecorder(s, (&clock{t: sec(600)}).Now)
			for i := range c.spans {
				r.AddSpans(c.spans[i : i+1])
			}
			if err := r.Close(); err != nil {
				t.Fatal(err)
			}
			checkStored(t, s, c.want)
		})
	}
}

// CountSample counts a sample's figures in the minute of its timestamp
// and credits no time; the state and severity are read as the timeline
// reads them.
func TestCountSample(t *testing.T) {
	cases := []struct {
		name    string
		samples []sampleAt
		want    []wantMinute
	}{
		{
			name:    "figures, no time",
			samples: []sampleAt{{10, posture.ForwardHead, 0.6, fp(40)}, {20, posture.Upright, 0.2, fp(50)}},
			want:    []wantMinute{{minute: 0, samples: 2, sev: 0.4, neck: 45, neckN: 2}},
		},
		{
			name:    "each in the minute of its own timestamp, late or not",
			samples: []sampleAt{{70, posture.Slouch, 1, nil}, {50, posture.Slouch, 0.5, nil}},
			want:    []wantMinute{{minute: 0, samples: 1, sev: 0.5}, {minute: 1, samples: 1, sev: 1}},
		},
		{
			name:    "away: counted, but no severity or neck angle",
			samples: []sampleAt{{0, posture.Away, 0.9, fp(10)}, {5, posture.Lean, 0.3, nil}},
			want:    []wantMinute{{minute: 0, samples: 2, sev: 0.3}},
		},
		{
			name: "severity clamped, an unknown state is uncertain, NaN and infinite angles ignored",
			samples: []sampleAt{
				{0, posture.Slouch, 3, fp(nan())}, {1, posture.State("bogus"), -1, fp(math.Inf(1))},
				{2, posture.Uncertain, nan(), fp(30)},
			},
			want: []wantMinute{{minute: 0, samples: 3, sev: 1.0 / 3, neck: 30, neckN: 1}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := openT(t, dbPath(t))
			r := NewRecorder(s, (&clock{t: sec(600)}).Now)
			for _, x := range c.samples {
				r.CountSample(sec(x.at), verdict(x.st, x.sev, x.neck))
			}
			if err := r.Close(); err != nil {
				t.Fatal(err)
			}
			checkStored(t, s, c.want)
		})
	}
}

// What the daemon had already decided when `history forget` came (the
// loop's spans and sample, an event) is not taken after the Discard: the
// floor keeps it from coming back, and what starts after the cut stays.
func TestDiscardFloor(t *testing.T) {
	s := openT(t, dbPath(t))
	clk := &clock{t: sec(0)}
	r := NewRecorder(s, clk.Now)
	clk.t = sec(100)
	r.Discard(time.Time{}) // forget everything, at 100 s
	r.AddSpans([]timeline.Span{
		{Start: sec(40), End: sec(90), State: posture.Upright},  // all before: dropped
		{Start: sec(90), End: sec(130), State: posture.Upright}, // clipped to 100-130
	})
	r.CountSample(sec(95), verdict(posture.Upright, 0, nil))  // before: dropped
	r.CountSample(sec(125), verdict(posture.Upright, 0, nil)) // after: kept
	r.AddEvent(Event{At: sec(99), Kind: EventPaused})
	r.AddEvent(Event{At: sec(101), Kind: EventResumed})
	if err := r.Tick(sec(240)); err != nil {
		t.Fatal(err)
	}
	var present, samples float64
	if err := s.db.QueryRow(`SELECT COALESCE(SUM(present_ms),0)/1000.0, COALESCE(SUM(samples),0) FROM minutes`).Scan(&present, &samples); err != nil {
		t.Fatal(err)
	}
	var events int
	if err := s.db.QueryRow(`SELECT COUNT(*) FROM events`).Scan(&events); err != nil {
		t.Fatal(err)
	}
	if present != 30 || samples != 1 || events != 1 {
		t.Errorf("after the forget: %v s present, %v samples, %d events; want 30 s, 1, 1", present, samples, events)
	}
}
