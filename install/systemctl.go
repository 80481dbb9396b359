package install

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Timeouts for systemctl. Variables so tests can shorten them.
var (
	// probeTimeout bounds `systemctl --user show-environment`: with no
	// user manager (containers, some ssh sessions) systemctl can hang on
	// the bus, and install must fall back rather than wait.
	probeTimeout = 3 * time.Second
	// commandTimeout bounds the state-changing commands; enable --now
	// waits for the service start job.
	commandTimeout = 30 * time.Second
)

// CommandError is a failed systemctl invocation.
type CommandError struct {
	Cmd    string // the command line, for the message
	Stderr string // trimmed standard error
	Err    error  // exit status, timeout, or start failure
}

func (e *CommandError) Error() string {
	if e.Stderr == "" {
		return fmt.Sprintf("%s: %v", e.Cmd, e.Err)
	}
	return fmt.Sprintf("%s: %v: %s", e.Cmd, e.Err, e.Stderr)
}

func (e *CommandError) Unwrap() error { return e.Err }

// notLoaded reports whether systemctl failed because the unit is unknown,
// which for uninstall means there is nothing to disable.
func (e *CommandError) notLoaded() bool {
	s := strings.ToLower(e.Stderr)
	for _, m := range []string{"not loaded", "does not exist", "no such file", "not found"} {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

// systemctl runs `systemctl --user` commands.
type systemctl struct {
	path string // "" when systemctl was not found
}

// usable reports whether a systemd user manager answers, and if not, why.
func (s systemctl) usable() (bool, string) {
	if s.path == "" {
		return false, "systemctl not found in PATH"
	}
	if err := s.probe("show-environment"); err != nil {
		// systemctl's own words ("Failed to connect to bus: No medium
		// found") say nothing a user can act on here.
		if errors.Is(err, context.DeadlineExceeded) {
			return false, fmt.Sprintf("no systemd user session (systemctl --user timed out after %v)", probeTimeout)
		}
		return false, "no systemd user session"
	}
	return true, ""
}

// probe runs a read-only command with the short probe timeout.
func (s systemctl) probe(args ...string) error {
	_, err := s.invoke(probeTimeout, args)
	return err
}

// run runs a state-changing command and records it in res.
func (s systemctl) run(res *Result, args ...string) error {
	cmd, err := s.invoke(commandTimeout, args)
	res.Commands = append(res.Commands, cmd)
	return err
}

func (s systemctl) invoke(timeout time.Duration, args []string) (string, error) {
	argv := append([]string{"--user"}, args...)
	display := filepath.Base(s.path) + " " + strings.Join(argv, " ")
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.path, argv...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	// If systemctl is killed on timeout while a child still holds its
	// stderr, Wait would block on the pipe; give up on it shortly after.
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	if err == nil {
		return display, nil
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("timed out after %v: %w: %w", timeout, context.DeadlineExceeded, err)
	}
	return display, &CommandError{Cmd: display, Stderr: strings.TrimSpace(stderr.String()), Err: err}
}
