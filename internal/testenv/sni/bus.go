//go:build linux

// Package sni is test support for the desktop side of the
// StatusNotifierItem (system tray) protocol: a private dbus-daemon, a fake
// org.kde.StatusNotifierWatcher standing in for the panel, and helpers
// that read a tray item's properties and click its com.canonical.dbusmenu
// menu the way a panel does.
//
// Tests that use it run against a bus of their own, never against the
// developer's session, whose panel would show the test's icons. A missing
// dbus-daemon fails the test (run `make deps`) rather than skipping it: a
// suite that skips in CI passes while testing nothing.
package sni

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/neckwatch/neckwatch/internal/testenv"
)

// The protocol's names (KDE's, used by every StatusNotifierItem host).
const (
	// WatcherName is the well-known bus name of the watcher.
	WatcherName = "org.kde.StatusNotifierWatcher"
	// WatcherPath is the watcher's object path.
	WatcherPath = dbus.ObjectPath("/StatusNotifierWatcher")
	// WatcherIface is the watcher's interface.
	WatcherIface = "org.kde.StatusNotifierWatcher"
	// ItemPath is where items (fyne.io/systray among them) export
	// themselves by convention.
	ItemPath = dbus.ObjectPath("/StatusNotifierItem")
	// ItemIface is the item's interface.
	ItemIface = "org.kde.StatusNotifierItem"
	// MenuIface is the interface of the item's menu object.
	MenuIface = "com.canonical.dbusmenu"
)

// Bus is a private session bus: a dbus-daemon of the test's own, in a
// temporary directory.
type Bus struct {
	// Addr is the bus address, for DBUS_SESSION_BUS_ADDRESS or Connect.
	Addr string
	stop func()
}

// Stop stops the dbus-daemon (every connection to it breaks), waiting for
// it to exit. It is idempotent and also runs when the test ends.
func (b *Bus) Stop() { b.stop() }

// StartBus starts a private session bus and returns its address. The bus
// is stopped when the test ends.
func StartBus(t testing.TB) (addr string) {
	t.Helper()
	return NewBus(t).Addr
}

// NewBus starts a private session bus, like StartBus, for tests that also
// need to stop it early (a session bus that dies under its clients).
func NewBus(t testing.TB) *Bus {
	t.Helper()
	bin, err := exec.LookPath("dbus-daemon")
	if err != nil {
		t.Fatalf("dbus-daemon not found (the dbus package): %v; run `make deps`", err)
	}
	dir := t.TempDir()
	sock := filepath.Join(dir, "bus")
	conf := BusConfig(sock)
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
	b := &Bus{stop: func() {
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
	}}
	t.Cleanup(b.stop)
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(out).ReadString('\n')
		line <- strings.TrimSpace(s)
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case b.Addr = <-line:
		if b.Addr == "" {
			t.Fatal("dbus-daemon printed no address")
		}
	case <-time.After(testenv.Patience):
		t.Fatalf("dbus-daemon did not start within %v", testenv.Patience)
	}
	return b
}

// Connect opens a private connection to the bus at addr, closed when the
// test ends.
func Connect(t testing.TB, addr string) *dbus.Conn {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatalf("connect to the test bus %s: %v", addr, err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// HasOwner reports whether name (well-known or unique) is on the bus.
func HasOwner(t testing.TB, conn *dbus.Conn, name string) bool {
	t.Helper()
	var owned bool
	if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, name).Store(&owned); err != nil {
		t.Fatalf("NameHasOwner(%s): %v", name, err)
	}
	return owned
}

// Eventually retries check every 20 ms until it returns "" and fails t
// with check's last answer if that does not happen within
// testenv.Patience (a failure bound, not a claim about speed).
func Eventually(t testing.TB, what string, check func() string) {
	t.Helper()
	var last string
	for deadline := time.Now().Add(testenv.Patience); ; time.Sleep(20 * time.Millisecond) {
		if last = check(); last == "" {
			return
		}
		if time.Now().After(deadline) {
			break
		}
	}
	t.Fatalf("%s (after %v): %s", what, testenv.Patience, last)
}

// BusConfig is a dbus-daemon configuration for a private session bus
// listening on the Unix socket sock. It has no <servicedir>: nothing on the
// bus is activated on demand, so a watcher or notification server installed
// on the machine cannot sneak in. Eavesdropping is allowed so tests can
// watch the calls that cross it.
func BusConfig(sock string) string {
	return fmt.Sprintf(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
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
}
