package history

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/posture"
	"github.com/neckwatch/neckwatch/timeline"
)

// logLines collects the journal's warnings.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) warn(msg string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	parts := []string{msg}
	for _, a := range args {
		if err, ok := a.(error); ok {
			parts = append(parts, err.Error())
		} else if s, ok := a.(string); ok {
			parts = append(parts, s)
		}
	}
	l.lines = append(l.lines, strings.Join(parts, " "))
}

func (l *logLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

func (l *logLines) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.lines)
}

// holdDatabase holds the SQLite file locked, as another program's write
// transaction would, until the returned function (or the test's end).
func holdDatabase(t *testing.T, path string) (unlock func()) {
	t.Helper()
	ctx := context.Background()
	conn, err := rawDB(t, path).Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := conn.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	return func() {
		if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
			t.Fatal(err)
		}
		conn.Close()
	}
}

// journalFeed feeds a journal as the daemon does: the coach's timeline
// turns samples into spans (AddSpans), each sample's figures are counted.
type journalFeed struct {
	j  *Journal
	tl timeline.Timeline
}

func (f *journalFeed) sample(at time.Time, st posture.State) {
	v := posture.Verdict{State: st, Person: st != posture.Away}
	spans, _, _ := f.tl.Hold(at, v, nil)
	f.j.AddSpans(spans)
	f.j.CountSample(at, v)
}

// stop accounts for the last sample's hold (coach.Session.Stop).
func (f *journalFeed) stop(now time.Time) {
	f.j.AddSpans(f.tl.Advance(now, nil))
	f.tl.Drop(now)
}

var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.Local)

// presentIn is the present time the database at path holds in [from, to).
func presentIn(t *testing.T, s *Store, from, to time.Time) time.Duration {
	t.Helper()
	mins, err := s.Minutes(from, to)
	if err != nil {
		t.Fatal(err)
	}
	var present time.Duration
	for _, m := range mins {
		present += m.Present
	}
	return present
}

