//go:build linux

package notify

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/neckwatch/neckwatch/internal/testenv"
	"github.com/neckwatch/neckwatch/internal/testenv/sni"
)

// The desktop tests talk to a real notification server, dunst, in a
// throw-away session made by scripts/desktop-session.sh: never to the
// developer's own desktop, which would get test notifications (and its
// server need not be dunst).

// notifyCall is a Notify method call as it went over the bus to the server.
type notifyCall struct {
	AppName   string
	ReplaceID uint32
	Summary   string
	Body      string
	Hints     map[string]dbus.Variant
	Timeout   int32
}

// watchNotifyCalls turns a new connection into a bus monitor
// (org.freedesktop.DBus.Monitoring) for Notify calls, to see exactly what
// reached the server: dunst 1.9's history does not list the urgency.
func watchNotifyCalls(t *testing.T) <-chan notifyCall {
	t.Helper()
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatalf("monitor: connect: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	rule := "type='method_call',interface='org.freedesktop.Notifications',member='Notify'"
	if err := conn.BusObject().Call("org.freedesktop.DBus.Monitoring.BecomeMonitor", 0, []string{rule}, uint32(0)).Err; err != nil {
		t.Fatalf("monitor: BecomeMonitor: %v", err)
	}
	msgs := make(chan *dbus.Message, 64)
	conn.Eavesdrop(msgs)
	calls := make(chan notifyCall, 64)
	go func() {
		defer close(calls)
		for m := range msgs {
			if m.Type != dbus.TypeMethodCall || len(m.Body) != 8 {
				continue
			}
			var c notifyCall
			var icon string
			var actions []string
			if err := dbus.Store(m.Body, &c.AppName, &c.ReplaceID, &icon, &c.Summary, &c.Body, &actions, &c.Hints, &c.Timeout); err == nil {
				calls <- c
			}
		}
	}()
	return calls
}

func nextCall(t *testing.T, calls <-chan notifyCall) notifyCall {
	t.Helper()
	select {
	case c, ok := <-calls:
		if !ok {
			t.Fatal("bus monitor stopped")
		}
		return c
	case <-time.After(testenv.Patience):
		t.Fatalf("no Notify call seen on the bus within %v", testenv.Patience)
	}
	return notifyCall{}
}

// privateBus is a D-Bus bus of the test's own, with no service activation,
// on a fixed socket path so that it can be stopped and started again at
// the same address.
type privateBus struct {
	dir, addr string
	bus       *exec.Cmd
	dunst     *exec.Cmd
}

func newPrivateBus(t *testing.T) *privateBus {
	t.Helper()
	dir := t.TempDir()
	conf := sni.BusConfig(filepath.Join(dir, "bus"))
	rc := "[global]\n    monitor = 0\n    follow = none\n    history_length = 1000\n    sticky_history = yes\n    idle_threshold = 0\n" +
		"[urgency_low]\n    timeout = 100ms\n[urgency_normal]\n    timeout = 100ms\n[urgency_critical]\n    timeout = 100ms\n"
	for name, text := range map[string]string{"bus.conf": conf, "dunstrc": rc} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	b := &privateBus{dir: dir, addr: "unix:path=" + filepath.Join(dir, "bus")}
	t.Cleanup(func() { b.stopDunst(t); b.stopBus(t) })
	return b
}

func (b *privateBus) startBus(t *testing.T) {
	t.Helper()
	cmd := exec.Command("dbus-daemon", "--config-file="+filepath.Join(b.dir, "bus.conf"), "--nofork", "--nopidfile", "--print-address=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start dbus-daemon: %v", err)
	}
	b.bus = cmd
	// It prints its address once it listens.
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(out).ReadString('\n')
		line <- s
	}()
	select {
	case s := <-line:
		if !strings.HasPrefix(s, b.addr) {
			t.Fatalf("dbus-daemon listens on %q, want %s", s, b.addr)
		}
	case <-time.After(testenv.Patience):
		t.Fatalf("dbus-daemon did not start within %v", testenv.Patience)
	}
}

func (b *privateBus) startDunst(t *testing.T) {
	t.Helper()
	cmd := exec.Command("dunst", "-config", filepath.Join(b.dir, "dunstrc"))
	cmd.Env = append(os.Environ(), "DBUS_SESSION_BUS_ADDRESS="+b.addr, "WAYLAND_DISPLAY=")
	if err := cmd.Start(); err != nil {
		t.Fatalf("start dunst: %v", err)
	}
	b.dunst = cmd
	conn, err := dbus.Connect(b.addr)
	if err != nil {
		t.Fatalf("connect to the test bus: %v", err)
	}
	defer conn.Close()
	testenv.Eventually(t, "dunst taking org.freedesktop.Notifications", func() bool {
		var owned bool
		err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, busName).Store(&owned)
		return err == nil && owned
	})
}

func (b *privateBus) stopDunst(t *testing.T) { stop(t, &b.dunst) }
func (b *privateBus) stopBus(t *testing.T)   { stop(t, &b.bus) }

// stop ends a process this test started: TERM, then KILL after 5 s.
func stop(t *testing.T, cmd **exec.Cmd) {
	t.Helper()
	c := *cmd
	if c == nil {
		return
	}
	*cmd = nil
	_ = c.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = c.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = c.Process.Kill()
		<-done
	}
}
