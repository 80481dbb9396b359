package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/history"
)

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
