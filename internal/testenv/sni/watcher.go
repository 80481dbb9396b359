//go:build linux

package sni

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/prop"
	"github.com/neckwatch/neckwatch/internal/testenv"
)

// Registration is one RegisterStatusNotifierItem call as the watcher saw
// it.
type Registration struct {
	// Sender is the caller's unique bus name.
	Sender string
	// Service is the call's argument: a bus name or, as fyne.io/systray
	// sends, an object path on the caller's connection.
	Service string
}

// Address returns the bus name and object path of the registered item.
func (r Registration) Address() (busName string, path dbus.ObjectPath) {
	if strings.HasPrefix(r.Service, "/") {
		return r.Sender, dbus.ObjectPath(r.Service)
	}
	return r.Service, ItemPath
}

// ID is the item as the watcher lists it in RegisteredStatusNotifierItems:
// the bus name, followed by the object path when one was registered.
func (r Registration) ID() string {
	if strings.HasPrefix(r.Service, "/") {
		return r.Sender + r.Service
	}
	return r.Service
}

// Item returns the registered item, read over conn.
func (r Registration) Item(conn *dbus.Conn) Item {
	name, path := r.Address()
	return ItemAt(conn, name, path)
}

// Watcher is a minimal org.kde.StatusNotifierWatcher: what a desktop panel
// (KDE Plasma, the GNOME AppIndicator extension, waybar, ...) provides for
// tray items to register with. It records the registrations, lists the
// items in RegisteredStatusNotifierItems, drops an item when its owner
// leaves the bus, and emits the protocol's signals.
type Watcher struct {
	t     testing.TB
	conn  *dbus.Conn
	props *prop.Properties
	regs  chan Registration

	mu    sync.Mutex
	items []string
}

// NewWatcher connects to the bus at addr and serves a watcher there under
// WatcherName. host is its IsStatusNotifierHostRegistered: whether a panel
// that draws the items has registered. A host can register later, with
// RegisterStatusNotifierHost over the bus as a panel does. The watcher
// leaves the bus when the test ends or at Close.
func NewWatcher(t testing.TB, addr string, host bool) *Watcher {
	t.Helper()
	w := &Watcher{t: t, conn: Connect(t, addr), regs: make(chan Registration, 16)}
	if err := w.conn.Export(watcherMethods{w}, WatcherPath, WatcherIface); err != nil {
		t.Fatal(err)
	}
	props, err := prop.Export(w.conn, WatcherPath, prop.Map{
		WatcherIface: {
			"RegisteredStatusNotifierItems":  {Value: []string{}, Writable: true, Emit: prop.EmitTrue},
			"IsStatusNotifierHostRegistered": {Value: host, Writable: true, Emit: prop.EmitTrue},
			"ProtocolVersion":                {Value: int32(0), Writable: false, Emit: prop.EmitConst},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	w.props = props

	// Items that leave the bus leave the list, as with a real watcher.
	if err := w.conn.AddMatchSignal(
		dbus.WithMatchSender("org.freedesktop.DBus"),
		dbus.WithMatchInterface("org.freedesktop.DBus"),
		dbus.WithMatchMember("NameOwnerChanged"),
	); err != nil {
		t.Fatal(err)
	}
	sigs := make(chan *dbus.Signal, 64)
	w.conn.Signal(sigs)
	go w.watchOwners(sigs)

	reply, err := w.conn.RequestName(WatcherName, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own %s: reply %v, %v", WatcherName, reply, err)
	}
	return w
}

// Close takes the watcher off the bus, as when the panel quits or
// restarts.
func (w *Watcher) Close() { w.conn.Close() }

// NextRegistration waits for the next RegisterStatusNotifierItem call and
// fails t if none comes within testenv.Patience.
func (w *Watcher) NextRegistration(t testing.TB) Registration {
	t.Helper()
	select {
	case r := <-w.regs:
		return r
	case <-time.After(testenv.Patience):
		t.Fatalf("no RegisterStatusNotifierItem call reached the watcher within %v", testenv.Patience)
	}
	return Registration{}
}

// Items returns the registered items (as Registration.ID gives them).
func (w *Watcher) Items() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.items)
}

// setItems publishes the item list; w.mu is held. Failures are test
// errors unless the watcher has left the bus (Close, the test's end, a
// stopped bus).
func (w *Watcher) setItems() {
	err := w.props.Set(WatcherIface, "RegisteredStatusNotifierItems", dbus.MakeVariant(slices.Clone(w.items)))
	if err != nil && w.conn.Connected() {
		w.t.Errorf("watcher: set RegisteredStatusNotifierItems: %v", err)
	}
}

// watchOwners drops the items of connections that leave the bus. It ends
// when the watcher's connection closes (godbus closes sigs then).
func (w *Watcher) watchOwners(sigs <-chan *dbus.Signal) {
	for s := range sigs {
		if s.Name != "org.freedesktop.DBus.NameOwnerChanged" || len(s.Body) != 3 {
			continue
		}
		name, _ := s.Body[0].(string)
		newOwner, _ := s.Body[2].(string)
		if newOwner != "" {
			continue
		}
		w.mu.Lock()
		var gone []string
		w.items = slices.DeleteFunc(w.items, func(item string) bool {
			if item == name || strings.HasPrefix(item, name+"/") {
				gone = append(gone, item)
				return true
			}
			return false
		})
		if len(gone) > 0 {
			w.setItems()
		}
		w.mu.Unlock()
		for _, item := range gone {
			_ = w.conn.Emit(WatcherPath, WatcherIface+".StatusNotifierItemUnregistered", item)
		}
	}
}

// watcherMethods are the watcher's D-Bus methods, apart from Watcher so
// that they are not part of its Go API.
type watcherMethods struct{ w *Watcher }

// RegisterStatusNotifierItem is called by items.
func (m watcherMethods) RegisterStatusNotifierItem(sender dbus.Sender, service string) *dbus.Error {
	w := m.w
	r := Registration{Sender: string(sender), Service: service}
	id := r.ID()
	w.mu.Lock()
	if !slices.Contains(w.items, id) {
		w.items = append(w.items, id)
		w.setItems()
	}
	w.mu.Unlock()
	if err := w.conn.Emit(WatcherPath, WatcherIface+".StatusNotifierItemRegistered", id); err != nil {
		w.t.Errorf("watcher: emit StatusNotifierItemRegistered: %v", err)
	}
	select {
	case w.regs <- r:
	default:
		w.t.Errorf("watcher: too many registrations")
	}
	return nil
}

// RegisterStatusNotifierHost is called by panels.
func (m watcherMethods) RegisterStatusNotifierHost(service string) *dbus.Error {
	w := m.w
	if err := w.props.Set(WatcherIface, "IsStatusNotifierHostRegistered", dbus.MakeVariant(true)); err != nil {
		return err
	}
	if err := w.conn.Emit(WatcherPath, WatcherIface+".StatusNotifierHostRegistered"); err != nil {
		return dbus.MakeFailedError(err)
	}
	return nil
}
