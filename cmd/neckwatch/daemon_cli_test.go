package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/control"
	"github.com/neckwatch/neckwatch/internal/testenv"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds neckwatch once for the tests that need a real process
// (signals, a second daemon).
func binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "nwbin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "neckwatch")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = err
			t.Logf("%s", out)
		}
	})
	if buildErr != nil {
		t.Fatalf("build neckwatch: %v", buildErr)
	}
	return binPath
}

// daemonEnv isolates config, state and runtime directories for a daemon
// started by a test, with no D-Bus session (so no notification server).
func daemonEnv(t testing.TB) []string {
	t.Helper()
	cfg := isolateConfig(t)
	rt, err := os.MkdirTemp("", "nwrt")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(rt) })
	t.Setenv("XDG_RUNTIME_DIR", rt)
	t.Setenv("XDG_STATE_HOME", filepath.Join(cfg, "state"))
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(rt, "nobus"))
	return os.Environ()
}

// startDaemon starts `neckwatch run --source 7 --foreground` (a camera
// that is absent) in env and waits for its control socket. Its log goes to
// the buffer, its exit to done; it is killed at the test's end if still
// running.
func startDaemon(t testing.TB, bin string, env []string) (*exec.Cmd, *bytes.Buffer, chan error) {
	t.Helper()
	var logBuf bytes.Buffer
	cmd := exec.Command(bin, "run", "--source", "7", "--foreground")
	cmd.Env = env
	cmd.Stderr = &logBuf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })
	waitFor(t, "the control socket", func() bool { code, _, _ := runCLI(t, "status", "--json"); return code == 0 })
	return cmd, &logBuf, done
}

// waitFor polls another process's state (its socket, its log, its files)
// until cond holds.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	testenv.Eventually(t, what, cond)
}

func statusJSON(t *testing.T) map[string]any {
	t.Helper()
	code, out, stderr := runCLI(t, "status", "--json")
	if code != 0 {
		t.Fatalf("status: exit %d: %s", code, stderr)
	}
	var st map[string]any
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("status --json: %v\n%s", err, out)
	}
	return st
}

// A daemon whose camera is absent keeps running and says so; a second one
// is refused; the control commands work; a bad config on SIGHUP keeps the
// old one; SIGTERM stops it with exit 0 and cleans up.
func TestDaemonControlSignalsAndSingleInstance(t *testing.T) {
	env := daemonEnv(t)
	bin := binary(t)
	cmd, logBuf, done := startDaemon(t, bin, env)
	waitFor(t, "the camera problem in status", func() bool { return statusJSON(t)["camera"] == "absent" })
	if p, _ := statusJSON(t)["camera_problem"].(string); !strings.Contains(p, "camera 7: not found") {
		t.Errorf("camera problem %q", p)
	}

	second := exec.Command(bin, "run", "--source", "7", "--foreground")
	second.Env = env
	out, err := second.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "already running (pid") {
		t.Fatalf("second daemon: %v\n%s", err, out)
	}

	for _, c := range []struct {
		args  []string
		phase string // "": resumed, neither paused nor snoozed
	}{{[]string{"pause", "10m"}, "paused"}, {[]string{"resume"}, ""}, {[]string{"snooze", "30m"}, "snoozed"}, {[]string{"resume"}, ""}} {
		if code, _, stderr := runCLI(t, c.args...); code != 0 {
			t.Fatalf("%v: %s", c.args, stderr)
		}
		st := statusJSON(t)
		pol, _ := st["policy"].(map[string]any)
		switch {
		case c.phase != "" && pol["phase"] != c.phase:
			t.Errorf("after %v phase %v, want %s", c.args, pol["phase"], c.phase)
		case c.phase == "" && (pol["phase"] == "paused" || pol["phase"] == "snoozed" || pol["paused"] != false || pol["snoozed"] != false):
			t.Errorf("after %v: phase %v, paused %v, snoozed %v; want neither paused nor snoozed", c.args, pol["phase"], pol["paused"], pol["snoozed"])
		}
		// A pause has the camera off at once, and no sample until it ends.
		if c.phase == "paused" && (st["camera"] != "off" || st["next_sample_in"] != "after the pause") {
			t.Errorf("after %v: camera %v, next sample %v", c.args, st["camera"], st["next_sample_in"])
		}
	}
	if code, out, _ := runCLI(t, "status"); code != 0 || !strings.Contains(out, "camera:") || !strings.Contains(out, "notifications: unavailable") {
		t.Errorf("human status:\n%s", out)
	}

	// A broken config file on SIGHUP is reported and the daemon carries on.
	conf := filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "neckwatch", "config.toml")
	os.MkdirAll(filepath.Dir(conf), 0o700)
	os.WriteFile(conf, []byte("[alerts]\nonsett = \"5s\"\n"), 0o600)
	cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, "the reload error in the log", func() bool { return strings.Contains(logBuf.String(), "configuration not reloaded") })
	// ... and in status, until a reload works.
	if p, _ := statusJSON(t)["config_problem"].(string); !strings.Contains(p, "alerts.onsett") {
		t.Errorf("status config_problem %q, want the reload error", p)
	}
	if code, out, _ := runCLI(t, "status"); code != 0 || !strings.Contains(out, "config:        not reloaded") {
		t.Errorf("human status lacks the reload error:\n%s", out)
	}
	// A good file: the alert timing applies at once; the camera and the
	// log level need a restart, and the log and status say which.
	os.WriteFile(conf, []byte("[camera]\nview = \"side\"\n[alerts]\nonset = \"90s\"\n[log]\nlevel = \"debug\"\n"), 0o600)
	cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, "the restart keys in status", func() bool {
		keys, _ := statusJSON(t)["restart_needed"].([]any)
		return fmt.Sprint(keys) == "[camera.view log.level]"
	})
	waitFor(t, "the restart keys in the log", func() bool { return strings.Contains(logBuf.String(), "take effect after a restart") })
	if code, out, _ := runCLI(t, "status"); code != 0 || !strings.Contains(out, "restart to apply: camera.view, log.level") || strings.Contains(out, "config:") {
		t.Errorf("human status lacks the restart keys or still shows the fixed reload error:\n%s", out)
	}

	sigterm(t, cmd, done, logBuf)
	if code, _, stderr := runCLI(t, "status"); code != 1 || !strings.Contains(stderr, "not running") {
		t.Errorf("status after stop: exit %d %s", code, stderr)
	}
	if strings.Contains(logBuf.String(), "panic") {
		t.Errorf("panic in the log:\n%s", logBuf.String())
	}
}

