//go:build linux

package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/neckwatch/neckwatch/internal/sessionbus"
)

// The freedesktop Desktop Notifications interface, and dunst's control
// interface on the same object.
const (
	busName    = "org.freedesktop.Notifications"
	objectPath = dbus.ObjectPath("/org/freedesktop/Notifications")
	notifIface = "org.freedesktop.Notifications"
	dunstIface = "org.dunstproject.cmd0"
)

// callTimeout bounds every D-Bus round trip (and connecting to the bus): a
// posture coach must never hang on a wedged notification server, and a
// healthy one answers in milliseconds.
const callTimeout = 2 * time.Second

// Desktop shows notifications on the user's desktop. On Linux it talks to
// the freedesktop notification service (org.freedesktop.Notifications) over
// the D-Bus session bus directly, rather than through beeep, because only
// the direct call can send replaces_id (so that a newer posture alert
// replaces the previous one instead of stacking up) and the urgency,
// category and desktop-entry hints.
//
// The bus connection is made lazily on first use and remade when it drops
// (bus restarted, session ended): a notification server that is down when
// neckwatch starts is picked up once it appears. Use NewDesktop or the zero
// value; a Desktop is safe for concurrent use.
type Desktop struct {
	reach reachability

	// send serialises Notify: it reads the replace id of a category before
	// the call and stores the new one after it, and two interleaved posture
	// alerts must not both replace the same notification.
	send sync.Mutex

	mu   sync.Mutex // guards the fields below
	conn *dbus.Conn // nil until first use, and after the bus dropped
	// owner is the unique bus name of the notification server that issued
	// ids. Notification ids are only meaningful to the server instance that
	// issued them: after the server restarts, a stored id may name another
	// application's notification, which replaces_id would then overwrite.
	owner string
	ids   map[string]uint32 // last notification id per Category, from owner
	// onAction receives the actions the user chooses; subscribed is the
	// connection whose ActionInvoked signals are being listened to.
	onAction   func(ActionEvent)
	subscribed *dbus.Conn
}

var (
	_ Notifier       = (*Desktop)(nil)
	_ ActionListener = (*Desktop)(nil)
)

// OnAction makes fn receive the actions the user chooses on notifications
// this Desktop showed (the server's ActionInvoked signal, matched to the
// notification's Category by its id). It listens on the current bus
// connection and on every later one.
func (d *Desktop) OnAction(fn func(ActionEvent)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.onAction = fn
	if d.conn != nil {
		d.subscribeLocked(d.conn)
	}
}

// subscribeLocked listens for ActionInvoked on conn, once per connection.
// The listening goroutine ends when the connection closes (godbus closes
// the signal channel).
func (d *Desktop) subscribeLocked(conn *dbus.Conn) {
	if d.onAction == nil || d.subscribed == conn {
		return
	}
	if err := conn.AddMatchSignal(dbus.WithMatchObjectPath(objectPath), dbus.WithMatchInterface(notifIface), dbus.WithMatchMember("ActionInvoked")); err != nil {
		return // actions are a convenience: the notification text says what to do
	}
	d.subscribed = conn
	ch := make(chan *dbus.Signal, 16)
	conn.Signal(ch)
	go func() {
		for sig := range ch {
			if ev, ok := d.actionEvent(sig); ok {
				d.mu.Lock()
				fn := d.onAction
				d.mu.Unlock()
				fn(ev)
			}
		}
	}()
}

