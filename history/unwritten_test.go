package history

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/internal/testenv"
	"github.com/neckwatch/neckwatch/posture"
)

// feed gives a recorder two minutes of samples (with desk set-up figures), an alert with its
// correction, an event with a NaN severity and a pain entry.
func feed(r *feeder, clk *clock) {
	for i := 0; i < 16; i++ {
		st := posture.Upright
		if i%3 == 0 {
			st = posture.ForwardHead
		}
		v := verdict(st, 0.4, fp(float64(40+i)))
		// Desk set-up figures, kept over the upright samples.
		v.HeadPitchDeg, v.DistanceCM, v.HeadYawDeg = fp(float64(10+i)), fp(float64(50-i)), fp(float64(-i))
		r.Sample(sec(float64(i*6)), v)
	}
	r.AddEvent(Event{At: sec(30), Kind: EventPostureAlert, State: "forward_head", Severity: 0.5})
	r.AddEvent(Event{At: sec(50), Kind: EventCorrected, Corrected: true, AlertAt: sec(30)})
	r.AddEvent(Event{At: sec(70), Kind: EventBreakSuggested, Severity: math.NaN()})
	r.AddPain(PainEntry{At: sec(80), Score: 4, Area: AreaNeck, Note: "stiff"})
	clk.Set(sec(96))
}

// TestUnwrittenSurvivesALockedShutdown: a shutdown against a locked
// database gives up at its deadline, not after the busy timeout, and what
// it could not write, saved and loaded at the next start, ends up in the
// database exactly as an unhindered write would have put it.
func TestUnwrittenSurvivesALockedShutdown(t *testing.T) {
	// Reference: the same data written directly.
	refPath := dbPath(t)
	ref := openT(t, refPath)
	rclk := &clock{t: sec(0)}
	rr := newFeeder(ref, rclk.Now, 0)
	feed(rr, rclk)
	if err := rr.Close(); err != nil {
		t.Fatal(err)
	}

	path := dbPath(t)
	s := openT(t, path)
	clk := &clock{t: sec(0)}
	r := newFeeder(s, clk.Now, 0)
	feed(r, clk)
	ctx := context.Background()
	conn, err := rawDB(t, path).Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	// The lock is waited for longer than the test: Shutdown returns by
	// its deadline.
	withLockWait(t, time.Hour, nil)
	sctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- r.Shutdown(sctx) }()
	err = testenv.Await(t, done, "Shutdown's return by its deadline")
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("Shutdown while locked: %v, want ErrLocked", err)
	}
	spill := filepath.Join(t.TempDir(), "state", "history-unwritten.json")
	if err := r.SaveUnwritten(spill); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(spill); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("unwritten file: %v, mode %v", err, st.Mode())
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		t.Fatal(err)
	}

	// The next start: a new recorder loads it, and its first write has it.
	clk2 := &clock{t: sec(600)}
	r2 := NewRecorder(s, clk2.Now)
	if ok, err := r2.LoadUnwritten(spill); !ok || err != nil {
		t.Fatalf("LoadUnwritten: %v %v", ok, err)
	}
	if err := r2.Tick(sec(601)); err != nil || r2.Writes() != 1 {
		t.Fatalf("Tick after load: %v, writes %d", err, r2.Writes())
	}
	from, to := sec(-60), sec(3600)
	for _, q := range []struct {
		name string
		get  func(*Store) (any, error)
	}{
		{"minutes", func(s *Store) (any, error) { return s.Minutes(from, to) }},
		{"events", func(s *Store) (any, error) { return s.Events(from, to) }},
		{"pain", func(s *Store) (any, error) { return s.Pain(from, to) }},
	} {
		want, err1 := q.get(ref)
		got, err2 := q.get(s)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s after the reload:\n got %+v\nwant %+v", q.name, got, want)
		}
	}
	if mins, _ := s.Minutes(from, to); len(mins) != 2 || mins[0].Samples+mins[1].Samples != 16 ||
		mins[0].HeadPitchSamples+mins[1].HeadPitchSamples != 10 || mins[0].DistanceSamples != mins[0].HeadPitchSamples {
		t.Errorf("minutes after the reload: %+v, want 2 holding 16 samples, 10 of them upright with set-up figures", mins)
	}
	if n := count(t, path, "events"); n != 3 {
		t.Errorf("%d events, want 3", n)
	}
}