func TestRunRejectsBadConfigAndSources(t *testing.T) {
	daemonEnv(t)
	bad := writeFile(t, "bad.toml", "[alerts]\nonsett = \"5s\"\n")
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"config typo", []string{"run", "--config", bad, "--foreground"}, 1, "did you mean alerts.onset"},
		{"missing config", []string{"run", "--config", "/no/such.toml", "--foreground"}, 1, "/no/such.toml"},
		{"bad onset flag", []string{"run", "--alert-onset", "soon", "--foreground"}, 2, "--alert-onset"},
		{"image is not a run source", []string{"run", "--source", testenv.Photo(t, "frontal/gocv_face.jpg"), "--foreground"}, 1, "still image"},
		{"folder is not a run source", []string{"run", "--source", t.TempDir(), "--foreground"}, 1, "is a folder"},
		// A missing file fails at once instead of being retried like an
		// absent camera (the test would time out if it were).
		{"missing video file", []string{"run", "--source", "/no/such/video.mp4", "--foreground"}, 1, "/no/such/video.mp4: no such file"},
		{"missing named profile", []string{"run", "--profile", "nope", "--foreground"}, 1, "neckwatch calibrate --profile nope"},
		{"corrupt calibration", []string{"run", "--calibration", writeFile(t, "c.json", "garbage"), "--foreground"}, 1, "not a neckwatch calibration file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d (want %d), stderr:\n%s", code, tc.code, stderr)
			}
		})
	}
}

func TestConfigAndSafetyCommands(t *testing.T) {
	isolateConfig(t)
	code, out, _ := runCLI(t, "config")
	if code != 0 || !strings.Contains(out, "onset") || !strings.Contains(out, "[sampling]") {
		t.Fatalf("config:\n%s", out)
	}
	code, out, _ = runCLI(t, "safety")
	if code != 0 || !strings.Contains(strings.ToLower(out), "numbness") {
		t.Fatalf("safety:\n%s", out)
	}
}

