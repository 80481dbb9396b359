package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// doctor never starts a D-Bus session of its own: with no session bus
// (DBUS_SESSION_BUS_ADDRESS unset, no bus socket in XDG_RUNTIME_DIR) it
// says so, and no process it started (dbus-launch's dbus-daemon) is left
// running. The processes are found by a marker in their environment.
func TestDoctorStartsNoDBusSession(t *testing.T) {
	isolateConfig(t)
	bin := binary(t)
	marker := fmt.Sprintf("NECKWATCH_DOCTOR_PROBE=%d-%d", os.Getpid(), time.Now().UnixNano())
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DBUS_SESSION_BUS_ADDRESS=") && !strings.HasPrefix(kv, "XDG_RUNTIME_DIR=") && !strings.HasPrefix(kv, "DISPLAY=") {
			env = append(env, kv)
		}
	}
	env = append(env, "XDG_RUNTIME_DIR="+t.TempDir(), marker)
	cmd := exec.Command(bin, "doctor")
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	_ = cmd.Run() // exit status is the other test's business
	if left := processesWithEnv(t, marker); len(left) > 0 {
		for _, pid := range left {
			syscall.Kill(pid, syscall.SIGTERM) // ours: started by this test's doctor
		}
		t.Errorf("doctor left %d process(es) behind: %v", len(left), left)
	}
	if !strings.Contains(stdout.String(), "[WARN] notifications") || !strings.Contains(stdout.String(), "no session bus") {
		t.Errorf("doctor does not say there is no session bus:\n%s", stdout.String())
	}
	if s := stderr.String(); strings.Contains(s, "signal") || strings.Contains(strings.ToLower(s), "dbus") {
		t.Errorf("D-Bus noise on stderr:\n%s", s)
	}
}

// processesWithEnv lists the live processes whose environment holds kv.
func processesWithEnv(t *testing.T, kv string) []int {
	t.Helper()
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	var pids []int
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", d.Name(), "environ"))
		if err != nil {
			continue // gone, or another user's
		}
		for _, e := range strings.Split(string(env), "\x00") {
			if e == kv {
				pids = append(pids, pid)
				break
			}
		}
	}
	return pids
}
