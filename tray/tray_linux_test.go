//go:build linux

package tray

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/neckwatch/neckwatch/internal/testenv"
	"github.com/neckwatch/neckwatch/internal/testenv/sni"
)

// These tests run against a real dbus-daemon of the test's own, with a
// minimal StatusNotifierWatcher standing in for the desktop panel (both
// from internal/testenv/sni): never against the developer's own session,
// whose panel would show the icon.

// TestProtocolNames: the fake panel must speak to the names the tray uses.
func TestProtocolNames(t *testing.T) {
	for _, c := range [][2]string{
		{watcherName, sni.WatcherName},
		{string(watcherPath), string(sni.WatcherPath)},
		{watcherIface, sni.WatcherIface},
		{string(itemPath), string(sni.ItemPath)},
		{itemIface, sni.ItemIface},
	} {
		if c[0] != c[1] {
			t.Errorf("tray uses %q, the test watcher %q", c[0], c[1])
		}
	}
}

// runInChild runs test t alone in a new test process and fails t if that
// run fails.
func runInChild(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run", "^"+t.Name()+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil || testing.Verbose() {
		t.Logf("child test process output:\n%s", out)
	}
	if err != nil {
		t.Fatalf("%s in its own process: %v", t.Name(), err)
	}
	if !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("%s did not run in the child process", t.Name())
	}
}

// fakeActions records the calls from the tray menu.
type fakeActions struct {
	mu    sync.Mutex
	calls []string
	added chan struct{}
}

func newFakeActions() *fakeActions { return &fakeActions{added: make(chan struct{}, 64)} }

func (a *fakeActions) record(call string) {
	a.mu.Lock()
	a.calls = append(a.calls, call)
	a.mu.Unlock()
	a.added <- struct{}{}
}

func (a *fakeActions) Pause(d time.Duration)  { a.record(fmt.Sprintf("Pause(%v)", d)) }
func (a *fakeActions) PauseUntilTomorrow()    { a.record("PauseUntilTomorrow()") }
func (a *fakeActions) Snooze(d time.Duration) { a.record(fmt.Sprintf("Snooze(%v)", d)) }
func (a *fakeActions) StartBreak()            { a.record("StartBreak()") }
func (a *fakeActions) Recalibrate()           { a.record("Recalibrate()") }
func (a *fakeActions) AddTiredPosture()       { a.record("AddTiredPosture()") }
func (a *fakeActions) OpenReport()            { a.record("OpenReport()") }
func (a *fakeActions) Quit()                  { a.record("Quit()") }

// next waits for the next recorded call.
func (a *fakeActions) next(t *testing.T) string {
	t.Helper()
	testenv.Await(t, a.added, "an action call")
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.calls[len(a.calls)-1]
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func TestStartNoSessionBus(t *testing.T) {
	t.Run("none configured", func(t *testing.T) {
		t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
		t.Setenv("XDG_RUNTIME_DIR", t.TempDir()) // no bus socket in it
		tr, err := Start(context.Background(), newFakeActions(), testLogger(t))
		if !errors.Is(err, ErrNoTrayHost) || tr != nil {
			t.Fatalf("Start = %v, %v; want nil, ErrNoTrayHost", tr, err)
		}
		t.Log(err)
	})
	t.Run("socket missing", func(t *testing.T) {
		t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(t.TempDir(), "bus"))
		tr, err := Start(context.Background(), newFakeActions(), testLogger(t))
		if !errors.Is(err, ErrNoTrayHost) || tr != nil {
			t.Fatalf("Start = %v, %v; want nil, ErrNoTrayHost", tr, err)
		}
		t.Log(err)
	})
	// Headless callers keep calling a nil tray.
	var tr *Tray
	tr.Update(Model{State: StateUpright})
	tr.Close()
}

// childEnv marks the test binary run by TestRealBus for its real work.
const childEnv = "NECKWATCH_TRAY_TEST_CHILD"