func TestUnwrittenFileEdges(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: sec(0)}
	r := newFeeder(nil, clk.Now, 0)
	missing := filepath.Join(dir, "none.json")
	if ok, err := r.LoadUnwritten(missing); ok || err != nil {
		t.Fatalf("missing file: %v %v", ok, err)
	}
	// Nothing held: saving removes an old file rather than writing an empty one.
	old := filepath.Join(dir, "old.json")
	os.WriteFile(old, []byte(`{"format":1}`), 0o600)
	if err := r.SaveUnwritten(old); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("empty save left %s behind (%v)", old, err)
	}
	// No store at shutdown: the data is reported as unwritten, not dropped.
	feed(r, clk)
	if err := r.Shutdown(context.Background()); !errors.Is(err, ErrNoStore) {
		t.Fatalf("Shutdown without a store: %v, want ErrNoStore", err)
	}
	for _, tc := range []struct{ name, data, want string }{
		{"damaged", `{"format":1,"minutes":[`, "damaged"},
		{"other format", `{"format":9}`, "format 9"},
	} {
		p := filepath.Join(dir, tc.name)
		os.WriteFile(p, []byte(tc.data), 0o600)
		if ok, err := r.LoadUnwritten(p); !ok || err == nil || !containsAll(err.Error(), tc.want, p, "move it aside") {
			t.Errorf("%s: %v %v", tc.name, ok, err)
		}
	}
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// The unwritten-history file goes straight into the database, so it is
// checked as a whole before anything in it is taken: a minute in the year
// 1 with samples: -3 and severity_sum: 1e308, or an event of a kind
// neckwatch never records (all written to the database by the old
// LoadUnwritten), is refused with one line naming the entry and field,
// and nothing of the file is loaded.
func TestLoadUnwrittenRefusesImplausibleEntries(t *testing.T) {
	clk := &clock{t: sec(0)}
	src := newFeeder(nil, clk.Now, 0)
	feed(src, clk)
	src.MarkCorrected(sec(-90)) // an alert written before: a mark
	good := filepath.Join(t.TempDir(), "good.json")
	if err := src.SaveUnwritten(good); err != nil {
		t.Fatal(err)
	}
	if ok, err := NewRecorder(nil, clk.Now).LoadUnwritten(good); !ok || err != nil {
		t.Fatalf("the unedited file: %v %v", ok, err)
	}
	year1 := time.Time{}.Unix()
	cases := []struct {
		name, list string
		field      string
		value      any
		want       string
	}{
		{"a minute in the year 1", "minutes", "start", year1, "minutes[0].start = -6.21356e+10 is not plausible (2020-01-01 to a day from now)"},
		{"a minute in ten years", "minutes", "start", sec(0).AddDate(10, 0, 0).Truncate(time.Minute).Unix(), "minutes[0].start"},
		{"not the start of a minute", "minutes", "start", sec(0).Unix() + 7, "is not the start of a minute"},
		{"negative samples", "minutes", "samples", -3, "minutes[0].samples = -3 is not plausible (0 to 10000)"},
		{"a googol of severity", "minutes", "severity_sum", 1e308, "minutes[0].severity_sum = 1e+308 is not plausible (0 to severity_samples)"},
		{"more severities than samples", "minutes", "severity_samples", 9999, "minutes[0].severity_samples = 9999"},
		{"a minute of 30 years", "minutes", "present", 1e18, "minutes[0].present = 1e+18 is not plausible (0 to a minute)"},
		{"negative upright time", "minutes", "upright", -1, "minutes[0].upright = -1"},
		{"a neck turned round", "minutes", "neck_sum", 1e308, "minutes[0].neck_sum"},
		{"a desk a kilometre away", "minutes", "distance_sum", 1e308, "minutes[0].distance_sum"},
		{"an unknown event", "events", "kind", "explode", `events[0].kind = "explode" is not an event neckwatch records`},
		{"an unknown state", "events", "state", "dancing", `events[0].state = "dancing" is not a posture state`},
		{"an event in the year 1", "events", "at", "0001-01-01T00:00:00Z", "events[0].at = -6.21356e+10 is not plausible"},
		{"an event of severity 9", "events", "severity", 9, "events[0].severity = 9 is not plausible (0 to 1)"},
		{"a novel as detail", "events", "detail", strings.Repeat("x", 5000), "events[0].detail is 5000 bytes long"},
		{"pain 99", "pain", "Score", 99, "pain[0]: pain score 99 out of range"},
		{"pain in the year 1", "pain", "At", "0001-01-01T00:00:00Z", "pain[0].at"},
		{"a mark from the year 1", "marks", "before", "0001-01-02T00:00:00Z", "marks[0].before"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "history-unwritten.json")
			editUnwritten(t, good, p, tc.list, tc.field, tc.value)
			r := NewRecorder(nil, clk.Now)
			ok, err := r.LoadUnwritten(p)
			if !ok || err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("LoadUnwritten: %v %v\nwant one line containing %q", ok, err, tc.want)
			}
			if m, e, _ := r.Pending(); m != 0 || e != 0 {
				t.Errorf("%d minutes and %d events taken from a refused file", m, e)
			}
		})
	}
}

