package history

import (
	"context"
	"database/sql"
	"math"
	"net/url"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/posture"
	"github.com/neckwatch/neckwatch/timeline"
)

// clock is a settable fake clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// base is a minute start used by the tests.
var base = time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC).Local()

func sec(s float64) time.Time { return base.Add(time.Duration(s * float64(time.Second))) }

func fp(x float64) *float64 { return &x }

func verdict(st posture.State, sev float64, neck *float64) posture.Verdict {
	return posture.Verdict{State: st, Severity: sev, NeckAngleDeg: neck}
}

func dbPath(t *testing.T) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "data", "neckwatch", "history.db")
}

func openT(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// rawDB opens a second, independent connection to the database file.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", fileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

func count(t *testing.T, path, table string) int {
	t.Helper()
	db, err := sql.Open("sqlite", fileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// fileURI names path for a second connection, whatever characters it has.
func fileURI(path string) string { return (&url.URL{Scheme: "file", Path: path}).String() }

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// feeder plays the daemon's part for a Recorder, so the tests take the one
// path samples take in production: the coach session's timeline turns the
// samples into spans, handed on with AddSpans, and each sample's figures
// go to CountSample. Its Tick and Flush first credit the held sample's
// time up to then, as the session's Tick does before the daemon's journal
// writes; Close and Shutdown first end the timeline, as Session.Stop does.
type feeder struct {
	*Recorder
	now func() time.Time

	mu sync.Mutex // guards tl, as the daemon's lock guards its session
	tl timeline.Timeline
}

// newFeeder is a Recorder on store with the clock now (time.Now when nil)
// fed through a timeline holding a sample for at most gap
// (timeline.DefaultMaxGap when <= 0).
func newFeeder(store *Store, now func() time.Time, gap time.Duration) *feeder {
	if now == nil {
		now = time.Now
	}
	return &feeder{Recorder: NewRecorder(store, now), tl: timeline.NewTimeline(time.Time{}, gap), now: now}
}

// Sample is the daemon's sample: the time up to it as spans, then its
// figures.
func (f *feeder) Sample(at time.Time, v posture.Verdict) {
	f.mu.Lock()
	defer f.mu.Unlock()
	spans, _, _ := f.tl.Hold(at, v, nil)
	f.AddSpans(spans)
	f.CountSample(at, v)
}

// advance credits the held sample's time up to now (the session's Tick).
func (f *feeder) advance(now time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.AddSpans(f.tl.Advance(now, nil))
}

func (f *feeder) Tick(now time.Time) error {
	f.advance(now)
	return f.Recorder.Tick(now)
}

func (f *feeder) Flush() error {
	f.advance(f.now())
	return f.Recorder.Flush()
}

func (f *feeder) Close() error { return f.Shutdown(context.Background()) }

func (f *feeder) Shutdown(ctx context.Context) error {
	now := f.now()
	f.mu.Lock()
	f.AddSpans(f.tl.Advance(now, nil))
	f.tl.Drop(now)
	f.mu.Unlock()
	return f.Recorder.Shutdown(ctx)
}

// Discard is a `history forget` reaching the daemon: the recorder drops
// what it holds from before cut, the session's timeline the sample held
// from before it (coach.Session.Forget).
func (f *feeder) Discard(cut, now time.Time) {
	f.Recorder.Discard(cut)
	f.mu.Lock()
	defer f.mu.Unlock()
	if st, at, _ := f.tl.Last(); st != "" && (cut.IsZero() || at.Before(cut)) {
		f.tl.Drop(now)
	}
}
