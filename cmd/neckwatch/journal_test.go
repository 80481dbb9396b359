package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/coach"
	"github.com/neckwatch/neckwatch/config"
	"github.com/neckwatch/neckwatch/history"
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

// A crash while the database is held by another program loses at most the
// minute in progress: every failed minute write keeps what is held in the
// unwritten file (the old daemon kept it only at a clean stop, so a kill
// -9 after 75 s of a locked database left 3 s in the history). Here the
// daemon "crashes" (its journal is abandoned, never closed) at 10:02:50
// after three minutes with the database locked; the next start writes
// everything up to 10:02, and the pause of 10:01:30.
func TestCrashWithLockedDatabaseLosesAtMostTheCurrentMinute(t *testing.T) {
	dir := t.TempDir()
	cfg := journalConfig(dir)
	unwritten := filepath.Join(dir, "state", "history-unwritten.json")
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.Local)
	var log logLines
	j := openJournal(cfg, unwritten, t0, log.warn)
	if j == nil || j.Store() == nil {
		t.Fatalf("history did not open:\n%s", log.String())
	}
	t.Cleanup(func() { j.Store().Close() }) // the crashed daemon's connection
	unlock := holdDatabase(t, cfg.History.Path)

	tl := timeline.NewTimeline(t0, 0)
	crash := t0.Add(2*time.Minute + 50*time.Second)
	for at := t0; !at.After(crash); at = at.Add(10 * time.Second) {
		sampleJournal(j, &tl, at, posture.Verdict{State: posture.Upright, Person: true})
		if at.Equal(t0.Add(90 * time.Second)) {
			j.Event(coach.Event{Kind: coach.Paused, At: at, Detail: "for 10m"})
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
	j2 := openJournal(cfg, unwritten, restart, log.warn)
	if err := j2.Tick(context.Background(), restart); err != nil {
		t.Fatalf("the first write after the restart: %v", err)
	}
	defer j2.Close()
	store := j2.Store()
	mins, err := store.Minutes(t0, restart)
	if err != nil {
		t.Fatal(err)
	}
	var present time.Duration
	for _, m := range mins {
		present += m.Present
	}
	// 10:00 and 10:01 whole; of 10:02 (in progress at the crash) what was
	// held at its first write, at 10:02:00.
	if want := 2 * time.Minute; present < want || present > crash.Sub(t0) {
		t.Errorf("present %v in the history after the crash, want at least %v (all but the minute in progress)\n%s", present, want, log.String())
	}
	events, err := store.Events(t0, restart)
	if err != nil || len(events) != 1 || events[0].Kind != history.EventPaused {
		t.Errorf("events after the crash: %+v, %v; want the pause", events, err)
	}
	if _, err := os.Stat(unwritten); !os.IsNotExist(err) {
		t.Errorf("the unwritten file is still there after its minutes were written: %v", err)
	}
}

// SIGTERM in the middle of a history write that waits on a held database
// stops the daemon within a second, and the daemon's log says what the
// stop waited for. The write is made certain: the daemon starts with an
// event kept from an earlier stop, which it writes at once, against a
// database another program holds, so the write waits up to the 2 s busy
// timeout from the start of the sampling loop; SIGTERM follows as soon as
// the control socket answers (the loop starts right after it). The old
// daemon made that write on its sampling loop and finished it before
// stopping: 2.3-2.5 s.
func TestSIGTERMDuringAHistoryWriteStopsWithinASecond(t *testing.T) {
	env, db, unwritten := historyDaemonEnv(t)
	store, err := history.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	store.Close()
	os.MkdirAll(filepath.Dir(unwritten), 0o700)
	kept := fmt.Sprintf(`{"format":1,"events":[{"at":%q,"kind":"paused","detail":"for 10m"}]}`, time.Now().Add(-time.Hour).Format(time.RFC3339))
	if err := os.WriteFile(unwritten, []byte(kept), 0o600); err != nil {
		t.Fatal(err)
	}
	unlock := holdDatabase(t, db)

	cmd, logBuf, done := startDaemon(t, binary(t), env)
	took := sigterm(t, cmd, done, logBuf)
	logText := logBuf.String()
	t.Logf("SIGTERM to exit: %v\n%s", took, logText)
	// The daemon measures its own stop, from the signal's arrival to the
	// end, free of this machine's process start-up and scheduling: that is
	// the promise (under a second; measured about 0.45 s: the cancelled
	// write gives up within 25 ms, the last write is bounded to 0.4 s).
	m := regexp.MustCompile(`msg="neckwatch stopped" since_signal=(\S+)`).FindStringSubmatch(logText)
	if m == nil {
		t.Fatalf("the stop log does not say how long the stop took:\n%s", logText)
	}
	since, err := time.ParseDuration(m[1])
	if err != nil || since >= time.Second {
		t.Errorf("the daemon took %s from SIGTERM to its end, want under a second", m[1])
	}
	// From outside, with room for a busy machine (the old daemon: 2.3 s
	// at best, this limit: 1.8 s).
	if took > 1800*time.Millisecond {
		t.Errorf("SIGTERM to exit took %v", took)
	}
	if !regexp.MustCompile(`history not fully written.*waited_for_writer=\S+ waited_for_last_write=\S+`).MatchString(logText) {
		t.Errorf("the stop log does not say what it waited for:\n%s", logText)
	}
	// Nothing lost: the kept event waits for the next start.
	if got, err := os.ReadFile(unwritten); err != nil || !strings.Contains(string(got), `"paused"`) {
		t.Errorf("the kept event is gone: %v %s", err, got)
	}
	unlock()
}

// Status recovers when the cause is gone: with a file where the history's
// folder should be, the journal retries with a back-off (at most 30 s),
// and once the folder is restored it opens the database at the next tick
// (the daemon's every 5 s), not when the back-off runs out. The old
// journal kept "not a directory (retrying)" for 20-30 s, and its back-off
// grew to 5 minutes.
func TestJournalRetriesAtOnceWhenThePathIsFixed(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "data")
	cfg := journalConfig(dir) // history in dir/data/history.db
	if err := os.WriteFile(folder, []byte("a file where the folder should be"), 0o600); err != nil {
		t.Fatal(err)
	}
	var log logLines
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.Local)
	j := openJournal(cfg, "", t0, log.warn)
	defer j.Close()
	// Ten minutes of ticks with the fault, ending with a tick that tried
	// to open (so that the back-off runs from it).
	at, tried := t0, false
	for ; at.Before(t0.Add(10*time.Minute)) || !tried; at = at.Add(5 * time.Second) {
		before := j.nextTry
		err := j.Tick(context.Background(), at)
		if err == nil || !strings.Contains(err.Error(), "not a directory") {
			t.Fatalf("Tick at %v with a file for a folder: %v", at.Format("15:04:05"), err)
		}
		if wait := j.nextTry.Sub(at); wait > 30*time.Second {
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

// historyDaemonEnv is daemonEnv with a private data folder: the
// environment, the history database's path and the unwritten file's.
func historyDaemonEnv(t *testing.T) (env []string, db, unwritten string) {
	t.Helper()
	env = daemonEnv(t)
	data := t.TempDir()
	env = append(env, "XDG_DATA_HOME="+data)
	t.Setenv("XDG_DATA_HOME", data)
	return env, filepath.Join(data, "neckwatch", "history.db"),
		filepath.Join(os.Getenv("XDG_STATE_HOME"), "neckwatch", "history-unwritten.json")
}

// sigterm sends the daemon SIGTERM and returns how long it took to exit 0
// (it fails the test after 10 s or on another exit).
func sigterm(t *testing.T, cmd *exec.Cmd, done <-chan error, logBuf *bytes.Buffer) time.Duration {
	t.Helper()
	t0 := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, logBuf)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("daemon still running 10 s after SIGTERM\n%s", logBuf)
	}
	return time.Since(t0)
}