// TestRealBus runs the tray on a private bus with a fake panel. systray
// keeps global state and can start only once per process, so everything
// that needs a started tray happens in this one test, in order, and in a
// process of its own (the test binary run again for this test alone):
// other tests and -count=N then still see a fresh process.
func TestRealBus(t *testing.T) {
	if os.Getenv(childEnv) != "1" {
		runInChild(t)
		return
	}
	addr := sni.StartBus(t)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	actions := newFakeActions()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	t.Run("no watcher", func(t *testing.T) {
		tr, err := Start(ctx, actions, testLogger(t))
		if !errors.Is(err, ErrNoTrayHost) || tr != nil {
			t.Fatalf("Start = %v, %v; want nil, ErrNoTrayHost", tr, err)
		}
		t.Log(err)
	})

	watcher := sni.NewWatcher(t, addr, false)
	t.Run("watcher without host", func(t *testing.T) {
		tr, err := Start(ctx, actions, testLogger(t))
		if !errors.Is(err, ErrNoTrayHost) || tr != nil {
			t.Fatalf("Start = %v, %v; want nil, ErrNoTrayHost", tr, err)
		}
		t.Log(err)
	})
	// A panel comes up and registers as the host.
	host := sni.Connect(t, addr)
	if err := host.Object(watcherName, watcherPath).Call(watcherIface+".RegisterStatusNotifierHost", 0, "org.kde.StatusNotifierHost-test").Err; err != nil {
		t.Fatalf("RegisterStatusNotifierHost: %v", err)
	}

	tr, err := Start(ctx, actions, testLogger(t))
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer tr.Close()
	busName := tr.conn.Names()[0]

	// Every D-Bus check below reads the item as the panel would.
	panel := sni.Connect(t, addr)
	it := sni.ItemAt(panel, busName, itemPath)

	t.Run("registers with the watcher", func(t *testing.T) {
		r := watcher.NextRegistration(t)
		if r.Sender != busName || r.Service != string(itemPath) {
			t.Fatalf("watcher got RegisterStatusNotifierItem(%q) from %s; want (%q) from %s", r.Service, r.Sender, itemPath, busName)
		}
		v, err := panel.Object(watcherName, watcherPath).GetProperty(watcherIface + ".RegisteredStatusNotifierItems")
		if err != nil {
			t.Fatal(err)
		}
		if items, _ := v.Value().([]string); !slices.Contains(items, busName+string(itemPath)) {
			t.Errorf("RegisteredStatusNotifierItems = %v", v)
		}
		// systray also takes the well-known name of the protocol.
		if !sni.HasOwner(t, panel, fmt.Sprintf("org.kde.StatusNotifierItem-%d-1", os.Getpid())) {
			t.Error("org.kde.StatusNotifierItem-<pid>-1 is not owned")
		}
		if id := it.StringProp(t, "Id"); id != "neckwatch" {
			t.Errorf("Id = %q, want neckwatch", id)
		}
		if title := it.StringProp(t, "Title"); title != "neckwatch — status unknown" {
			t.Errorf("initial Title = %q", title)
		}
		if w, h, pix := it.Pixmap(t); w != iconSize || h != iconSize || len(pix) != iconSize*iconSize*4 {
			t.Errorf("initial IconPixmap is %dx%d with %d bytes", w, h, len(pix))
		}
	})

	// fillARGB is the ARGB32 of the state's fill colour at fillProbe.
	fillARGB := func(s State) []byte {
		c := fillColours[s]
		return []byte{0xff, c.R, c.G, c.B}
	}
	probeARGB := func(pix []byte) []byte {
		i := (fillProbe.Y*iconSize + fillProbe.X) * 4
		return pix[i : i+4]
	}

	upright := Model{State: StateUpright, UprightPct: 72, NextBreakIn: 25 * time.Minute}
	t.Run("properties follow Update", func(t *testing.T) {
		tr.Update(upright)
		sni.Eventually(t, "tooltip", func() string {
			if title, _ := it.Tooltip(t); !strings.Contains(title, "72% upright") || !strings.Contains(title, "next break in ~25 min") {
				return fmt.Sprintf("ToolTip title %q", title)
			}
			return ""
		})
		if title := it.StringProp(t, "Title"); title != "neckwatch — upright" {
			t.Errorf("Title = %q", title)
		}
		_, _, pixUp := it.Pixmap(t)
		if got := probeARGB(pixUp); string(got) != string(fillARGB(StateUpright)) {
			t.Errorf("upright icon pixel %x, want green %x", got, fillARGB(StateUpright))
		}

		tr.Update(Model{State: StateForwardHead, UprightPct: 70, NextBreakIn: 24 * time.Minute})
		sni.Eventually(t, "icon after forward head", func() string {
			_, _, pix := it.Pixmap(t)
			if got := probeARGB(pix); string(got) != string(fillARGB(StateForwardHead)) {
				return fmt.Sprintf("icon pixel %x, want amber %x", got, fillARGB(StateForwardHead))
			}
			return ""
		})
		if title, _ := it.Tooltip(t); title != "neckwatch — posture needs attention\nToday 70% upright · next break in ~24 min" {
			t.Errorf("ToolTip title %q", title)
		}
	})

	t.Run("signals only on change", func(t *testing.T) {
		if err := panel.AddMatchSignal(dbus.WithMatchSender(busName), dbus.WithMatchInterface(itemIface)); err != nil {
			t.Fatal(err)
		}
		sigs := make(chan *dbus.Signal, 32)
		panel.Signal(sigs)
		defer panel.RemoveSignal(sigs)

		tr.Update(upright)
		got := map[string]bool{}
		sni.Eventually(t, "signals for a new state", func() string {
			for {
				select {
				case s := <-sigs:
					got[s.Name] = true
					continue
				default:
				}
				break
			}
			for _, want := range []string{"NewIcon", "NewTitle", "NewToolTip"} {
				if !got[itemIface+"."+want] {
					return fmt.Sprintf("have %v, missing %s", got, want)
				}
			}
			return ""
		})

		// The same model again: nothing to tell the panel. Then only
		// the tooltip changes: no new icon or title. Then a new state,
		// whose NewIcon and NewTitle mark the end: the panel's signals
		// from one connection come in order, so whatever the first two
		// sent has come before them, with no wait for a signal that
		// should not come.
		tr.Update(upright)
		tr.Update(Model{State: StateUpright, UprightPct: 73, NextBreakIn: 25 * time.Minute})
		tr.Update(Model{State: StateForwardHead, UprightPct: 73, NextBreakIn: 25 * time.Minute})
		var names []string
		for !slices.Contains(names, "NewTitle") {
			s := testenv.Await(t, sigs, "the signals of the updates")
			names = append(names, strings.TrimPrefix(s.Name, itemIface+"."))
		}
		if want := []string{"NewToolTip", "NewIcon", "NewTitle"}; !slices.Equal(names, want) {
			t.Errorf("an unchanged, a tooltip-only and a new-state Update sent %v; want %v", names, want)
		}
	})

	t.Run("menu actions reach Actions", func(t *testing.T) {
		menuObj := it.Menu(t)
		ids := sni.MenuIDs(t, menuObj)
		for _, e := range []struct{ label, want string }{
			{"Pause 30 minutes", "Pause(30m0s)"},
			{"Pause 1 hour", "Pause(1h0m0s)"},
			{"Pause until tomorrow", "PauseUntilTomorrow()"},
			{"Snooze alerts 30 minutes", "Snooze(30m0s)"},
			{"Start a traction break now", "StartBreak()"},
			{"Recalibrate (sit upright)", "Recalibrate()"},
			{"Add my tired posture", "AddTiredPosture()"},
			{"Open today's report", "OpenReport()"},
			{"Quit neckwatch", "Quit()"},
		} {
			id, ok := ids[e.label]
			if !ok {
				t.Fatalf("no menu item %q in %v", e.label, ids)
			}
			sni.ClickID(t, menuObj, id)
			if got := actions.next(t); got != e.want {
				t.Errorf("clicking %q called %s, want %s", e.label, got, e.want)
			}
		}
		if _, ok := ids["---"]; !ok {
			t.Error("no separator before Quit")
		}
		if len(ids) != len(menu)+1 {
			t.Errorf("menu has %d entries, want %d items and a separator: %v", len(ids), len(menu), ids)
		}
	})

	t.Run("re-registers when the panel restarts", func(t *testing.T) {
		watcher.Close() // the old panel's watcher goes away
		watcher2 := sni.NewWatcher(t, addr, true)
		r := watcher2.NextRegistration(t)
		if r.Sender != busName || r.Service != string(itemPath) {
			t.Fatalf("new watcher got RegisterStatusNotifierItem(%q) from %s", r.Service, r.Sender)
		}
	})

	t.Run("context end removes the icon", func(t *testing.T) {
		cancel()
		sni.Eventually(t, "item after cancel", func() string {
			if sni.HasOwner(t, panel, busName) {
				return busName + " is still on the bus"
			}
			return ""
		})
		tr.Update(Model{State: StateCameraProblem}) // no panic, no effect
		tr.Close()                                  // idempotent
		if _, err := Start(context.Background(), actions, testLogger(t)); !errors.Is(err, ErrAlreadyStarted) {
			t.Errorf("second Start: %v, want ErrAlreadyStarted", err)
		}
	})
}