// actionEvent turns an ActionInvoked signal from the current server into
// the event for the Category whose last notification it names. Signals
// from anyone else on the bus, or about other notifications, are ignored.
func (d *Desktop) actionEvent(sig *dbus.Signal) (ActionEvent, bool) {
	if sig.Name != notifIface+".ActionInvoked" || len(sig.Body) != 2 {
		return ActionEvent{}, false
	}
	id, ok1 := sig.Body[0].(uint32)
	key, ok2 := sig.Body[1].(string)
	if !ok1 || !ok2 {
		return ActionEvent{}, false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if sig.Sender == "" || sig.Sender != d.owner {
		return ActionEvent{}, false
	}
	for cat, cid := range d.ids {
		if cid == id {
			return ActionEvent{Category: cat, Key: key}, true
		}
	}
	return ActionEvent{}, false
}

// NewDesktop returns a Desktop. It does not connect yet: the first Notify,
// Check or DoNotDisturb does.
func NewDesktop() *Desktop { return &Desktop{} }

// Notify shows n. A notification with a non-empty Category replaces the
// last one this Desktop showed with that Category. When no notification
// service is reachable the error wraps ErrUnavailable.
//
// If the server is reachable but rejects the call (an unexpected D-Bus
// error: a server that chokes on a hint or on replaces_id, a bus policy
// that denies the call), Notify falls back to beeep, which sends the
// plainest possible notification and, failing that, tries notify-send and
// kdialog: a plain notification is better than none. It does not fall back
// when there is no server at all, since beeep would only fail the same way
// more slowly, nor on timeouts, since beeep's own D-Bus call has no timeout
// and would hang on the same unresponsive server.
func (d *Desktop) Notify(n Notification) error {
	d.send.Lock()
	defer d.send.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()

	err := d.withConn(ctx, "Notify", func(conn *dbus.Conn) error { return d.notify(ctx, conn, n) })
	if err != nil && !errors.Is(err, ErrUnavailable) {
		if ferr := beeepNotify(n); ferr != nil {
			err = fmt.Errorf("%w (fallback: %w)", err, ferr)
		} else {
			err = nil
		}
	}
	d.reach.record(err)
	return err
}

// notify makes the Notify call and remembers the id it returns.
func (d *Desktop) notify(ctx context.Context, conn *dbus.Conn, n Notification) error {
	owner := serverOwner(ctx, conn)
	replaces := d.replacesID(n.Category, owner)
	hints := map[string]dbus.Variant{
		"urgency":       dbus.MakeVariant(n.Urgency.wireLevel()),
		"desktop-entry": dbus.MakeVariant(AppName),
	}
	if n.Category != "" {
		hints["category"] = dbus.MakeVariant(n.Category)
	}
	actions := []string{}
	for _, a := range n.Actions {
		actions = append(actions, a.Key, a.Label)
	}
	var id uint32
	err := conn.Object(busName, objectPath).CallWithContext(ctx, notifIface+".Notify", 0,
		AppName, replaces, "", n.Title, n.Body, actions, hints, expireTimeout(n.Timeout)).Store(&id)
	if err != nil {
		return err
	}
	if owner == "" {
		// The call itself may have started the server (D-Bus activation).
		owner = serverOwner(ctx, conn)
	}
	d.rememberID(n.Category, id, owner)
	return nil
}

// serverOwner returns the unique bus name currently owning the
// notification service, "" if none or unknown. Asking the bus daemon is
// cheap and does not start the server.
func serverOwner(ctx context.Context, conn *dbus.Conn) string {
	var owner string
	if err := conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.GetNameOwner", 0, busName).Store(&owner); err != nil {
		return ""
	}
	return owner
}

// replacesID returns the id for replaces_id: the last id shown for
// category by the server instance owner, else 0 (a new notification).
func (d *Desktop) replacesID(category, owner string) uint32 {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.syncOwnerLocked(owner)
	return d.ids[category]
}

// rememberID stores id as the last notification shown for category.
func (d *Desktop) rememberID(category string, id uint32, owner string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.syncOwnerLocked(owner)
	if category == "" || owner == "" {
		return
	}
	if d.ids == nil {
		d.ids = make(map[string]uint32)
	}
	d.ids[category] = id
}

// syncOwnerLocked forgets the stored ids when the server instance changed
// (or is unknown): they belong to the previous instance.
func (d *Desktop) syncOwnerLocked(owner string) {
	if owner == "" || owner != d.owner {
		d.ids = nil
		d.owner = owner
	}
}

// Check asks the notification server for its identity
// (GetServerInformation), within at most 2 s. The error wraps
// ErrUnavailable when no server is reachable. The outcome also sets
// Available and LastError.
func (d *Desktop) Check(ctx context.Context) (ServerInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	var info ServerInfo
	err := d.withConn(ctx, "GetServerInformation", func(conn *dbus.Conn) error {
		var err error
		info, err = serverInfo(ctx, conn, 0)
		return err
	})
	if !errors.Is(err, context.Canceled) {
		// A caller giving up says nothing about the server.
		d.reach.record(err)
	}
	return info, err
}

func serverInfo(ctx context.Context, conn *dbus.Conn, flags dbus.Flags) (ServerInfo, error) {
	var s ServerInfo
	err := conn.Object(busName, objectPath).CallWithContext(ctx, notifIface+".GetServerInformation", flags).
		Store(&s.Name, &s.Vendor, &s.Version, &s.SpecVersion)
	return s, err
}

// DoNotDisturb reports whether the desktop is holding notifications back,
// as far as the platform exposes it, asking in turn:
//  1. the freedesktop Inhibited property (notification spec 1.3; KDE Plasma),
//  2. dunst's "paused" property (org.dunstproject.cmd0),
//  3. on GNOME Shell, `gsettings get org.gnome.desktop.notifications
//     show-banners` (false: do not disturb), if gsettings is installed.
//
// GNOME's setting is only consulted when GNOME Shell is the notification
// server: the schema is often installed elsewhere too, where it means
// nothing. When none of these answers the result is false with a nil
// error: unknown is treated as "not in do-not-disturb". The error is
// non-nil (wrapping ErrUnavailable) only when the session bus itself is
// unreachable. Nothing here starts a notification server that is not
// running.
func (d *Desktop) DoNotDisturb(ctx context.Context) (bool, error) {
	callCtx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	var on, known bool
	var info ServerInfo
	err := d.withConn(callCtx, "DoNotDisturb", func(conn *dbus.Conn) error {
		obj := conn.Object(busName, objectPath)
		for _, p := range [...]struct{ iface, name string }{{notifIface, "Inhibited"}, {dunstIface, "paused"}} {
			var v dbus.Variant
			err := obj.CallWithContext(callCtx, "org.freedesktop.DBus.Properties.Get", dbus.FlagNoAutoStart, p.iface, p.name).Store(&v)
			if err != nil {
				if !conn.Connected() {
					return err // the bus dropped: let withConn reconnect
				}
				continue // this server does not have it
			}
			if b, ok := v.Value().(bool); ok {
				on, known = b, true
				return nil
			}
		}
		info, _ = serverInfo(callCtx, conn, dbus.FlagNoAutoStart) // only the name matters, below
		return nil
	})
	switch {
	case err != nil:
		return false, err
	case known:
		return on, nil
	case info.Name == "gnome-shell":
		return gnomeBannersHidden(ctx), nil
	}
	return false, nil
}

