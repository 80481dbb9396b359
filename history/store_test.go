package history

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/posture"
)

// schemaV1 is the v1 schema as released, copied rather than taken from
// migrations so the test notices if a released step is edited.
const schemaV1 = `CREATE TABLE minutes (
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
CREATE INDEX pain_at ON pain(at);`

// makeV1 builds a v1 database by hand, as neckwatch v1 left it.
func makeV1(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		"PRAGMA journal_mode=WAL",
		schemaV1,
		"PRAGMA user_version = 1",
		fmt.Sprintf(`INSERT INTO minutes VALUES (%d, 60000, 50000, 10000, 0, 0, 0, 6, 6, 0.25, 4, 47.5)`, base.Unix()),
		fmt.Sprintf(`INSERT INTO events (at, kind, state, severity, corrected) VALUES (%d, 'posture_alert', 'slouch', 0.6, 1)`, sec(30).UnixMilli()),
		fmt.Sprintf(`INSERT INTO pain (at, score, note) VALUES (%d, 4, 'stiff')`, sec(45).UnixMilli()),
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func userVersion(t *testing.T, path string) int {
	t.Helper()
	db := rawDB(t, path)
	var v int
	if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestOpenCreates(t *testing.T) {
	path := dbPath(t)
	s := openT(t, path)
	if s.Path() != path {
		t.Errorf("Path %q, want %q", s.Path(), path)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, want 0600", fi.Mode().Perm())
	}
	di, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if di.Mode().Perm() != 0o700 {
		t.Errorf("directory mode %v, want 0700", di.Mode().Perm())
	}
	db := rawDB(t, path)
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal mode %q (%v), want wal", mode, err)
	}
	if v := userVersion(t, path); v != SchemaVersion || SchemaVersion != 4 {
		t.Errorf("user_version %d, SchemaVersion %d, want 4", v, SchemaVersion)
	}
	// Reopening a current database is a no-op.
	s.Close()
	s2 := openT(t, path)
	if _, _, ok, err := s2.Range(); ok || err != nil {
		t.Errorf("empty history: Range ok=%v err=%v", ok, err)
	}
}

func TestOpenOddPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "my data?#%20&x=1", "history.db")
	s := openT(t, path)
	if err := s.AddPain(PainEntry{At: sec(0), Score: 2}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if n := count(t, path, "pain"); n != 1 {
		t.Fatalf("%d pain rows in %s", n, path)
	}
}

func TestDefaultPath(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", dir)
	p, err := DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "neckwatch", "history.db"); p != want {
		t.Fatalf("DefaultPath %q, want %q", p, want)
	}
}