// panickyActions panics in Recalibrate, as a buggy daemon might.
type panickyActions struct{ *fakeActions }

func (panickyActions) Recalibrate() { panic("recalibration exploded") }

// TestBusGoesAway: a panicking action and a session bus that dies under
// the tray (logout, crash) must not take the daemon down. systray's
// SetIcon panics when it cannot emit its signal. In a process of its own,
// like TestRealBus.
func TestBusGoesAway(t *testing.T) {
	if os.Getenv(childEnv) != "1" {
		runInChild(t)
		return
	}
	bus := sni.NewBus(t)
	addr := bus.Addr
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	watcher := sni.NewWatcher(t, addr, true)
	actions := panickyActions{newFakeActions()}
	tr, err := Start(context.Background(), actions, testLogger(t))
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer tr.Close()

	panel := sni.Connect(t, addr)
	r := watcher.NextRegistration(t)
	if r.Sender != tr.conn.Names()[0] {
		t.Fatalf("registration from %s, the tray is %s", r.Sender, tr.conn.Names()[0])
	}
	sni.Click(t, panel, r, "Recalibrate (sit upright)")
	sni.Click(t, panel, r, "Open today's report")
	if got := actions.next(t); got != "OpenReport()" {
		t.Fatalf("after a panicking action, the next click called %s", got)
	}

	bus.Stop()
	sni.Eventually(t, "connection after the bus stopped", func() string {
		if tr.conn.Connected() {
			return "still connected"
		}
		return ""
	})
	for _, s := range states {
		tr.Update(Model{State: s, UprightPct: 50, NextBreakIn: time.Minute})
	}
	// The check-then-call race in Update: systray's own panic, recovered.
	tr.mu.Lock()
	err = tr.apply("x", "y", StatePaused)
	tr.mu.Unlock()
	if err == nil {
		t.Error("apply on a dead bus returned no error")
	} else {
		t.Log(err)
	}
	tr.Close()
}
