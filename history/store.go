package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/neckwatch/neckwatch/internal/xdg"
)

// Errors a Store returns, wrapped with the database path and the cause;
// test them with errors.Is. The daemon keeps detecting and alerting without
// history when Open fails with any of them, and keeps the unwritten data
// in memory for the next flush when a write fails.
var (
	// ErrCorrupt: the file is not an SQLite database or is damaged. The
	// fix is to move it aside; neckwatch then starts a new one.
	ErrCorrupt = errors.New("history database is corrupt")
	// ErrLocked: another program held the database longer than the busy
	// timeout (2 s).
	ErrLocked = errors.New("history database is locked")
	// ErrReadOnly: the database file, its directory or its file system is
	// not writable.
	ErrReadOnly = errors.New("history database is read-only")
	// ErrNewerSchema: the database was written by a newer neckwatch.
	ErrNewerSchema = errors.New("history database schema is newer than this neckwatch")
	// ErrDiskFull: the disk holding the database is full.
	ErrDiskFull = errors.New("history database disk is full")
	// ErrNoHistory: OpenExisting found no database at the path (the
	// commands that only read never create one).
	ErrNoHistory = errors.New("no history database")
	// ErrNotHistory: OpenExisting found a file that is not a neckwatch
	// history (not SQLite, or SQLite without neckwatch's schema).
	ErrNotHistory = errors.New("not a neckwatch history database")
	// ErrNoStore: a Recorder was stopped with data in memory but without
	// a database to write it to (it could not be opened).
	ErrNoStore = errors.New("history database is not open")
)

// BusyTimeout is how long a Store waits for another program holding the
// database before giving up with ErrLocked.
const BusyTimeout = 2 * time.Second

// FileName is the database's name in the data directory.
const FileName = "history.db"

// DefaultPath returns the history database path: history.db in the
// neckwatch data directory ($XDG_DATA_HOME/neckwatch, by default
// ~/.local/share/neckwatch).
func DefaultPath() (string, error) { return fileIn(xdg.DataDir, FileName) }

// fileIn is the path of name in the folder dir returns.
func fileIn(dir func() (string, error), name string) (string, error) {
	d, err := dir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, name), nil
}

// Store is an open history database. It is safe for concurrent use; all
// statements go through one connection, so they run one at a time.
type Store struct {
	db       *sql.DB
	path     string
	loc      *time.Location // "local time" of the returned times and of Days
	readOnly bool
}

// dbError is a Store error: a clear message for the user, errors.Is-able
// against one of the sentinels and errors.As-able to the cause.
type dbError struct {
	kind error
	msg  string
	err  error
}

func (e *dbError) Error() string { return e.msg }

func (e *dbError) Unwrap() []error {
	if e.err == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.err}
}

func corruptError(path string, cause error) error {
	return &dbError{kind: ErrCorrupt, err: cause, msg: fmt.Sprintf(
		"history database %s is corrupt (%v): move it aside (for example rename it to %s.corrupt); neckwatch starts a new one",
		path, cause, filepath.Base(path))}
}

func lockedError(path string, cause error) error {
	return &dbError{kind: ErrLocked, err: cause, msg: fmt.Sprintf(
		"history database %s is locked by another program for more than %v (%v): close the program holding it (an sqlite3 shell, a backup or sync tool)",
		path, BusyTimeout, cause)}
}

func readOnlyError(path string, cause error) error {
	return &dbError{kind: ErrReadOnly, err: cause, msg: fmt.Sprintf(
		"history database %s is read-only (%v): make the file and its directory writable by you (chmod u+w)",
		path, cause)}
}

func diskFullError(path string, cause error) error {
	return &dbError{kind: ErrDiskFull, err: cause, msg: fmt.Sprintf(
		"history database %s: the disk is full (%v): free some space", path, cause)}
}

// classify maps an SQLite error to one of the sentinel errors, with the
// path and what was being done in the message.
func classify(path, op string, err error) error {
	if err == nil {
		return nil
	}
	var de *dbError
	if errors.As(err, &de) {
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return lockedError(path, err)
		case sqlite3.SQLITE_READONLY:
			return readOnlyError(path, err)
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return corruptError(path, err)
		case sqlite3.SQLITE_FULL:
			return diskFullError(path, err)
		case sqlite3.SQLITE_PERM, sqlite3.SQLITE_CANTOPEN:
			if werr := writable(path); errors.Is(werr, fs.ErrPermission) || errors.Is(werr, syscall.EROFS) {
				return readOnlyError(path, err)
			}
		}
	}
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) {
		return readOnlyError(path, err)
	}
	return fmt.Errorf("history database %s: %s: %w", path, op, err)
}

