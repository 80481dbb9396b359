//go:build linux

package tray

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/prop"
)

// These tests run against a real dbus-daemon of the test's own, with a
// minimal StatusNotifierWatcher standing in for the desktop panel: never
// against the developer's own session, whose panel would show the icon.

// startBus starts a private session bus in a temporary directory and
// returns its address and a func that stops it (also run when the test
// ends).
func startBus(t *testing.T) (addr string, stop func()) {
	t.Helper()
	bin, err := exec.LookPath("dbus-daemon")
	if err != nil {
		t.Fatalf("dbus-daemon not found (the dbus package; run make deps): %v", err)
	}
	dir := t.TempDir()
	sock := filepath.Join(dir, "bus")
	// No <servicedir>: nothing on this bus is activated on demand, so a
	// watcher installed on the machine cannot sneak in.
	conf := fmt.Sprintf(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=%s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`, sock)
	confPath := filepath.Join(dir, "bus.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--config-file="+confPath, "--print-address", "--nofork", "--nopidfile")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start dbus-daemon: %v", err)
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			done := make(chan struct{})
			go func() { _ = cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				_ = cmd.Process.Kill()
				<-done
			}
		})
	}
	t.Cleanup(stop)
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(out).ReadString('\n')
		line <- strings.TrimSpace(s)
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case addr = <-line:
		if addr == "" {
			t.Fatal("dbus-daemon printed no address")
		}
		return addr, stop
	case <-time.After(10 * time.Second):
		t.Fatal("dbus-daemon did not start within 10 s")
	}
	return "", stop
}

func connect(t *testing.T, addr string) *dbus.Conn {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatalf("connect to the test bus: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// registration is one RegisterStatusNotifierItem call as the watcher saw it.
type registration struct {
	sender, service string
}

// fakeWatcher is a minimal org.kde.StatusNotifierWatcher: what a desktop
// panel (KDE Plasma, the GNOME AppIndicator extension, waybar, ...)
// provides for tray items to register with.
type fakeWatcher struct {
	t     *testing.T
	conn  *dbus.Conn
	props *prop.Properties
	regs  chan registration

	mu    sync.Mutex
	items []string
}

func newWatcher(t *testing.T, addr string, host bool) *fakeWatcher {
	t.Helper()
	w := &fakeWatcher{t: t, conn: connect(t, addr), regs: make(chan registration, 16)}
	if err := w.conn.Export(w, watcherPath, watcherIface); err != nil {
		t.Fatal(err)
	}
	props, err := prop.Export(w.conn, watcherPath, prop.Map{
		watcherIface: {
			"RegisteredStatusNotifierItems":  {Value: []string{}, Writable: true, Emit: prop.EmitTrue},
			"IsStatusNotifierHostRegistered": {Value: host, Writable: true, Emit: prop.EmitTrue},
			"ProtocolVersion":                {Value: int32(0), Writable: false, Emit: prop.EmitConst},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	w.props = props
	reply, err := w.conn.RequestName(watcherName, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own %s: reply %v, %v", watcherName, reply, err)
	}
	return w
}

// RegisterStatusNotifierItem is called by items. service is a bus name or,
// as fyne.io/systray sends, an object path on the caller's connection.
func (w *fakeWatcher) RegisterStatusNotifierItem(sender dbus.Sender, service string) *dbus.Error {
	item := service
	if strings.HasPrefix(service, "/") {
		item = string(sender) + service
	}
	w.mu.Lock()
	w.items = append(w.items, item)
	items := slices.Clone(w.items)
	w.mu.Unlock()
	if err := w.props.Set(watcherIface, "RegisteredStatusNotifierItems", dbus.MakeVariant(items)); err != nil {
		w.t.Errorf("watcher: set RegisteredStatusNotifierItems: %v", err)
	}
	if err := w.conn.Emit(watcherPath, watcherIface+".StatusNotifierItemRegistered", item); err != nil {
		w.t.Errorf("watcher: emit StatusNotifierItemRegistered: %v", err)
	}
	select {
	case w.regs <- registration{string(sender), service}:
	default:
		w.t.Errorf("watcher: too many registrations")
	}
	return nil
}

// RegisterStatusNotifierHost is called by panels.
func (w *fakeWatcher) RegisterStatusNotifierHost(service string) *dbus.Error {
	if err := w.props.Set(watcherIface, "IsStatusNotifierHostRegistered", dbus.MakeVariant(true)); err != nil {
		return err
	}
	if err := w.conn.Emit(watcherPath, watcherIface+".StatusNotifierHostRegistered"); err != nil {
		return dbus.MakeFailedError(err)
	}
	return nil
}

func (w *fakeWatcher) nextRegistration(t *testing.T) registration {
	t.Helper()
	select {
	case r := <-w.regs:
		return r
	case <-time.After(5 * time.Second):
		t.Fatal("no RegisterStatusNotifierItem call reached the watcher within 5 s")
	}
	return registration{}
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
func (a *fakeActions) OpenReport()            { a.record("OpenReport()") }
func (a *fakeActions) Quit()                  { a.record("Quit()") }

// next waits for the next recorded call.
func (a *fakeActions) next(t *testing.T) string {
	t.Helper()
	select {
	case <-a.added:
	case <-time.After(5 * time.Second):
		t.Fatal("no action call within 5 s")
	}
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

// item reads the tray's properties over D-Bus as a panel does.
type item struct {
	obj dbus.BusObject
}

func (it item) prop(t *testing.T, name string) dbus.Variant {
	t.Helper()
	v, err := it.obj.GetProperty(itemIface + "." + name)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return v
}

func (it item) str(t *testing.T, name string) string {
	t.Helper()
	s, ok := it.prop(t, name).Value().(string)
	if !ok {
		t.Fatalf("%s is not a string", name)
	}
	return s
}

// tooltip returns the ToolTip's title and description (signature
// (sa(iiay)ss)).
func (it item) tooltip(t *testing.T) (title, text string) {
	t.Helper()
	var tip struct {
		Icon  string
		Image []struct {
			W, H int32
			Pix  []byte
		}
		Title, Text string
	}
	if err := it.prop(t, "ToolTip").Store(&tip); err != nil {
		t.Fatalf("decode ToolTip: %v", err)
	}
	return tip.Title, tip.Text
}

// pixmap returns the first IconPixmap entry (a(iiay), ARGB32).
func (it item) pixmap(t *testing.T) (w, h int32, argb []byte) {
	t.Helper()
	var pms []struct {
		W, H int32
		Pix  []byte
	}
	if err := it.prop(t, "IconPixmap").Store(&pms); err != nil {
		t.Fatalf("decode IconPixmap: %v", err)
	}
	if len(pms) == 0 {
		t.Fatal("IconPixmap is empty")
	}
	return pms[0].W, pms[0].H, pms[0].Pix
}

// eventually retries check until it returns "" or 5 s pass.
func eventually(t *testing.T, what string, check func() string) {
	t.Helper()
	var last string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if last = check(); last == "" {
			return
		}
	}
	t.Fatalf("%s: %s", what, last)
}

// menuLayout is com.canonical.dbusmenu's (ia{sv}av).
type menuLayout struct {
	ID       int32
	Props    map[string]dbus.Variant
	Children []dbus.Variant
}

// menuIDs reads the menu with GetLayout and maps labels to item ids.
func menuIDs(t *testing.T, menu dbus.BusObject) map[string]int32 {
	t.Helper()
	var rev uint32
	var root menuLayout
	if err := menu.Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{}).Store(&rev, &root); err != nil {
		t.Fatalf("GetLayout: %v", err)
	}
	ids := map[string]int32{}
	var walk func(children []dbus.Variant)
	walk = func(children []dbus.Variant) {
		for _, c := range children {
			var l menuLayout
			if err := dbus.Store([]interface{}{c.Value()}, &l); err != nil {
				t.Fatalf("decode menu item: %v", err)
			}
			if label, ok := l.Props["label"].Value().(string); ok {
				ids[label] = l.ID
			} else if typ, _ := l.Props["type"].Value().(string); typ == "separator" {
				ids["---"] = l.ID
			}
			walk(l.Children)
		}
	}
	walk(root.Children)
	return ids
}

func hasOwner(t *testing.T, conn *dbus.Conn, name string) bool {
	t.Helper()
	var owned bool
	if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, name).Store(&owned); err != nil {
		t.Fatalf("NameHasOwner: %v", err)
	}
	return owned
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
	addr, _ := startBus(t)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	actions := newFakeActions()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	t.Run("no watcher", func(t *testing.T) {
		begin := time.Now()
		tr, err := Start(ctx, actions, testLogger(t))
		if !errors.Is(err, ErrNoTrayHost) || tr != nil {
			t.Fatalf("Start = %v, %v; want nil, ErrNoTrayHost", tr, err)
		}
		if d := time.Since(begin); d > 3*time.Second {
			t.Errorf("Start took %v to notice there is no watcher", d)
		}
		t.Log(err)
	})

	watcher := newWatcher(t, addr, false)
	t.Run("watcher without host", func(t *testing.T) {
		tr, err := Start(ctx, actions, testLogger(t))
		if !errors.Is(err, ErrNoTrayHost) || tr != nil {
			t.Fatalf("Start = %v, %v; want nil, ErrNoTrayHost", tr, err)
		}
		t.Log(err)
	})
	// A panel comes up and registers as the host.
	host := connect(t, addr)
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
	panel := connect(t, addr)
	it := item{panel.Object(busName, itemPath)}

	t.Run("registers with the watcher", func(t *testing.T) {
		r := watcher.nextRegistration(t)
		if r.sender != busName || r.service != string(itemPath) {
			t.Fatalf("watcher got RegisterStatusNotifierItem(%q) from %s; want (%q) from %s", r.service, r.sender, itemPath, busName)
		}
		v, err := panel.Object(watcherName, watcherPath).GetProperty(watcherIface + ".RegisteredStatusNotifierItems")
		if err != nil {
			t.Fatal(err)
		}
		if items, _ := v.Value().([]string); !slices.Contains(items, busName+string(itemPath)) {
			t.Errorf("RegisteredStatusNotifierItems = %v", v)
		}
		// systray also takes the well-known name of the protocol.
		if !hasOwner(t, panel, fmt.Sprintf("org.kde.StatusNotifierItem-%d-1", os.Getpid())) {
			t.Error("org.kde.StatusNotifierItem-<pid>-1 is not owned")
		}
		if id := it.str(t, "Id"); id != "neckwatch" {
			t.Errorf("Id = %q, want neckwatch", id)
		}
		if title := it.str(t, "Title"); title != "neckwatch — status unknown" {
			t.Errorf("initial Title = %q", title)
		}
		if w, h, pix := it.pixmap(t); w != iconSize || h != iconSize || len(pix) != iconSize*iconSize*4 {
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
		eventually(t, "tooltip", func() string {
			if title, _ := it.tooltip(t); !strings.Contains(title, "72% upright") || !strings.Contains(title, "next break in ~25 min") {
				return fmt.Sprintf("ToolTip title %q", title)
			}
			return ""
		})
		if title := it.str(t, "Title"); title != "neckwatch — upright" {
			t.Errorf("Title = %q", title)
		}
		_, _, pixUp := it.pixmap(t)
		if got := probeARGB(pixUp); string(got) != string(fillARGB(StateUpright)) {
			t.Errorf("upright icon pixel %x, want green %x", got, fillARGB(StateUpright))
		}

		tr.Update(Model{State: StateForwardHead, UprightPct: 70, NextBreakIn: 24 * time.Minute})
		eventually(t, "icon after forward head", func() string {
			_, _, pix := it.pixmap(t)
			if got := probeARGB(pix); string(got) != string(fillARGB(StateForwardHead)) {
				return fmt.Sprintf("icon pixel %x, want amber %x", got, fillARGB(StateForwardHead))
			}
			return ""
		})
		if title, _ := it.tooltip(t); title != "neckwatch — posture needs attention\nToday 70% upright · next break in ~24 min" {
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
		eventually(t, "signals for a new state", func() string {
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

		// The same model again: nothing to tell the panel.
		tr.Update(upright)
		select {
		case s := <-sigs:
			t.Errorf("unchanged Update sent %s", s.Name)
		case <-time.After(300 * time.Millisecond):
		}
		// Only the tooltip changes: no new icon.
		tr.Update(Model{State: StateUpright, UprightPct: 73, NextBreakIn: 25 * time.Minute})
		var names []string
		timeout := time.After(500 * time.Millisecond)
	collect:
		for {
			select {
			case s := <-sigs:
				names = append(names, s.Name)
			case <-timeout:
				break collect
			}
		}
		if !slices.Contains(names, itemIface+".NewToolTip") || slices.Contains(names, itemIface+".NewIcon") {
			t.Errorf("tooltip-only Update sent %v; want NewToolTip and no NewIcon", names)
		}
	})

	t.Run("menu actions reach Actions", func(t *testing.T) {
		menuPath, ok := it.prop(t, "Menu").Value().(dbus.ObjectPath)
		if !ok {
			t.Fatal("Menu is not an object path")
		}
		menuObj := panel.Object(busName, menuPath)
		ids := menuIDs(t, menuObj)
		for _, e := range []struct{ label, want string }{
			{"Pause 30 minutes", "Pause(30m0s)"},
			{"Pause 1 hour", "Pause(1h0m0s)"},
			{"Pause until tomorrow", "PauseUntilTomorrow()"},
			{"Snooze alerts 30 minutes", "Snooze(30m0s)"},
			{"Start a traction break now", "StartBreak()"},
			{"Recalibrate (sit upright)", "Recalibrate()"},
			{"Open today's report", "OpenReport()"},
			{"Quit neckwatch", "Quit()"},
		} {
			id, ok := ids[e.label]
			if !ok {
				t.Fatalf("no menu item %q in %v", e.label, ids)
			}
			err := menuObj.Call("com.canonical.dbusmenu.Event", 0, id, "clicked", dbus.MakeVariant(""), uint32(time.Now().Unix())).Err
			if err != nil {
				t.Fatalf("Event(%q): %v", e.label, err)
			}
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
		watcher.conn.Close() // the old panel's watcher goes away
		watcher2 := newWatcher(t, addr, true)
		r := watcher2.nextRegistration(t)
		if r.sender != busName || r.service != string(itemPath) {
			t.Fatalf("new watcher got RegisterStatusNotifierItem(%q) from %s", r.service, r.sender)
		}
	})

	t.Run("context end removes the icon", func(t *testing.T) {
		cancel()
		eventually(t, "item after cancel", func() string {
			if hasOwner(t, panel, busName) {
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
	addr, stopBus := startBus(t)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	newWatcher(t, addr, true)
	actions := panickyActions{newFakeActions()}
	tr, err := Start(context.Background(), actions, testLogger(t))
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer tr.Close()
	busName := tr.conn.Names()[0]

	panel := connect(t, addr)
	menuObj := panel.Object(busName, "/StatusNotifierMenu")
	ids := menuIDs(t, menuObj)
	click := func(label string) {
		t.Helper()
		if err := menuObj.Call("com.canonical.dbusmenu.Event", 0, ids[label], "clicked", dbus.MakeVariant(""), uint32(0)).Err; err != nil {
			t.Fatalf("Event(%q): %v", label, err)
		}
	}
	click("Recalibrate (sit upright)")
	click("Open today's report")
	if got := actions.next(t); got != "OpenReport()" {
		t.Fatalf("after a panicking action, the next click called %s", got)
	}

	stopBus()
	eventually(t, "connection after the bus stopped", func() string {
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
