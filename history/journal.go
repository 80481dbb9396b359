package history

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/neckwatch/neckwatch/internal/xdg"
	"github.com/neckwatch/neckwatch/posture"
	"github.com/neckwatch/neckwatch/timeline"
)

// Journal is the running daemon's history: a Recorder and the policy that
// keeps what it records from being lost while the database misbehaves.
//
//   - A database that cannot be opened (locked, read-only, corrupt, a
//     missing folder) is tried again with a back-off, RetryMin doubling to
//     RetryMax, and at the next Tick when its path changes (the folder
//     restored, the mode fixed); Tick reports why until it opens, so the
//     status shows "unavailable: <reason>", not "off". Meanwhile the
//     minutes wait in memory (bounded, see Recorder).
//   - An open database whose file was deleted or replaced (writes would go
//     to a file nobody sees) is closed and opened again, which recreates
//     it; the minutes not yet written go to the new file.
//   - The unwritten file (JournalOptions.Unwritten) keeps what could not
//     be written: at every failed write, at most once a minute (a crash
//     or a kill loses at most the minute in progress), and at a Close that
//     could not write. OpenJournal loads it (a file it refuses is moved
//     aside, for a look); it is removed once its data is in the database.
//
// Its methods are safe for concurrent use.
type Journal struct {
	rec  *Recorder
	path string
	warn func(msg string, args ...any)

	// unwritten is the unwritten file ("" none). fileWrites is
	// rec.Writes() when the file last matched what was held (saved or
	// loaded), -1 when no file holds unwritten data; once a write has
	// succeeded since, it is all in the database and the file goes.
	// keptMinute is the minute of the last keep. Tick and Close use
	// them; the daemon calls those from one goroutine at a time.
	unwritten  string
	fileWrites int
	keptMinute time.Time

	mu      sync.Mutex
	store   *Store
	file    os.FileInfo // the database file as opened, to notice it deleted or replaced
	openErr error
	nextTry time.Time
	backoff time.Duration
	// seen is how the database's path looked at the last failed open: a
	// change is retried at once instead of after the back-off.
	seen pathState
}

// JournalOptions configure OpenJournal.
type JournalOptions struct {
	Path      string           // the database file
	Unwritten string           // the unwritten file ("": none is kept)
	Now       func() time.Time // the clock (time.Now when nil)
	// Warn logs what the journal does about a fault (nil: nothing).
	Warn func(msg string, args ...any)
}

// The open retry's back-off: 10 s, doubling to 30 s. A failed open costs
// next to nothing (SQLite does not wait for a lock to open), and status
// shows the fault until a retry succeeds, so it is not left for minutes;
// a change to the path is retried at the next tick (about 5 s).
const (
	RetryMin = 10 * time.Second
	RetryMax = 30 * time.Second
)

// ShutdownWait bounds Close's last write, so the daemon exits within a
// second even with the database locked; what is not written by then is
// kept in the unwritten file for the next start.
const ShutdownWait = 400 * time.Millisecond

// UnwrittenFileName is the unwritten file's name in the state directory.
const UnwrittenFileName = "history-unwritten.json"

// DefaultUnwrittenPath is where the daemon keeps, from one run to the
// next, the minutes it could not write: UnwrittenFileName in the
// neckwatch state directory ($XDG_STATE_HOME/neckwatch).
func DefaultUnwrittenPath() (string, error) { return fileIn(xdg.StateDir, UnwrittenFileName) }

// OpenJournal starts the journal: it loads the unwritten file, if any, and
// opens the database at once when it can (else Tick retries).
func OpenJournal(opt JournalOptions) *Journal {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Warn == nil {
		opt.Warn = func(string, ...any) {}
	}
	now := opt.Now()
	j := &Journal{rec: NewRecorder(nil, opt.Now), path: opt.Path, warn: opt.Warn, unwritten: opt.Unwritten, fileWrites: -1}
	if j.unwritten != "" {
		if ok, err := j.rec.LoadUnwritten(j.unwritten); err != nil {
			// Kept for a look, out of the way of the next save, which
			// would replace it.
			aside := fmt.Sprintf("%s.refused-%s", j.unwritten, now.Format("20060102-150405"))
			if ok && os.Rename(j.unwritten, aside) == nil {
				j.warn("unwritten history from the last stop not loaded; moved aside", "err", err, "kept_as", aside)
			} else {
				j.warn("unwritten history from the last stop not loaded", "err", err)
			}
		} else if ok {
			j.fileWrites = j.rec.Writes()
		}
	}
	if err := j.open(now); err != nil {
		j.warn("history unavailable; detection and alerts go on, the minutes wait in memory", "err", err)
	}
	return j
}

// Path is the database file's path.
func (j *Journal) Path() string { return j.path }

// CountSample counts a sample's figures (Recorder.CountSample).
func (j *Journal) CountSample(at time.Time, v posture.Verdict) { j.rec.CountSample(at, v) }

// AddSpans credits spans of state time (Recorder.AddSpans).
func (j *Journal) AddSpans(spans []timeline.Span) { j.rec.AddSpans(spans) }

// AddEvent queues an event (Recorder.AddEvent).
func (j *Journal) AddEvent(e Event) { j.rec.AddEvent(e) }