// writable reports why the database file or its directory cannot be
// written, nil when they can.
func writable(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	f.Close()
	// SQLite creates the -wal and -shm files next to the database.
	return syscall.Access(filepath.Dir(path), 2 /* W_OK */)
}

type openOptions struct {
	// existing opens only a file that is there and is a neckwatch
	// history: nothing is created, not even its directory.
	existing bool
	// readOnly opens with the SQLite URI parameter mode=ro: everything
	// reads, every write fails with SQLITE_READONLY. It lets the tests
	// exercise the read-only paths when running as root, for whom file
	// permissions do not apply.
	readOnly bool
}

// Open opens (creating if needed) the history database at path: the
// directory is created with mode 0700 and the file with 0600, the database
// is put in WAL mode and migrated to the current schema, each migration in
// its own transaction. It fails with ErrCorrupt, ErrLocked, ErrReadOnly or
// ErrNewerSchema (wrapped, with the path and the fix in the message).
func Open(path string) (*Store, error) { return open(path, openOptions{}) }

// OpenExisting opens the history database at path for the commands that
// read it (report, journal list, history export): a missing file fails
// with ErrNoHistory and creates nothing; a file the user named (named:
// --db, history.path) that is not a neckwatch history (another program's
// file, an empty file, another SQLite database) fails with ErrNotHistory
// and is left as it is. At neckwatch's own path such a file is a damaged
// history (ErrCorrupt, with the advice to move it aside). An older
// neckwatch history is migrated as by Open.
func OpenExisting(path string, named bool) (*Store, error) {
	s, err := open(path, openOptions{existing: true})
	var de *dbError
	if !named && errors.As(err, &de) && de.kind == ErrNotHistory {
		if abs, aerr := filepath.Abs(path); aerr == nil {
			path = abs
		}
		return nil, corruptError(path, de.err)
	}
	return s, err
}

// sqliteHeader starts every SQLite database file.
const sqliteHeader = "SQLite format 3\x00"

// checkExisting tells why path cannot be an existing history: missing, not
// a regular file, or not an SQLite file.
func checkExisting(path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &dbError{kind: ErrNoHistory, msg: fmt.Sprintf("no posture history at %s: the file does not exist (`neckwatch run` records one; check --db or history.path)", path)}
	case err != nil:
		return classify(path, "opening", err)
	case !fi.Mode().IsRegular():
		return notHistoryError(path, "not a regular file")
	}
	f, err := os.Open(path)
	if err != nil {
		return classify(path, "opening", err)
	}
	defer f.Close()
	head := make([]byte, len(sqliteHeader))
	if _, err := io.ReadFull(f, head); err != nil || string(head) != sqliteHeader {
		return notHistoryError(path, "not an SQLite database")
	}
	return nil
}

func notHistoryError(path, why string) error {
	return &dbError{kind: ErrNotHistory, err: errors.New(why), msg: fmt.Sprintf("%s is not a neckwatch history database (%s): check --db or history.path", path, why)}
}

func open(path string, o openOptions) (*Store, error) {
	if path == "" {
		return nil, errors.New("history: empty database path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("history database %s: %w", path, err)
	}
	path = abs
	if o.existing {
		if err := checkExisting(path); err != nil {
			return nil, err
		}
	} else if !o.readOnly {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, classify(path, "creating its directory", err)
		}
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, classify(path, "opening", err)
		}
		f.Close()
		if err := syscall.Access(filepath.Dir(path), 2 /* W_OK */); err != nil {
			return nil, readOnlyError(path, fmt.Errorf("directory %s: %w", filepath.Dir(path), err))
		}
	} else if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("history database %s: %w", path, err)
	}

	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", BusyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	// FULL, not NORMAL: in WAL mode NORMAL does not sync the WAL at
	// commit, so a power loss could roll back every transaction since the
	// last checkpoint (hours of minutes). With one commit a minute the
	// extra fsync costs nothing and a power loss loses at most the last
	// minute.
	q.Add("_pragma", "synchronous(FULL)")
	// Writers take the write lock at BEGIN, waiting up to the busy
	// timeout, instead of failing at once when upgrading a read lock.
	q.Set("_txlock", "immediate")
	switch {
	case o.readOnly:
		q.Set("mode", "ro")
	case o.existing:
		q.Set("mode", "rw") // never create it
	}
	dsn := (&url.URL{Scheme: "file", Path: path}).String() + "?" + q.Encode()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, classify(path, "opening", err)
	}
	// One connection: statements of this process never contend with each
	// other for the database lock, and per-connection pragmas hold.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	s := &Store{db: db, path: path, loc: time.Local, readOnly: o.readOnly}
	if err := s.init(o.existing); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// init puts the database in WAL mode, checks it and migrates it; with