func TestMigrateFromV1(t *testing.T) {
	path := dbPath(t)
	makeV1(t, path)
	s := openT(t, path)
	if v := userVersion(t, path); v != SchemaVersion {
		t.Fatalf("user_version %d after Open, want %d", v, SchemaVersion)
	}
	ms, err := s.Minutes(time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || !ms[0].Start.Equal(base) || ms[0].Present != time.Minute || ms[0].Upright != 50*time.Second ||
		ms[0].Samples != 6 || ms[0].MeanSeverity != 0.25 || ms[0].MeanNeckAngleDeg != 47.5 || ms[0].NeckAngleSamples != 4 {
		t.Fatalf("v1 minute after migration: %+v", ms)
	}
	evs, err := s.Events(time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].Kind != EventPostureAlert || !evs[0].Corrected || evs[0].State != "slouch" || evs[0].Detail != "" || !evs[0].At.Equal(sec(30)) {
		t.Fatalf("v1 event after migration: %+v", evs)
	}
	pain, err := s.Pain(time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(pain) != 1 || pain[0].Score != 4 || pain[0].Note != "stiff" || pain[0].Area != "" {
		t.Fatalf("v1 pain after migration: %+v", pain)
	}
	// The new columns work, and a v1 minute merges with new data.
	if err := s.AddPain(PainEntry{At: sec(50), Score: 2, Area: AreaShoulders}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddEvent(Event{At: sec(55), Kind: EventPaused, Detail: "30m"}); err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: sec(50)}
	r := newFeeder(s, clk.Now, 0)
	r.Sample(sec(50), verdict(posture.Slouch, 1, fp(40)))
	clk.Set(sec(55))
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	ms, _ = s.Minutes(time.Time{}, time.Time{})
	if ms[0].Samples != 7 || ms[0].Slouch != 5*time.Second || !near(ms[0].MeanSeverity, (0.25*6+1)/7) || !near(ms[0].MeanNeckAngleDeg, (47.5*4+40)/5) {
		t.Fatalf("merged v1 minute: %+v", ms[0])
	}
	pain, _ = s.Pain(time.Time{}, time.Time{})
	evs, _ = s.Events(time.Time{}, time.Time{})
	if len(pain) != 2 || pain[1].Area != AreaShoulders || len(evs) != 2 || evs[1].Detail != "30m" {
		t.Fatalf("v2 rows: %+v %+v", pain, evs)
	}
}

func TestNewerSchema(t *testing.T) {
	path := dbPath(t)
	s := openT(t, path)
	s.Close()
	db := rawDB(t, path)
	if _, err := db.Exec("PRAGMA user_version = 7"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err := Open(path)
	if !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("Open: %v, want ErrNewerSchema", err)
	}
	want := fmt.Sprintf("history database schema v7 is newer than this neckwatch (v%d): upgrade neckwatch", SchemaVersion)
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("message %q does not say %q", err, want)
	}
}

func TestLocked(t *testing.T) {
	path := dbPath(t)
	s := openT(t, path)
	clk := &clock{t: sec(0)}
	r := newFeeder(s, clk.Now, 0)
	r.Sample(sec(0), verdict(posture.Upright, 0, nil))
	r.AddEvent(Event{At: sec(5), Kind: EventCalibrated, Detail: "default"})
	clk.Set(sec(61))

	ctx := context.Background()
	other := rawDB(t, path)
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	withLockWait(t, 50*time.Millisecond, nil)
	t0 := time.Now()
	err = r.Flush()
	took := time.Since(t0)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("Flush while locked: %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("message %q does not name the database", err)
	}
	// It waited for the lock (how much longer than the wait is the
	// machine's business).
	if took < lockWait {
		t.Errorf("Flush gave up after %v, before its wait for the lock (%v)", took, lockWait)
	}
	if m, e, _ := r.Pending(); m != 1 || e != 1 {
		t.Fatalf("after the failed flush %d minutes %d events pending, want 1 1", m, e)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		t.Fatal(err)
	}
	if err := r.Flush(); err != nil {
		t.Fatalf("Flush after the lock was released: %v", err)
	}
	if count(t, path, "minutes") != 1 || count(t, path, "events") != 1 {
		t.Fatal("data kept in memory was not written after the lock was released")
	}

	// Open of a database that needs a migration while another program
	// holds the write lock.
	p2 := dbPath(t)
	makeV1(t, p2)
	other2 := rawDB(t, p2)
	conn2, err := other2.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn2.Close()
	if _, err := conn2.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(p2); !errors.Is(err, ErrLocked) {
		t.Fatalf("Open of a locked old database: %v, want ErrLocked", err)
	}
	conn2.ExecContext(ctx, "ROLLBACK")
}

// TestReadOnlyMode uses SQLite's mode=ro, which holds for root too.
func TestReadOnlyMode(t *testing.T) {
	path := dbPath(t)
	s := openT(t, path)
	if err := s.AddPain(PainEntry{At: sec(0), Score: 3}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	ro, err := open(path, openOptions{readOnly: true})
	if err != nil {
		t.Fatalf("read-only open of a current database: %v", err)
	}
	defer ro.Close()
	if p, err := ro.Pain(time.Time{}, time.Time{}); err != nil || len(p) != 1 {
		t.Fatalf("reading a read-only database: %v %v", p, err)
	}
	err = ro.AddPain(PainEntry{At: sec(1), Score: 1})
	if !errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), path) {
		t.Fatalf("AddPain: %v, want ErrReadOnly naming the path", err)
	}
	clk := &clock{t: sec(0)}
	r := newFeeder(ro, clk.Now, 0)
	r.Sample(sec(0), verdict(posture.Upright, 0, nil))
	if err := r.Tick(sec(61)); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("Tick: %v, want ErrReadOnly", err)
	}
	if m, _, _ := r.Pending(); m != 1 {
		t.Fatalf("minute not kept after a failed write: %d pending", m)
	}

	// An old database cannot be migrated read-only.
	p2 := dbPath(t)
	makeV1(t, p2)
	if _, err := open(p2, openOptions{readOnly: true}); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("read-only open of a v1 database: %v, want ErrReadOnly", err)
	}
}

// TestReadOnlyPermissions takes write permission away; root ignores
// permissions, so it only runs for other users (TestReadOnlyMode covers
// root).
func TestReadOnlyPermissions(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores file permissions; TestReadOnlyMode covers read-only databases")
	}
	path := dbPath(t)
	s := openT(t, path)
	s.Close()
	dir := filepath.Dir(path)
	t.Cleanup(func() { os.Chmod(dir, 0o700); os.Chmod(path, 0o600) })

	if err := os.Chmod(path, 0o400); err != nil {
		t.Fatal(err)
	}
	_, err := Open(path)
	if !errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), path) {
		t.Fatalf("Open of a read-only file: %v, want ErrReadOnly naming the path", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("Open in a read-only directory: %v, want ErrReadOnly", err)
	}
	if _, err := Open(filepath.Join(dir, "new.db")); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("creating a database in a read-only directory: %v, want ErrReadOnly", err)
	}
}