// gnomeBannersHidden reports whether GNOME's "Do Not Disturb" switch is on
// (it sets show-banners to false). Any failure means unknown: false.
func gnomeBannersHidden(ctx context.Context) bool {
	path, err := exec.LookPath("gsettings")
	if err != nil {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "get", "org.gnome.desktop.notifications", "show-banners").Output()
	return err == nil && strings.TrimSpace(string(out)) == "false"
}

// Close drops the bus connection. The Desktop stays usable: the next call
// connects again.
func (d *Desktop) Close() error {
	d.mu.Lock()
	conn := d.conn
	d.conn, d.owner, d.ids = nil, "", nil
	d.mu.Unlock()
	if conn == nil {
		return nil
	}
	if err := conn.Close(); err != nil {
		return fmt.Errorf("notify: close session bus connection: %w", err)
	}
	return nil
}

// withConn runs f on the bus connection, connecting first if needed, and
// turns its error into one for the caller (op names the operation). If the
// connection died under f (the bus restarted), f is retried once on a
// fresh connection, which also finds out whether a bus is there at all.
func (d *Desktop) withConn(ctx context.Context, op string, f func(*dbus.Conn) error) error {
	for retried := false; ; retried = true {
		conn, err := d.connection(ctx)
		if err != nil {
			return fmt.Errorf("notify: %s: %w", op, err)
		}
		err = f(conn)
		switch {
		case err == nil:
			return nil
		case conn.Connected():
			return classify(op, err)
		}
		d.dropConn(conn)
		if retried || ctx.Err() != nil {
			return fmt.Errorf("notify: %s: %w: session bus connection lost: %w", op, ErrUnavailable, err)
		}
	}
}

// connection returns the live bus connection, connecting if there is none
// or the last one dropped. Its errors wrap ErrUnavailable, except for a
// cancelled ctx.
func (d *Desktop) connection(ctx context.Context) (*dbus.Conn, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.conn != nil {
		if d.conn.Connected() {
			return d.conn, nil
		}
		d.conn.Close()
		// A new connection most likely means a new bus and server, whose
		// unique names and notification ids may repeat the old ones.
		d.conn, d.owner, d.ids = nil, "", nil
	}
	conn, err := dialSessionBus(ctx)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	d.conn = conn
	d.subscribeLocked(conn)
	return conn, nil
}

// dropConn forgets conn if it is still the current connection, and closes it.
func (d *Desktop) dropConn(conn *dbus.Conn) {
	d.mu.Lock()
	if d.conn == conn {
		d.conn, d.owner, d.ids = nil, "", nil
	}
	d.mu.Unlock()
	conn.Close()
}

// dialSessionBus connects to the session bus on a private connection.
func dialSessionBus(ctx context.Context) (*dbus.Conn, error) {
	addr, err := sessionbus.Address()
	if err != nil {
		return nil, err
	}
	return sessionbus.Dial(ctx, addr)
}

// classify wraps a failed call's error, adding ErrUnavailable when it means
// that no notification server is there to answer.
func classify(op string, err error) error {
	if noServer(err) {
		return fmt.Errorf("notify: %s: %w: %w", op, ErrUnavailable, err)
	}
	return fmt.Errorf("notify: %s: %w", op, err)
}

// noServer reports whether err says the notification service is absent or
// not answering, as opposed to a server that answered with an error.
func noServer(err error) bool {
	var name string
	var dErr dbus.Error
	var dErrP *dbus.Error
	switch {
	case errors.As(err, &dErr):
		name = dErr.Name
	case errors.As(err, &dErrP):
		name = dErrP.Name
	}
	switch name {
	case "org.freedesktop.DBus.Error.ServiceUnknown", // nobody owns the name, none activatable
		"org.freedesktop.DBus.Error.NameHasNoOwner",
		"org.freedesktop.DBus.Error.NoReply", // the bus gave up waiting for the server
		"org.freedesktop.DBus.Error.NoServer",
		"org.freedesktop.DBus.Error.Disconnected",
		"org.freedesktop.DBus.Error.Timeout",
		"org.freedesktop.DBus.Error.TimedOut":
		return true
	}
	if strings.HasPrefix(name, "org.freedesktop.DBus.Error.Spawn.") { // activation failed
		return true
	}
	if name != "" {
		return false
	}
	var netErr net.Error
	return errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, dbus.ErrClosed) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.As(err, &netErr)
}