// Discard drops what is held from before cut (Recorder.Discard).
func (j *Journal) Discard(cut time.Time) { j.rec.Discard(cut) }

// Tick opens the database if need be and writes the closed minutes (see
// Recorder.TickContext); ctx cancels a write waiting for a lock. While
// the database cannot be written, what is held is kept in the unwritten
// file once a minute (atomically).
func (j *Journal) Tick(ctx context.Context, now time.Time) error {
	err := j.open(now)
	if err == nil {
		err = j.rec.TickContext(ctx, now)
	}
	if err != nil {
		if !errors.Is(ctx.Err(), context.Canceled) { // cancelled: stopping, Close keeps it
			j.keep(now)
		}
		return err
	}
	if j.fileWrites >= 0 && j.rec.Writes() > j.fileWrites {
		// What the file kept is in the database now.
		if rerr := os.Remove(j.unwritten); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
			j.warn("cannot remove the file of unwritten history; it may be counted twice", "path", j.unwritten, "err", rerr)
		}
		j.fileWrites = -1
	}
	return nil
}

// keep saves what the recorder holds to the unwritten file, the first
// time in each minute that the database cannot take it.
func (j *Journal) keep(now time.Time) {
	minute := now.Truncate(time.Minute)
	if j.unwritten == "" || minute.Equal(j.keptMinute) {
		return
	}
	j.keptMinute = minute
	if err := j.rec.SaveUnwritten(j.unwritten); err != nil {
		j.warn("cannot keep the unwritten history on disk; a crash now would lose it", "path", j.unwritten, "err", err)
		return
	}
	j.fileWrites = j.rec.Writes()
}

// open opens the database when it is not open yet and a retry is due,
// and reopens one whose file was deleted or replaced.
func (j *Journal) open(now time.Time) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.store != nil {
		fi, err := os.Stat(j.path)
		if err == nil && os.SameFile(fi, j.file) {
			return nil
		}
		j.warn("history database deleted or replaced; opening it again", "path", j.path)
		j.store.Close()
		j.store, j.file, j.nextTry = nil, nil, time.Time{}
	}
	if now.Before(j.nextTry) && (j.seen == nil || statePath(j.path).equal(j.seen)) {
		return j.openErr
	}
	store, err := Open(j.path)
	if err != nil {
		j.backoff = min(max(2*j.backoff, RetryMin), RetryMax)
		j.nextTry = now.Add(j.backoff)
		j.seen = statePath(j.path)
		j.openErr = fmt.Errorf("cannot open %s (retrying): %w", j.path, err)
		return j.openErr
	}
	j.seen, j.backoff = nil, 0
	fi, err := os.Stat(j.path)
	if err != nil {
		store.Close()
		j.openErr = fmt.Errorf("cannot open %s (retrying): %w", j.path, err)
		return j.openErr
	}
	j.store, j.file, j.openErr = store, fi, nil
	j.rec.Attach(store)
	return nil
}

// Store is the open history database, or nil while it cannot be opened.
func (j *Journal) Store() *Store {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.store
}

// Close writes everything, waiting at most ShutdownWait for a locked
// database; what it could not write goes to the unwritten file (the
// error says so). It closes the database. The caller hands on the last
// sample's time first (coach.Session.Stop).
func (j *Journal) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), ShutdownWait)
	defer cancel()
	err := j.rec.Shutdown(ctx)
	switch {
	case err == nil && j.fileWrites >= 0:
		os.Remove(j.unwritten) // written with the rest
	case err != nil && j.unwritten != "":
		if serr := j.rec.SaveUnwritten(j.unwritten); serr != nil {
			err = errors.Join(err, serr)
		} else {
			err = fmt.Errorf("%w; the unwritten minutes are kept in %s and written at the next start", err, j.unwritten)
		}
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.store != nil {
		err = errors.Join(err, j.store.Close())
		j.store = nil
	}
	return err
}

// ForgetUnwritten applies `history forget` (everything from before cut;
// all of it when cut is zero) to the minutes waiting in the unwritten file
// at path too, so the next start does not bring them back. now is the
// time the file is checked against.
func ForgetUnwritten(path string, cut, now time.Time) error {
	rec := NewRecorder(nil, func() time.Time { return now })
	if ok, err := rec.LoadUnwritten(path); !ok || err != nil {
		return err
	}
	rec.Discard(cut)
	return rec.SaveUnwritten(path)
}

// pathState is what can be seen of a path and every folder above it:
// whether each exists and its type, mode, size, modification time and
// identity. A fault at a path (a file where the folder should be, a
// folder without write permission, a missing folder) changes it when it
// is fixed.
type pathState []string

func statePath(path string) pathState {
	var out pathState
	for p := filepath.Clean(path); ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			out = append(out, p+": "+err.Error())
		} else {
			id := ""
			if st, ok := fi.Sys().(*syscall.Stat_t); ok {
				id = fmt.Sprintf("%d:%d", st.Dev, st.Ino)
			}
			out = append(out, fmt.Sprintf("%s: %v %d %d %s", p, fi.Mode(), fi.Size(), fi.ModTime().UnixNano(), id))
		}
		if p == filepath.Dir(p) {
			return out
		}
	}
}

func (a pathState) equal(b pathState) bool { return slices.Equal(a, b) }