// An unwritten file the journal refuses at start (implausible or damaged)
// is moved aside with the log saying where, so that the next save of
// unwritten minutes does not replace what the user may want to look at.
func TestRefusedUnwrittenFileIsMovedAside(t *testing.T) {
	dir := t.TempDir()
	unwritten := filepath.Join(dir, "state", UnwrittenFileName)
	os.MkdirAll(filepath.Dir(unwritten), 0o700)
	bad := `{"format":1,"minutes":[{"start":-62135596800,"samples":-3,"severity_sum":1e308}]}`
	if err := os.WriteFile(unwritten, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	var log logLines
	clk := &clock{t: time.Date(2026, 3, 4, 10, 0, 0, 0, time.Local)}
	j := OpenJournal(JournalOptions{Path: dbPath(t), Unwritten: unwritten, Now: clk.Now, Warn: log.warn})
	defer j.Close()
	aside := unwritten + ".refused-20260304-100000"
	if got, err := os.ReadFile(aside); err != nil || string(got) != bad {
		t.Fatalf("refused file not kept as %s: %v\n%s", aside, err, log.String())
	}
	if _, err := os.Stat(unwritten); !os.IsNotExist(err) {
		t.Errorf("the refused file is still in the way: %v", err)
	}
	if !strings.Contains(log.String(), "minutes[0].start") || !strings.Contains(log.String(), aside) {
		t.Errorf("the log does not name the field and where the file went:\n%s", log.String())
	}
}

// A crash while the database is held by another program loses at most the
// minute in progress: every failed minute write keeps what is held in the
// unwritten file (the old daemon kept it only at a clean stop, so a kill
// -9 after 75 s of a locked database left 3 s in the history). Here the
// daemon "crashes" (its journal is abandoned, never closed) at 10:02:50
// after three minutes with the database locked; the next start writes
// everything up to 10:02, and the pause of 10:01:30.
func TestCrashWithLockedDatabaseLosesAtMostTheCurrentMinute(t *testing.T) {
	path := dbPath(t)
	unwritten := filepath.Join(t.TempDir(), "state", UnwrittenFileName)
	var log logLines
	clk := &clock{t: t0}
	j := OpenJournal(JournalOptions{Path: path, Unwritten: unwritten, Now: clk.Now, Warn: log.warn})
	if j.Store() == nil {
		t.Fatalf("history did not open:\n%s", log.String())
	}
	t.Cleanup(func() { j.Store().Close() }) // the crashed daemon's connection
	unlock := holdDatabase(t, path)

	f := journalFeed{j: j, tl: timeline.NewTimeline(t0, 0)}
	crash := t0.Add(2*time.Minute + 50*time.Second)
	for at := t0; !at.After(crash); at = at.Add(10 * time.Second) {
		clk.Set(at)
		f.sample(at, posture.Upright)
		if at.Equal(t0.Add(90 * time.Second)) {
			j.AddEvent(Event{Kind: EventPaused, At: at, Detail: "for 10m"})
		}
		// A short deadline instead of the 2 s busy timeout: the write
		// fails the same way, sooner.
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		err := j.Tick(ctx, at)
		cancel()
		if at.Second() == 0 && at.After(t0) && err == nil {
			t.Fatalf("the minute write at %v succeeded against a locked database", at.Format("15:04:05"))
		}
	}
	// kill -9: no Close, no stop. The lock goes; the daemon starts again.
	unlock()
	restart := crash.Add(time.Minute)
	clk.Set(restart)
	j2 := OpenJournal(JournalOptions{Path: path, Unwritten: unwritten, Now: clk.Now, Warn: log.warn})
	if err := j2.Tick(context.Background(), restart); err != nil {
		t.Fatalf("the first write after the restart: %v", err)
	}
	defer j2.Close()
	// 10:00 and 10:01 whole; of 10:02 (in progress at the crash) what was
	// held at its first write, at 10:02:00.
	if present, want := presentIn(t, j2.Store(), t0, restart), 2*time.Minute; present < want || present > crash.Sub(t0) {
		t.Errorf("present %v in the history after the crash, want at least %v (all but the minute in progress)\n%s", present, want, log.String())
	}
	events, err := j2.Store().Events(t0, restart)
	if err != nil || len(events) != 1 || events[0].Kind != EventPaused {
		t.Errorf("events after the crash: %+v, %v; want the pause", events, err)
	}
	if _, err := os.Stat(unwritten); !os.IsNotExist(err) {
		t.Errorf("the unwritten file is still there after its minutes were written: %v", err)
	}
}

// A database that cannot be opened at start is not "off": Tick says why
// it is unavailable, retrying after a back-off (never longer than
// RetryMax), the minutes wait in memory, and once it opens they are
// written.
func TestJournalRetriesAnUnopenableHistory(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "data")
	if err := os.WriteFile(blocker, []byte("a file where the directory should be"), 0o600); err != nil {
		t.Fatal(err)
	}
	var log logLines
	clk := &clock{t: t0}
	j := OpenJournal(JournalOptions{Path: filepath.Join(blocker, "history.db"), Now: clk.Now, Warn: log.warn})
	defer j.Close()
	if j.Store() != nil || log.count() != 1 {
		t.Fatalf("store %v, warnings %q: want no store and one warning", j.Store(), log.String())
	}
	f := journalFeed{j: j, tl: timeline.NewTimeline(t0, 0)}
	// Ticks every 5 s: the opens tried back off (the path's folders are
	// left alone, though the machine may touch /tmp), never more than
	// RetryMax apart.
	last, ticks, tries := t0, 0, 0
	for at := t0.Add(5 * time.Second); at.Before(t0.Add(5 * time.Minute)); at = at.Add(5 * time.Second) {
		clk.Set(at)
		f.sample(at, posture.Upright)
		before := j.nextTry
		if err := j.Tick(context.Background(), at); err == nil || !strings.Contains(err.Error(), "cannot open") || !strings.Contains(err.Error(), "not a directory") {
			t.Fatalf("Tick at %v while unopenable: %v, want the reason", at.Format("15:04:05"), err)
		}
		ticks++
		if !j.nextTry.Equal(before) {
			tries++
			last = at
		}
		if at.Sub(last) > RetryMax {
			t.Fatalf("no open tried from %v to %v", last.Format("15:04:05"), at.Format("15:04:05"))
		}
	}
	if tries > ticks/3 {
		t.Errorf("%d opens tried in %d ticks: no back-off", tries, ticks)
	}
	// The obstacle goes; the next try after the back-off opens it and
	// writes what waited.
	if err := os.Remove(blocker); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(blocker, 0o700); err != nil {
		t.Fatal(err)
	}
	later := t0.Add(5*time.Minute + RetryMax)
	clk.Set(later)
	if err := j.Tick(context.Background(), later); err != nil {
		t.Fatalf("Tick after the obstacle went: %v", err)
	}
	if j.Store() == nil {
		t.Fatal("no store after the retry")
	}
	if present := presentIn(t, j.Store(), t0, later); present < 2*time.Minute {
		t.Fatalf("the waiting minutes were not written: %v present", present)
	}
}

