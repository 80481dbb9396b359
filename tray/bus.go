package tray

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/godbus/dbus/v5"
)

// The StatusNotifierWatcher is the panel-side registry of tray items
// (KDE's name, used by every StatusNotifierItem host).
const (
	watcherName  = "org.kde.StatusNotifierWatcher"
	watcherPath  = dbus.ObjectPath("/StatusNotifierWatcher")
	watcherIface = "org.kde.StatusNotifierWatcher"

	// itemPath and itemIface are where fyne.io/systray exports the item.
	itemPath  = dbus.ObjectPath("/StatusNotifierItem")
	itemIface = "org.kde.StatusNotifierItem"
)

// sessionBusAddress finds the session bus the way godbus does, minus its
// last resort: godbus would run `dbus-launch`, spawning a new, empty bus
// (with no tray on it) from inside the daemon.
func sessionBusAddress() (string, error) {
	if addr := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); addr != "" && addr != "autolaunch:" {
		return addr, nil
	}
	// Like godbus: $XDG_RUNTIME_DIR if set, else /run/user/<uid>.
	dir := os.Getenv("XDG_RUNTIME_DIR")
	if dir == "" {
		dir = filepath.Join("/run/user", strconv.Itoa(os.Getuid()))
	}
	p := filepath.Join(dir, "bus")
	if fi, err := os.Stat(p); err == nil && fi.Mode()&os.ModeSocket != 0 {
		return "unix:path=" + p, nil
	}
	return "", errors.New("no session bus: DBUS_SESSION_BUS_ADDRESS is not set and there is no " + p)
}

// dialBus opens a private connection to addr. godbus has no connect
// timeout and its handshake can block on a wedged bus, so the handshake
// runs in a goroutine that is abandoned (its connection closed once it
// finishes) when ctx ends.
func dialBus(ctx context.Context, addr string) (*dbus.Conn, error) {
	type result struct {
		conn *dbus.Conn
		err  error
	}
	done := make(chan result, 1)
	go func() {
		conn, err := dbus.Connect(addr)
		done <- result{conn, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return nil, fmt.Errorf("connect to session bus %s: %w", addr, r.err)
		}
		return r.conn, nil
	case <-ctx.Done():
		go func() {
			if r := <-done; r.conn != nil {
				r.conn.Close()
			}
		}()
		return nil, fmt.Errorf("connect to session bus %s: %w", addr, ctx.Err())
	}
}

// checkHost returns nil if a StatusNotifierWatcher is on the bus and a
// host (a panel that draws the items) has registered with it. A watcher
// without a host happens, e.g. GNOME with the AppIndicator extension
// disabled leaves nothing to show the icon.
func checkHost(ctx context.Context, conn *dbus.Conn) error {
	var owned bool
	if err := conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, watcherName).Store(&owned); err != nil {
		return fmt.Errorf("ask the bus for %s: %w", watcherName, err)
	}
	if !owned {
		// Deliberately not activating a watcher: a watcher started on
		// demand has no host (no panel) behind it.
		return fmt.Errorf("no %s on the session bus", watcherName)
	}
	var v dbus.Variant
	err := conn.Object(watcherName, watcherPath).CallWithContext(ctx, "org.freedesktop.DBus.Properties.Get", dbus.FlagNoAutoStart,
		watcherIface, "IsStatusNotifierHostRegistered").Store(&v)
	if err != nil {
		return fmt.Errorf("read %s.IsStatusNotifierHostRegistered: %w", watcherIface, err)
	}
	registered, ok := v.Value().(bool)
	if !ok {
		return fmt.Errorf("%s.IsStatusNotifierHostRegistered is %s, not a boolean", watcherIface, v.Signature())
	}
	if !registered {
		return fmt.Errorf("%s has no StatusNotifierHost registered (no panel shows tray items)", watcherName)
	}
	return nil
}

// checkItem returns nil if the item at name answers on the bus, i.e.
// fyne.io/systray's start really exported it: systray only logs its
// failures.
func checkItem(ctx context.Context, conn *dbus.Conn, name string) error {
	var v dbus.Variant
	err := conn.Object(name, itemPath).CallWithContext(ctx, "org.freedesktop.DBus.Properties.Get", dbus.FlagNoAutoStart,
		itemIface, "Id").Store(&v)
	if err != nil {
		return fmt.Errorf("read back the tray item's Id from %s: %w", name, err)
	}
	return nil
}