// seed writes a database with several pages of data.
func seed(t *testing.T, path string) {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	r := newFeeder(s, (&clock{t: sec(0)}).Now, 0)
	for i := 0; i < 600; i++ {
		r.Sample(sec(float64(i)*10), verdict(posture.Upright, 0, fp(50)))
		r.AddEvent(Event{At: sec(float64(i) * 10), Kind: EventSnoozed, Detail: strings.Repeat("x", 40)})
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestCorrupt(t *testing.T) {
	cases := []struct {
		name   string
		damage func(t *testing.T, path string)
	}{
		{"garbage", func(t *testing.T, path string) {
			b := []byte(strings.Repeat("this is not a database, just some bytes. ", 200))
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{"truncated mid-page", func(t *testing.T, path string) {
			seed(t, path)
			fi, _ := os.Stat(path)
			if fi.Size() < 8*4096 {
				t.Fatalf("seeded database too small: %d bytes", fi.Size())
			}
			if err := os.Truncate(path, fi.Size()-4096*3/2); err != nil {
				t.Fatal(err)
			}
		}},
		{"truncated at a page boundary", func(t *testing.T, path string) {
			seed(t, path)
			fi, _ := os.Stat(path)
			if err := os.Truncate(path, fi.Size()-3*4096); err != nil {
				t.Fatal(err)
			}
		}},
		{"pages overwritten", func(t *testing.T, path string) {
			seed(t, path)
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			junk := []byte(strings.Repeat("\xde\xad\xbe\xef", 2*4096/4))
			if _, err := f.WriteAt(junk, 4096); err != nil {
				t.Fatal(err)
			}
		}},
		{"header damaged", func(t *testing.T, path string) {
			seed(t, path)
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.WriteAt([]byte("SQLite formut 3\x00"), 0); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := dbPath(t)
			os.MkdirAll(filepath.Dir(path), 0o700)
			c.damage(t, path)
			s, err := Open(path)
			if err == nil {
				s.Close()
				t.Fatal("Open of a damaged database succeeded")
			}
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Open: %v, want ErrCorrupt", err)
			}
			for _, w := range []string{path, "move it aside", "starts a new one"} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q lacks %q", err, w)
				}
			}
			// The fix the message gives works.
			if err := os.Rename(path, path+".corrupt"); err != nil {
				t.Fatal(err)
			}
			os.Remove(path + "-wal")
			os.Remove(path + "-shm")
			s, err = Open(path)
			if err != nil {
				t.Fatalf("Open after moving the damaged file aside: %v", err)
			}
			s.Close()
		})
	}
}

const crashEnv = "NECKWATCH_HISTORY_CRASH_DB"

// TestCrashHelper is the child of TestCrashConsistency: it writes minute
// after minute, one transaction each, and reports each committed minute on
// stdout until it is killed.
func TestCrashHelper(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("child process of TestCrashConsistency")
	}
	s, err := Open(path)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	clk := &clock{t: sec(0)}
	r := newFeeder(s, clk.Now, 0)
	for i := 0; i < 1_000_000; i++ {
		for j := 0; j < 6; j++ {
			at := sec(float64(i*60 + j*10))
			clk.Set(at)
			r.Sample(at, verdict(posture.ForwardHead, 0.5, fp(float64(i%50))))
		}
		for j := 0; j < 40; j++ {
			r.AddEvent(Event{At: sec(float64(i*60 + j)), Kind: EventSnoozed, Detail: strings.Repeat("y", 100)})
		}
		next := sec(float64((i + 1) * 60))
		clk.Set(next)
		if err := r.Tick(next); err != nil {
			fmt.Println("error", err)
			os.Exit(2)
		}
		fmt.Printf("flushed %d\n", i)
	}
	os.Exit(0)
}

func TestCrashConsistency(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	path := dbPath(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	last, killed := -1, false
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "error") {
			t.Fatalf("child: %s", line)
		}
		n, ok := strings.CutPrefix(line, "flushed ")
		if !ok {
			continue
		}
		i, err := strconv.Atoi(n)
		if err != nil {
			t.Fatalf("child said %q", line)
		}
		last = i
		if i >= 30 && !killed {
			// Kill while the next batch is being written, at a varying
			// point of it.
			time.Sleep(time.Duration(rand.Intn(2000)) * time.Microsecond)
			cmd.Process.Kill() // SIGKILL
			killed = true
		}
	}
	cmd.Wait()
	if !killed {
		t.Fatalf("child ended by itself after minute %d", last)
	}

	s, err := Open(path)
	if err != nil {
		t.Fatalf("reopening after the crash: %v", err)
	}
	defer s.Close()
	var res string
	if err := s.db.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check: %q %v", res, err)
	}
	ms, err := s.Minutes(time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	// Every reported minute is there; at most the one being written when
	// the child died is there too.
	if len(ms) < last+1 || len(ms) > last+2 {
		t.Fatalf("%d minutes after the crash; %d were reported committed", len(ms), last+1)
	}
	for i, m := range ms {
		if !m.Start.Equal(base.Add(time.Duration(i)*time.Minute)) || m.Samples != 6 || m.ForwardHead != time.Minute ||
			m.MeanNeckAngleDeg != float64(i%50) || m.NeckAngleSamples != 6 {
			t.Fatalf("minute %d damaged: %+v", i, m)
		}
	}
	evs, err := s.Events(time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 40*len(ms) {
		t.Fatalf("%d events for %d minutes: a batch was half written", len(evs), len(ms))
	}
	t.Logf("killed after %d reported minutes; %d minutes on disk", last+1, len(ms))
}