// existing, an SQLite database without neckwatch's schema is refused
// before anything is written to it.
func (s *Store) init(existing bool) error {
	ctx := context.Background()
	if existing {
		var v, tables int
		if err := s.db.QueryRowContext(ctx, "SELECT (SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM sqlite_schema WHERE name = 'minutes')").Scan(&v, &tables); err != nil {
			return classify(s.path, "checking", err)
		}
		if v == 0 || tables == 0 {
			return notHistoryError(s.path, "an SQLite database without neckwatch's tables")
		}
	}
	var mode string
	if err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode); err != nil {
		return classify(s.path, "setting WAL mode", err)
	}
	if !s.readOnly && !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("history database %s: cannot use WAL mode (journal mode is %s)", s.path, mode)
	}
	if err := s.check(ctx); err != nil {
		return err
	}
	return s.migrate(ctx)
}

// check detects a damaged file cheaply: SQLite writes whole pages, so a
// main file whose size is not a multiple of the page size was truncated or
// overwritten, and a quick check of the first pages (the schema) fails.
func (s *Store) check(ctx context.Context) error {
	var pageSize int64
	if err := s.db.QueryRowContext(ctx, "PRAGMA page_size").Scan(&pageSize); err != nil {
		return classify(s.path, "reading the page size", err)
	}
	fi, err := os.Stat(s.path)
	if err != nil {
		return fmt.Errorf("history database %s: %w", s.path, err)
	}
	if pageSize > 0 && fi.Size()%pageSize != 0 {
		return corruptError(s.path, fmt.Errorf("file size %d is not a multiple of the page size %d: truncated", fi.Size(), pageSize))
	}
	var res string
	if err := s.db.QueryRowContext(ctx, "PRAGMA quick_check(1)").Scan(&res); err != nil {
		return classify(s.path, "checking", err)
	}
	if res != "ok" {
		return corruptError(s.path, errors.New(res))
	}
	return nil
}