// Status recovers when the cause is gone: with a file where the history's
// folder should be, the journal retries with a back-off (at most 30 s),
// and once the folder is restored it opens the database at the next tick
// (the daemon's every 5 s), not when the back-off runs out. The old
// journal kept "not a directory (retrying)" for 20-30 s, and its back-off
// grew to 5 minutes.
func TestJournalRetriesAtOnceWhenThePathIsFixed(t *testing.T) {
	folder := filepath.Join(t.TempDir(), "data")
	if err := os.WriteFile(folder, []byte("a file where the folder should be"), 0o600); err != nil {
		t.Fatal(err)
	}
	var log logLines
	clk := &clock{t: t0}
	j := OpenJournal(JournalOptions{Path: filepath.Join(folder, "history.db"), Now: clk.Now, Warn: log.warn})
	defer j.Close()
	// Ten minutes of ticks with the fault, ending with a tick that tried
	// to open (so that the back-off runs from it).
	at, tried := t0, false
	for ; at.Before(t0.Add(10*time.Minute)) || !tried; at = at.Add(5 * time.Second) {
		clk.Set(at)
		before := j.nextTry
		err := j.Tick(context.Background(), at)
		if err == nil || !strings.Contains(err.Error(), "not a directory") {
			t.Fatalf("Tick at %v with a file for a folder: %v", at.Format("15:04:05"), err)
		}
		if wait := j.nextTry.Sub(at); wait > RetryMax {
			t.Fatalf("the next try is %v away at %v: a fixed fault would show for that long", wait, at.Format("15:04:05"))
		}
		tried = !j.nextTry.Equal(before)
	}
	// The folder is restored; the next tick comes within the back-off.
	if err := os.Remove(folder); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	if !at.Before(j.nextTry) {
		t.Fatalf("test set-up: the tick at %v is not within the back-off (next try %v)", at.Format("15:04:05"), j.nextTry.Format("15:04:05"))
	}
	if err := j.Tick(context.Background(), at); err != nil || j.Store() == nil {
		t.Fatalf("the tick after the folder came back: %v (store %v)", err, j.Store())
	}
}

// A database deleted or replaced while the daemon runs is noticed, said,
// and opened again; the minutes after it land in the file at the path
// instead of one nobody sees.
func TestJournalReopensADeletedOrReplacedHistory(t *testing.T) {
	for _, tc := range []struct {
		name    string
		replace func(t *testing.T, path string)
	}{
		{"deleted", func(t *testing.T, path string) {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(path + suffix)
			}
		}},
		{"replaced by another history", func(t *testing.T, path string) {
			other := filepath.Join(t.TempDir(), "other.db")
			s, err := Open(other)
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
			for _, suffix := range []string{"-wal", "-shm"} {
				os.Remove(path + suffix)
			}
			if err := os.Rename(other, path); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := dbPath(t)
			var log logLines
			clk := &clock{t: t0}
			j := OpenJournal(JournalOptions{Path: path, Now: clk.Now, Warn: log.warn})
			if j.Store() == nil {
				t.Fatalf("history did not open:\n%s", log.String())
			}
			defer j.Close()
			f := journalFeed{j: j, tl: timeline.NewTimeline(t0, 0)}
			sample := func(at time.Time) {
				clk.Set(at)
				f.sample(at, posture.Upright)
				if err := j.Tick(context.Background(), at); err != nil {
					t.Fatalf("Tick at %v: %v", at, err)
				}
			}
			for i := 0; i < 4; i++ { // 10:00:00 to 10:01:30: 10:00 written
				sample(t0.Add(time.Duration(i) * 30 * time.Second))
			}
			tc.replace(t, path)
			for i := 4; i < 10; i++ { // 10:02:00 to 10:04:30: 10:01 to 10:03 written
				sample(t0.Add(time.Duration(i) * 30 * time.Second))
			}
			if log.count() != 1 || !strings.Contains(log.String(), "deleted or replaced") {
				t.Fatalf("warnings %q, want one about the deleted or replaced database", log.String())
			}
			s := openT(t, path) // what anybody opening the path sees
			if present := presentIn(t, s, t0, t0.Add(time.Hour)); present != 3*time.Minute {
				t.Fatalf("the database at the path holds %v present, want the 3 minutes written after the %s", present, tc.name)
			}
		})
	}
}

