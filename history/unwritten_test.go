package history

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/posture"
)

// feed gives a recorder two minutes of samples (with desk set-up figures), an alert with its
// correction, an event with a NaN severity and a pain entry.
func feed(r *Recorder, clk *clock) {
	for i := 0; i < 16; i++ {
		st := posture.Upright
		if i%3 == 0 {
			st = posture.ForwardHead
		}
		v := verdict(st, 0.4, fp(float64(40+i)))
		// Desk set-up figures, kept over the upright samples.
		v.HeadPitchDeg, v.DistanceCM, v.HeadYawDeg = fp(float64(10+i)), fp(float64(50-i)), fp(float64(-i))
		r.AddSample(sec(float64(i*6)), v)
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
	rr := NewRecorder(ref, rclk.Now, 0)
	feed(rr, rclk)
	if err := rr.Close(); err != nil {
		t.Fatal(err)
	}

	path := dbPath(t)
	s := openT(t, path)
	clk := &clock{t: sec(0)}
	r := NewRecorder(s, clk.Now, 0)
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
	sctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	t0 := time.Now()
	err = r.Shutdown(sctx)
	// Against the 2 s busy timeout, with room for a busy machine.
	if took := time.Since(t0); took > 1500*time.Millisecond {
		t.Errorf("Shutdown took %v against a 300ms deadline", took)
	}
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
	r2 := NewRecorder(s, clk2.Now, 0)
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
	r := NewRecorder(nil, clk.Now, 0)
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