// migrations are the schema versions in order: applying migrations[i]
// takes a database from user_version i to i+1. Never edit a released
// step; append a new one.
var migrations = []string{
	// v1: the initial schema. Times are Unix seconds (minute starts) or
	// milliseconds (events, pain); durations are milliseconds; means are
	// over severity_samples / neck_angle_samples, so rows written in
	// parts merge exactly.
	`CREATE TABLE minutes (
	start               INTEGER PRIMARY KEY,
	present_ms          INTEGER NOT NULL DEFAULT 0,
	upright_ms          INTEGER NOT NULL DEFAULT 0,
	forward_head_ms     INTEGER NOT NULL DEFAULT 0,
	slouch_ms           INTEGER NOT NULL DEFAULT 0,
	lean_ms             INTEGER NOT NULL DEFAULT 0,
	uncertain_ms        INTEGER NOT NULL DEFAULT 0,
	samples             INTEGER NOT NULL DEFAULT 0,
	severity_samples    INTEGER NOT NULL DEFAULT 0,
	mean_severity       REAL    NOT NULL DEFAULT 0,
	neck_angle_samples  INTEGER NOT NULL DEFAULT 0,
	mean_neck_angle_deg REAL    NOT NULL DEFAULT 0
);
CREATE TABLE events (
	id        INTEGER PRIMARY KEY,
	at        INTEGER NOT NULL,
	kind      TEXT    NOT NULL,
	state     TEXT    NOT NULL DEFAULT '',
	severity  REAL    NOT NULL DEFAULT 0,
	corrected INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX events_at ON events(at);
CREATE TABLE pain (
	id    INTEGER PRIMARY KEY,
	at    INTEGER NOT NULL,
	score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
	note  TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX pain_at ON pain(at);`,
	// v2: free-text event details (pause length, calibrated profile, ...)
	// and the pain area.
	`ALTER TABLE events ADD COLUMN detail TEXT NOT NULL DEFAULT '';
ALTER TABLE pain ADD COLUMN area TEXT NOT NULL DEFAULT '';`,
	// v3: the desk set-up as the camera measures it, per minute, over the
	// minute's upright samples: the head's pitch (looking down positive),
	// the camera-to-eyes distance and the head's yaw (to the user's left
	// positive), each a mean (NULL: no sample) with its own count; and the
	// desk advice the user dismissed for good.
	`ALTER TABLE minutes ADD COLUMN head_pitch_samples INTEGER NOT NULL DEFAULT 0;
ALTER TABLE minutes ADD COLUMN mean_head_pitch_deg REAL;
ALTER TABLE minutes ADD COLUMN distance_samples INTEGER NOT NULL DEFAULT 0;
ALTER TABLE minutes ADD COLUMN mean_distance_cm REAL;
ALTER TABLE minutes ADD COLUMN yaw_samples INTEGER NOT NULL DEFAULT 0;
ALTER TABLE minutes ADD COLUMN mean_yaw_deg REAL;
CREATE TABLE dismissed_advice (
	id TEXT PRIMARY KEY,
	at INTEGER NOT NULL
);`,
	// v4: an event's figures as numbers (JSON, see Figures; '' in the rows
	// before, which keep their words in detail).
	`ALTER TABLE events ADD COLUMN figures TEXT NOT NULL DEFAULT '';`,
}

// SchemaVersion is the schema version this code writes.
var SchemaVersion = len(migrations)

func (s *Store) version(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (int, error) {
	var v int
	if err := q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, classify(s.path, "reading the schema version", err)
	}
	return v, nil
}

func (s *Store) newerError(v int) error {
	return &dbError{kind: ErrNewerSchema, msg: fmt.Sprintf(
		"history database schema v%d is newer than this neckwatch (v%d): upgrade neckwatch (database %s)",
		v, SchemaVersion, s.path)}
}

// migrate brings the schema to SchemaVersion, one transaction per step;
// the version is re-read inside each transaction so two processes opening
// an old database at once do not both migrate it.
func (s *Store) migrate(ctx context.Context) error {
	v, err := s.version(ctx, s.db)
	if err != nil {
		return err
	}
	if v > SchemaVersion {
		return s.newerError(v)
	}
	for v < SchemaVersion {
		if err := s.step(ctx); err != nil {
			return err
		}
		if v, err = s.version(ctx, s.db); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) step(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return classify(s.path, "migrating", err)
	}
	defer tx.Rollback()
	v, err := s.version(ctx, tx)
	if err != nil {
		return err
	}
	if v > SchemaVersion {
		return s.newerError(v)
	}
	if v == SchemaVersion {
		return nil
	}
	if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
		return classify(s.path, fmt.Sprintf("migrating the schema from v%d to v%d", v, v+1), err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
		return classify(s.path, "migrating", err)
	}
	if err := tx.Commit(); err != nil {
		return classify(s.path, fmt.Sprintf("migrating the schema from v%d to v%d", v, v+1), err)
	}
	return nil
}

// Path returns the database file's absolute path.
func (s *Store) Path() string { return s.path }

// closeCheckpointWait bounds Close's wait for a lock: a daemon stopping
// must exit within a second.
const closeCheckpointWait = 100 * time.Millisecond

// Close checkpoints the WAL into the database file (best effort: it waits
// at most closeCheckpointWait for another program's lock, since the WAL is
// checkpointed at the next open anyway) and closes it.
func (s *Store) Close() error {
	if s == nil || s.db == nil {
		return nil
	}
	if !s.readOnly {
		_, _ = s.db.Exec(fmt.Sprintf("PRAGMA busy_timeout = %d", closeCheckpointWait.Milliseconds()))
		_, _ = s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	}
	err := s.db.Close()
	if err != nil {
		return classify(s.path, "closing", err)
	}
	return nil
}

