package tray

import (
	"context"
	"fmt"

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
