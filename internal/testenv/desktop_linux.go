//go:build linux

package testenv

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The desktop tests talk to a real notification server, dunst, in a
// throw-away session made by scripts/desktop-session.sh: never to the
// developer's own desktop, which would get test notifications (and its
// server need not be dunst).

// NeedDeps says how to get the desktop test tools.
const NeedDeps = "install the desktop test tools (Xvfb, dbus, dunst, libnotify-bin) with `make deps`"

// InDesktopSession reports whether the test is running inside
// scripts/desktop-session.sh. If it is not, it runs this one test again
// inside a fresh session (the test binary is os.Args[0]), fails t if that
// run fails, and returns false: the caller then returns at once. Missing
// tools fail the test rather than skip it: a suite that skips in CI passes
// while testing nothing.
func InDesktopSession(t *testing.T) bool {
	t.Helper()
	if os.Getenv("NECKWATCH_DESKTOP_SESSION") == "1" {
		if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
			t.Fatal("NECKWATCH_DESKTOP_SESSION=1 but DBUS_SESSION_BUS_ADDRESS is empty: not a working scripts/desktop-session.sh session")
		}
		RequireTools(t, "dunstctl", "dbus-daemon", "dunst")
		return true
	}

	script := filepath.Join(RepoRoot(t), "scripts", "desktop-session.sh")
	if _, err := os.Stat(script); err != nil {
		t.Fatalf("desktop session script: %v; %s", err, NeedDeps)
	}
	RequireTools(t, "Xvfb", "dbus-daemon", "dbus-send", "dunst", "dunstctl")

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, script, "--", os.Args[0], "-test.run", "^"+t.Name()+"$", "-test.v", "-test.count=1")
	// TERM, not the default KILL: the script's trap then stops Xvfb, the bus
	// and dunst too instead of leaving them behind.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s inside scripts/desktop-session.sh failed: %v\n%s", t.Name(), err, out)
	}
	// -test.run matching nothing would pass too.
	if !strings.Contains(string(out), "--- PASS: "+t.Name()+" ") {
		t.Fatalf("%s did not run inside scripts/desktop-session.sh:\n%s", t.Name(), out)
	}
	if testing.Verbose() {
		t.Logf("inside scripts/desktop-session.sh:\n%s", out)
	}
	return false
}

func RequireTools(t testing.TB, tools ...string) {
	t.Helper()
	var missing []string
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("missing %s: %s", strings.Join(missing, ", "), NeedDeps)
	}
}

// RunCmd runs a command with the test's environment and returns its stdout.
func RunCmd(t testing.TB, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// HistoryEntry is one notification in `dunstctl history`.
type HistoryEntry struct {
	ID                               int64
	Summary, Body, AppName, Category string
	Urgency                          string // only from dunst versions that list it (not 1.9)
	TimeoutMicros                    int64
}

// DunstHistory returns every notification dunst has shown, newest first.
// It closes the ones still on screen first: dunst lists only closed or
// expired notifications.
func DunstHistory(t testing.TB) []HistoryEntry {
	t.Helper()
	RunCmd(t, "dunstctl", "close-all")
	out := RunCmd(t, "dunstctl", "history")
	type field struct {
		Type string          `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	var doc struct {
		Data [][]map[string]field `json:"data"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("dunstctl history: %v\n%s", err, out)
	}
	var entries []HistoryEntry
	for _, list := range doc.Data {
		for _, m := range list {
			str := func(k string) string {
				var s string
				if f, ok := m[k]; ok && f.Type == "s" {
					_ = json.Unmarshal(f.Data, &s)
				}
				return s
			}
			num := func(k string) int64 {
				var n int64
				if f, ok := m[k]; ok {
					_ = json.Unmarshal(f.Data, &n)
				}
				return n
			}
			entries = append(entries, HistoryEntry{
				ID: num("id"), Summary: str("summary"), Body: str("body"), AppName: str("appname"),
				Category: str("category"), Urgency: str("urgency"), TimeoutMicros: num("timeout"),
			})
		}
	}
	return entries
}

// WithSummary returns the history entries with the given summary.
func WithSummary(h []HistoryEntry, summary string) []HistoryEntry {
	var out []HistoryEntry
	for _, e := range h {
		if e.Summary == summary {
			out = append(out, e)
		}
	}
	return out
}