// AddEvent writes one event now (outside a Recorder: the CLI recording a
// calibration, for example). A correction (EventCorrected with Corrected)
// also marks its alert corrected, as Recorder.AddEvent does.
func (s *Store) AddEvent(e Event) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	b := batch{events: []Event{e}}
	if e.Kind == EventCorrected && e.Corrected {
		b.marks = []mark{{alertAt: e.AlertAt, before: e.At}}
	}
	return s.write(context.Background(), b)
}

// AddPain validates and writes one pain entry now (the zero At is now).
func (s *Store) AddPain(p PainEntry) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if p.At.IsZero() {
		p.At = time.Now()
	}
	return s.write(context.Background(), batch{pain: []PainEntry{p}})
}

// minuteRow is a minute delta as written: durations in milliseconds.
type minuteRow struct {
	start                                              int64
	present, upright, forward, slouch, lean, uncertain int64
	samples, sevN, neckN                               int64
	meanSev, meanNeck                                  float64
	setup                                              setupRow
}

// mark is a pending "this alert was corrected within a minute": the alert
// at alertAt (exact, milliseconds) or, when alertAt is zero, the last alert
// in [after, before].
type mark struct {
	alertAt       time.Time
	before, after time.Time
}

// batch is everything one flush writes, in one transaction.
type batch struct {
	minutes []minuteRow
	events  []Event
	pain    []PainEntry
	marks   []mark
}

func (b *batch) empty() bool {
	return len(b.minutes) == 0 && len(b.events) == 0 && len(b.pain) == 0 && len(b.marks) == 0
}

// upsertMinute adds a delta to a minute row: durations and counts add up,
// means combine weighted by their sample counts.
var upsertMinute = `INSERT INTO minutes (start, present_ms, upright_ms, forward_head_ms, slouch_ms, lean_ms, uncertain_ms,
	samples, severity_samples, mean_severity, neck_angle_samples, mean_neck_angle_deg, ` + setupColumns + `)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(start) DO UPDATE SET
	present_ms = present_ms + excluded.present_ms,
	upright_ms = upright_ms + excluded.upright_ms,
	forward_head_ms = forward_head_ms + excluded.forward_head_ms,
	slouch_ms = slouch_ms + excluded.slouch_ms,
	lean_ms = lean_ms + excluded.lean_ms,
	uncertain_ms = uncertain_ms + excluded.uncertain_ms,
	samples = samples + excluded.samples,
	severity_samples = severity_samples + excluded.severity_samples,
	mean_severity = CASE WHEN severity_samples + excluded.severity_samples > 0
		THEN (mean_severity * severity_samples + excluded.mean_severity * excluded.severity_samples)
			/ (severity_samples + excluded.severity_samples)
		ELSE 0 END,
	neck_angle_samples = neck_angle_samples + excluded.neck_angle_samples,
	mean_neck_angle_deg = CASE WHEN neck_angle_samples + excluded.neck_angle_samples > 0
		THEN (mean_neck_angle_deg * neck_angle_samples + excluded.mean_neck_angle_deg * excluded.neck_angle_samples)
			/ (neck_angle_samples + excluded.neck_angle_samples)
		ELSE 0 END,
	` + mergeMean("head_pitch_samples", "mean_head_pitch_deg") + `,
	` + mergeMean("distance_samples", "mean_distance_cm") + `,
	` + mergeMean("yaw_samples", "mean_yaw_deg")

// write stores a batch in one transaction: all of it or nothing. When ctx
// ends first the transaction is rolled back and nothing is written.
// busySlice is how long one attempt to take the write lock waits in
// SQLite's busy handler: the longest a cancelled write goes on waiting.
const busySlice = 25 * time.Millisecond

// lockWait is how long a write waits for the lock: BusyTimeout, unless a
// test makes it longer than the test (only a cancel can then end the
// wait) or shorter.
var lockWait = BusyTimeout

// testHookBusy, when set, is called when a write first finds the lock
// held: a test knows then that the write is waiting.
var testHookBusy func()

