package history

import (
	"database/sql"
	"math"
	"net/url"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/posture"
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