// A detached start reports what happened to the daemon: its own error
// when it exits at once, success only once it answers, and a pointer to
// the log when it neither answers nor exits.
func TestWaitForDaemon(t *testing.T) {
	logPath := filepath.Join(t.TempDir(), "neckwatch.log")
	if err := os.WriteFile(logPath, []byte("an earlier run's last line\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	offset := int64(len("an earlier run's last line\n"))
	start := func(script string) <-chan error {
		cmd := exec.Command("sh", "-c", script)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		t.Cleanup(func() { cmd.Process.Kill() }) // no stand-in daemon is left behind
		return done
	}
	never := func() bool { return false }

	dies := start(`printf 'loading models\nneckwatch run: profile "nosuch" is not calibrated yet\n' >> "` + logPath + `"; exit 1`)
	err := waitForDaemon(dies, never, logPath, offset, testenv.Patience, 20*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), `profile "nosuch" is not calibrated yet`) || strings.Contains(err.Error(), "earlier run") {
		t.Fatalf("daemon that exits: %v", err)
	}

	calls := 0
	answers := func() bool { calls++; return calls >= 3 }
	// Stand-ins that outlive the test (killed at its end): only the answer
	// or the timeout can end the wait.
	if err := waitForDaemon(start("exec sleep 3600"), answers, logPath, offset, testenv.Patience, 20*time.Millisecond); err != nil || calls != 3 {
		t.Fatalf("daemon that answers on the third poll: %v after %d polls", err, calls)
	}

	err = waitForDaemon(start("exec sleep 3600"), never, logPath, offset, 100*time.Millisecond, 20*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "has not answered") || !strings.Contains(err.Error(), logPath) {
		t.Fatalf("daemon that never answers: %v", err)
	}
}

// SIGTERM stops the daemon (exit 0) even with a silent control client
// connected and the history database locked by another program; what it
// could not write waits in the state directory and reaches the history at
// the next start. How long the stop takes is BenchmarkSIGTERM's.
func TestDaemonStopsQuicklyAndKeepsUnwrittenHistory(t *testing.T) {
	env, db, unwritten := historyDaemonEnv(t)
	bin := binary(t)
	cmd, logBuf, done := startDaemon(t, bin, env)
	if code, _, stderr := runCLI(t, "pause", "10m"); code != 0 { // an event to write
		t.Fatal(stderr)
	}
	idle, err := net.Dial("unix", control.SocketPath())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	unlock := holdDatabase(t, db)

	sigterm(t, cmd, done, logBuf)
	if _, err := os.Stat(unwritten); err != nil {
		t.Fatalf("nothing kept for the next start: %v\n%s", err, logBuf)
	}
	if !strings.Contains(logBuf.String(), "written at the next start") {
		t.Errorf("the log does not say where the unwritten history went:\n%s", logBuf)
	}
	unlock()

	// The next start writes the kept event (within its first minute) and
	// removes the file.
	cmd, logBuf, done = startDaemon(t, bin, env)
	waitFor(t, "the kept history written", func() bool { _, err := os.Stat(unwritten); return os.IsNotExist(err) })
	cmd.Process.Signal(syscall.SIGTERM)
	if err := <-done; err != nil {
		t.Fatalf("second run: %v\n%s", err, logBuf)
	}
	code, out, stderr := runCLI(t, "history", "export", "--format", "json")
	if code != 0 || strings.Count(out, `"paused"`) != 1 {
		t.Errorf("history after the restart (exit %d, %s) does not hold the pause once:\n%s", code, stderr, out)
	}
}

// `neckwatch break` starts a break over the socket (once: a second one
// says a break is under way); `neckwatch stop` stops the daemon as
// SIGTERM would (exit 0, state saved) and returns once it is gone; with
// nothing running both say so.
func TestStopAndBreakCommands(t *testing.T) {
	env := daemonEnv(t)
	bin := binary(t)
	cmd, logBuf, done := startDaemon(t, bin, env)
	pid := int(statusJSON(t)["pid"].(float64))
	if pid != cmd.Process.Pid {
		t.Errorf("status pid %d, daemon pid %d", pid, cmd.Process.Pid)
	}

	steps := []struct {
		args []string
		code int
		want string
	}{
		// No notification service here (daemonEnv): the answer says so.
		{[]string{"break"}, 0, "break started; no notification will say when it is over"},
		{[]string{"break"}, 0, "already under way; no notification"},
		{[]string{"break", "now"}, 2, "Usage: neckwatch break"},
		{[]string{"stop", "now"}, 2, "unexpected argument"},
		{[]string{"stop"}, 0, fmt.Sprintf("neckwatch (pid %d) stopped", cmd.Process.Pid)},
		{[]string{"stop"}, 1, "not running"},
		{[]string{"break"}, 1, "not running"},
	}
	for _, s := range steps {
		code, out, stderr := runCLI(t, s.args...)
		if code != s.code || !strings.Contains(out+stderr, s.want) {
			t.Errorf("%v: exit %d (want %d)\nstdout: %s\nstderr: %s", s.args, code, s.code, out, stderr)
		}
		if s.args[0] == "stop" && s.code == 0 {
			// stop returned once the process was gone (reaped by the
			// test's Wait): its exit status is there, and 0.
			if err := testenv.Await(t, done, "the daemon's exit after `neckwatch stop` returned"); err != nil {
				t.Fatalf("daemon exit after stop: %v\n%s", err, logBuf)
			}
		}
	}
	if !strings.Contains(logBuf.String(), "neckwatch stopped") {
		t.Errorf("the daemon did not stop cleanly:\n%s", logBuf)
	}
}
