package main

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/config"
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

// journalConfig is the default configuration with the history in dir.
func journalConfig(dir string) config.Config {
	cfg := config.Default()
	cfg.History.Path = filepath.Join(dir, "data", "history.db")
	return cfg
}

// An unwritten-history file the daemon refuses at start (implausible or
// damaged) is moved aside with the log saying where, so that the next
// save of unwritten minutes does not replace what the user may want to
// look at.
func TestRefusedUnwrittenFileIsMovedAside(t *testing.T) {
	dir := t.TempDir()
	unwritten := filepath.Join(dir, "state", "history-unwritten.json")
	os.MkdirAll(filepath.Dir(unwritten), 0o700)
	bad := `{"format":1,"minutes":[{"start":-62135596800,"samples":-3,"severity_sum":1e308}]}`
	if err := os.WriteFile(unwritten, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	var log logLines
	now := time.Date(2026, 3, 4, 10, 0, 0, 0, time.Local)
	j := openJournal(journalConfig(dir), unwritten, now, log.warn)
	defer j.Close()
	aside := unwritten + ".refused-" + now.Format("20060102-150405")
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