// A stop while the database is locked loses nothing: Close gives up after
// ShutdownWait, the minutes go to the unwritten file (the error names it),
// the next start writes them at its first tick and removes the file.
func TestJournalKeepsWhatALockedStopCouldNotWrite(t *testing.T) {
	path := dbPath(t)
	unwritten := filepath.Join(t.TempDir(), "state", UnwrittenFileName)
	clk := &clock{t: t0}
	j := OpenJournal(JournalOptions{Path: path, Unwritten: unwritten, Now: clk.Now})
	if j.Store() == nil {
		t.Fatal("history did not open")
	}
	f := journalFeed{j: j, tl: timeline.NewTimeline(t0, 0)}
	for i := 0; i < 8; i++ {
		f.sample(t0.Add(time.Duration(i)*15*time.Second), posture.Upright)
	}
	f.stop(t0.Add(time.Hour)) // the last hold is accounted for
	unlock := holdDatabase(t, path)
	if err := j.Close(); err == nil || !strings.Contains(err.Error(), unwritten) || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("Close while locked: %v, want the lock and the unwritten file named", err)
	}
	unlock()
	if _, err := os.Stat(unwritten); err != nil {
		t.Fatalf("no unwritten file: %v", err)
	}

	restart := t0.Add(time.Hour)
	clk.Set(restart)
	j2 := OpenJournal(JournalOptions{Path: path, Unwritten: unwritten, Now: clk.Now})
	defer j2.Close()
	if err := j2.Tick(context.Background(), restart.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(unwritten); !os.IsNotExist(err) {
		t.Errorf("the unwritten file is still there after its minutes were written (%v)", err)
	}
	// 8 samples 15 s apart; the last holds for the 45 s maximum gap.
	if present, want := presentIn(t, j2.Store(), t0, restart), 7*15*time.Second+timeline.DefaultMaxGap; present != want {
		t.Errorf("present %v after the restart, want %v", present, want)
	}
}

// ForgetUnwritten applies a forget to the unwritten file: what is from
// before the cut goes (the file with it when nothing is left), the rest
// stays; a missing file is no error.
func TestForgetUnwritten(t *testing.T) {
	for _, tc := range []struct {
		name           string
		cut            time.Time
		wantFile       bool
		wantMinutes    int
		wantEventsAt   []time.Time
		missingToBegin bool
	}{
		{name: "everything", wantFile: false},
		{name: "before 10:01", cut: t0.Add(time.Minute), wantFile: true, wantMinutes: 2, wantEventsAt: []time.Time{t0.Add(150 * time.Second)}},
		{name: "before a time after all of it", cut: t0.Add(time.Hour), wantFile: false},
		{name: "no file", missingToBegin: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), UnwrittenFileName)
			now := t0.Add(5 * time.Minute)
			if !tc.missingToBegin {
				r := newFeeder(nil, func() time.Time { return now }, 0)
				for at := t0; at.Before(t0.Add(3 * time.Minute)); at = at.Add(20 * time.Second) {
					r.Sample(at, verdict(posture.Upright, 0, nil))
				}
				r.AddEvent(Event{At: t0.Add(30 * time.Second), Kind: EventPaused})
				r.AddEvent(Event{At: t0.Add(150 * time.Second), Kind: EventResumed})
				if err := r.SaveUnwritten(path); err != nil {
					t.Fatal(err)
				}
			}
			if err := ForgetUnwritten(path, tc.cut, now); err != nil {
				t.Fatal(err)
			}
			r := NewRecorder(nil, func() time.Time { return now })
			ok, err := r.LoadUnwritten(path)
			if err != nil || ok != tc.wantFile {
				t.Fatalf("after the forget: file %v (%v), want %v", ok, err, tc.wantFile)
			}
			if m, e, _ := r.Pending(); m != tc.wantMinutes || e != len(tc.wantEventsAt) {
				t.Fatalf("%d minutes, %d events left; want %d, %d", m, e, tc.wantMinutes, len(tc.wantEventsAt))
			}
			for i, e := range r.events {
				if !e.At.Equal(tc.wantEventsAt[i]) {
					t.Errorf("event %d at %v, want %v", i, e.At, tc.wantEventsAt[i])
				}
			}
		})
	}
}
