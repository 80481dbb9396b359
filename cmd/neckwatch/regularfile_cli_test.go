package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/neckwatch/neckwatch/internal/regularfile"
	"github.com/neckwatch/neckwatch/internal/testenv"
)

// Every command that reads a configuration file or a calibration refuses
// at once, with one line, anything but a regular file of at most 1 MiB:
// /dev/zero (os.ReadFile grew by about 80 MB/s until memory ran out), a
// FIFO nobody writes to (os.ReadFile waited for ever), a folder, a file
// over the limit. Nothing is written on the way (install writes no entry).
func TestCommandsReadOnlyBoundedRegularFiles(t *testing.T) {
	home := isolateConfig(t)
	t.Setenv("XDG_STATE_HOME", filepath.Join(home, "state"))
	t.Setenv("HOME", home)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.toml")
	testenv.FIFO(t, fifo)
	big := filepath.Join(dir, "big.toml")
	testenv.SparseFile(t, big, regularfile.MaxSize+1)
	photo := testenv.Photo(t, "frontal/gocv_face.jpg")
	bad := []struct{ name, path, want string }{
		{"endless device", "/dev/zero", "/dev/zero is not a regular file"},
		{"FIFO", fifo, fifo + " is not a regular file"},
		{"folder", dir, dir + " is not a regular file"},
		{"over 1 MiB", big, big + " is too large (1048577 bytes, limit 1 MiB)"},
	}
	commands := []struct {
		name string
		args func(p string) []string
	}{
		{"config", func(p string) []string { return []string{"config", "--config", p} }},
		{"run", func(p string) []string { return []string{"run", "--config", p, "--foreground"} }},
		{"check", func(p string) []string { return []string{"check", "--config", p, "--source", photo} }},
		{"calibrate", func(p string) []string { return []string{"calibrate", "--config", p, "--source", photo} }},
		{"install", func(p string) []string { return []string{"install", "--", "--config", p} }},
		{"run --calibration", func(p string) []string { return []string{"run", "--calibration", p, "--foreground"} }},
		{"check --calibration", func(p string) []string { return []string{"check", "--calibration", p, "--source", photo} }},
		{"install -- --calibration", func(p string) []string { return []string{"install", "--", "--calibration", p} }},
	}
	for _, c := range commands {
		for _, b := range bad {
			t.Run(c.name+"/"+b.name, func(t *testing.T) {
				type result struct {
					code           int
					stdout, stderr string
				}
				done := make(chan result, 1)
				go func() {
					code, out, errs := runCLI(t, c.args(b.path)...)
					done <- result{code, out, errs}
				}()
				// It fails at once; a hang is the bug.
				r := testenv.Await(t, done, fmt.Sprintf("%v's return", c.args(b.path)))
				msg := strings.TrimSpace(r.stderr)
				if r.code == 0 || !strings.Contains(msg, b.want) || strings.Contains(msg, "\n") {
					t.Fatalf("exit %d, want non-zero and one line with %q; stderr:\n%s", r.code, b.want, r.stderr)
				}
			})
		}
	}
	if entries, _ := os.ReadDir(filepath.Join(home, "systemd")); len(entries) > 0 {
		t.Errorf("install wrote %v although its configuration was refused", entries)
	}
}

// No file in the state or config folders can wedge the daemon: with FIFOs
// as policy.json and history-unwritten.json (which hung the old daemon at
// start, holding the instance lock, before it opened its socket or heeded
// SIGTERM) it starts, says what it ignored, reloads a configuration
// swapped for a FIFO by refusing it, and stops on SIGTERM.
func TestDaemonIgnoresFIFOsInItsFolders(t *testing.T) {
	env := daemonEnv(t)
	state := filepath.Join(os.Getenv("XDG_STATE_HOME"), "neckwatch")
	if err := os.MkdirAll(state, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"policy.json", "history-unwritten.json"} {
		testenv.FIFO(t, filepath.Join(state, name))
	}
	cmd, logBuf, done := startDaemon(t, binary(t), env) // fails the test if the socket never answers
	for _, name := range []string{"policy.json", "history-unwritten.json"} {
		if want := filepath.Join(state, name) + " is not a regular file"; !strings.Contains(logBuf.String(), want) {
			t.Errorf("the log does not say %q:\n%s", want, logBuf)
		}
	}

	conf := filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "neckwatch", "config.toml")
	if err := os.MkdirAll(filepath.Dir(conf), 0o700); err != nil {
		t.Fatal(err)
	}
	testenv.FIFO(t, conf)
	cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, "the refused reload in the log", func() bool {
		return strings.Contains(logBuf.String(), "configuration not reloaded") && strings.Contains(logBuf.String(), conf+" is not a regular file")
	})
	if code, _, stderr := runCLI(t, "status"); code != 0 {
		t.Fatalf("status after the reload: exit %d %s", code, stderr)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := <-done; err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, logBuf)
	}
}

// `run` from a terminal opens its log in the state folder before it
// detaches: a FIFO there (the plain open for writing waits for a reader
// for ever) is refused at once with one line, and no daemon is started.
func TestDetachRefusesAFIFOAsItsLog(t *testing.T) {
	daemonEnv(t)
	state := filepath.Join(os.Getenv("XDG_STATE_HOME"), "neckwatch")
	if err := os.MkdirAll(state, 0o700); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(state, "neckwatch.log")
	testenv.FIFO(t, logPath)
	done := make(chan error, 1)
	go func() {
		var out strings.Builder
		done <- detach([]string{"--source", "7"}, &out)
	}()
	// It fails at once; a hang on the FIFO is the bug.
	if err := testenv.Await(t, done, "detach's return with a FIFO as its log"); err == nil || !strings.Contains(err.Error(), logPath+" is not a regular file (a FIFO)") {
		t.Fatalf("detach with a FIFO as its log: %v", err)
	}
}