// editUnwritten copies the file from to to with the first entry of list
// given field = value.
func editUnwritten(t *testing.T, from, to, list, field string, value any) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	var f map[string]any
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	entries, _ := f[list].([]any)
	if len(entries) == 0 {
		t.Fatalf("the file has no %s", list)
	}
	entries[0].(map[string]any)[field] = value
	if data, err = json.Marshal(f); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// The most a recorder holds (a day of minutes with every figure, the
// event and pain bounds full) is saved and loaded back: the bound on the
// file's size that LoadUnwritten reads (a FIFO or a runaway file must not
// hang or swell the daemon) leaves room for all of it.
func TestUnwrittenFileAtTheBoundsLoadsBack(t *testing.T) {
	clk := &clock{t: sec(0)}
	r := newFeeder(nil, clk.Now, 0)
	for at := sec(0); at.Before(sec(0).Add(MaxPendingMinutes * time.Minute)); at = at.Add(10 * time.Second) {
		v := verdict(posture.ForwardHead, 0.123456789, fp(41.123456789))
		if at.Second()%20 == 0 {
			v = verdict(posture.Upright, 0.01, fp(40.5))
			v.HeadPitchDeg, v.DistanceCM, v.HeadYawDeg = fp(12.3456789), fp(55.555555), fp(-3.3333333)
		}
		r.Sample(at, v)
	}
	for i := 0; i < MaxPendingEvents; i++ {
		r.AddEvent(Event{At: sec(float64(i)), Kind: EventPostureAlert, State: "forward_head", Severity: 0.987654321,
			Detail: "bad for 10m0s, neck angle 141°, head forward 14.2 cm"})
	}
	for i := 0; i < MaxPendingPain; i++ {
		if err := r.AddPain(PainEntry{At: sec(float64(i)), Score: 10, Area: AreaUpperBack, Note: strings.Repeat("stiff ", 20)}); err != nil {
			t.Fatal(err)
		}
	}
	clk.Set(sec(0).Add(MaxPendingMinutes * time.Minute))
	path := filepath.Join(t.TempDir(), "history-unwritten.json")
	if err := r.SaveUnwritten(path); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the fullest unwritten file: %d bytes (limit %d)", st.Size(), maxUnwrittenSize)
	r2 := NewRecorder(nil, clk.Now)
	if ok, err := r2.LoadUnwritten(path); !ok || err != nil {
		t.Fatalf("LoadUnwritten of the fullest file: %v %v", ok, err)
	}
	if m, e, _ := r2.Pending(); m != MaxPendingMinutes || e != MaxPendingEvents {
		t.Errorf("loaded %d minutes and %d events, want %d and %d", m, e, MaxPendingMinutes, MaxPendingEvents)
	}
}