// begin starts a write transaction on conn, waiting for another program's
// lock up to BusyTimeout or ctx's deadline, whichever is sooner, and
// giving up as soon as ctx is cancelled. SQLite's busy wait does not heed
// ctx (an interrupt is only checked between steps), so it waits in slices
// of busySlice and looks at ctx between them; the connection goes back to
// the pool with the usual busy timeout.
func begin(ctx context.Context, conn *sql.Conn) (*sql.Tx, error) {
	deadline := time.Now().Add(lockWait)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	defer conn.ExecContext(context.Background(), fmt.Sprintf("PRAGMA busy_timeout = %d", BusyTimeout.Milliseconds()))
	// The lock was found held: a cancel that lands between two slices
	// (in the PRAGMA, or before BeginTx looks) still reports the lock.
	var busy error
	for {
		wait := min(time.Until(deadline), busySlice)
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", max(wait.Milliseconds(), 1))); err != nil {
			if busy != nil && ctx.Err() != nil {
				return nil, busy
			}
			return nil, err
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil && !isBusy(err) && busy != nil && ctx.Err() != nil {
			return nil, busy
		}
		if err == nil || !isBusy(err) || ctx.Err() != nil || !time.Now().Before(deadline) {
			return tx, err
		}
		busy = err
		if testHookBusy != nil {
			testHookBusy()
		}
	}
}

// isBusy reports whether err is SQLite's "another connection holds the
// lock".
func isBusy(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	c := se.Code() & 0xff
	return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
}

func (s *Store) write(ctx context.Context, b batch) error {
	if b.empty() {
		return nil
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return classify(s.path, "starting a write", err)
	}
	defer conn.Close()
	t0 := time.Now()
	tx, err := begin(ctx, conn)
	if err != nil && isBusy(err) {
		if waited := time.Since(t0); waited < lockWait-busySlice {
			// Given up sooner (stopping): say how long, not BusyTimeout,
			// and keep ctx's reason (errors.Is(err, context.Canceled)).
			if ctx.Err() != nil {
				err = errors.Join(err, ctx.Err())
			}
			return &dbError{kind: ErrLocked, err: err, msg: fmt.Sprintf(
				"history database %s is locked by another program (gave up after %v: stopping)", s.path, waited.Round(time.Millisecond))}
		}
	}
	if err != nil {
		return classify(s.path, "starting a write", err)
	}
	defer tx.Rollback()
	if len(b.minutes) > 0 {
		st, err := tx.PrepareContext(ctx, upsertMinute)
		if err != nil {
			return classify(s.path, "writing minutes", err)
		}
		defer st.Close()
		for _, m := range b.minutes {
			args := append([]any{m.start, m.present, m.upright, m.forward, m.slouch, m.lean, m.uncertain,
				m.samples, m.sevN, m.meanSev, m.neckN, m.meanNeck}, m.setup.args()...)
			if _, err := st.ExecContext(ctx, args...); err != nil {
				return classify(s.path, "writing minutes", err)
			}
		}
	}
	for _, e := range b.events {
		if _, err := tx.ExecContext(ctx,
			"INSERT INTO events (at, kind, state, severity, corrected, detail, figures) VALUES (?, ?, ?, ?, ?, ?, ?)",
			e.At.UnixMilli(), string(e.Kind), e.State, finiteOr0(e.Severity), boolInt(e.Corrected), e.Detail, e.Figures.column()); err != nil {
			return classify(s.path, "writing events", err)
		}
	}
	for _, p := range b.pain {
		if _, err := tx.ExecContext(ctx, "INSERT INTO pain (at, score, area, note) VALUES (?, ?, ?, ?)",
			p.At.UnixMilli(), p.Score, string(p.Area), p.Note); err != nil {
			return classify(s.path, "writing pain entries", err)
		}
	}
	for _, m := range b.marks {
		var err error
		if !m.alertAt.IsZero() {
			_, err = tx.ExecContext(ctx, "UPDATE events SET corrected = 1 WHERE kind = ? AND at = ?",
				string(EventPostureAlert), m.alertAt.UnixMilli())
		} else {
			after := int64(-1 << 62)
			if !m.after.IsZero() {
				after = m.after.UnixMilli()
			}
			_, err = tx.ExecContext(ctx, `UPDATE events SET corrected = 1 WHERE id = (
	SELECT id FROM events WHERE kind = ? AND at <= ? AND at >= ? ORDER BY at DESC, id DESC LIMIT 1)`,
				string(EventPostureAlert), m.before.UnixMilli(), after)
		}
		if err != nil {
			return classify(s.path, "marking corrected alerts", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return classify(s.path, "committing", err)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
