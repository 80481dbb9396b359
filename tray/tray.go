// Package tray shows neckwatch in the desktop's system tray: an icon whose
// colour and glyph give the current state, a tooltip with today's upright
// share and the time to the next break, and a menu to pause, snooze, take
// a break, recalibrate, open the report and quit.
//
// It speaks the StatusNotifierItem D-Bus protocol through fyne.io/systray
// (no GTK). That library keeps its state in package variables and can be
// stopped only once, so there is at most one Tray per process, started at
// most once: Start returns ErrAlreadyStarted after that.
//
// Without a tray host on the session bus (no bus, no
// org.kde.StatusNotifierWatcher, or a watcher without a registered host)
// Start returns an error wrapping ErrNoTrayHost, and the daemon runs
// headless. All Tray methods accept a nil *Tray, so headless callers need
// no special cases.
//
// It shows what it is given (a Model) and calls back (Actions): it must not
// import the daemon or the coach.
package tray

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/systray"
	"github.com/godbus/dbus/v5"
	"github.com/neckwatch/neckwatch/internal/sessionbus"
)

var (
	// ErrNoTrayHost means there is nothing to show a tray icon: no session
	// bus, no StatusNotifierWatcher on it, or no host registered with the
	// watcher. Run headless.
	ErrNoTrayHost = errors.New("tray: no system tray host")
	// ErrAlreadyStarted means Start was called before in this process;
	// fyne.io/systray supports one tray per process, once.
	ErrAlreadyStarted = errors.New("tray: already started in this process")
)

// Actions receives the menu's commands. The tray calls the methods one at
// a time from its own goroutine; they must return quickly (hand slow work
// to a goroutine): while one runs, further clicks wait in a short queue
// and are dropped when it is full.
type Actions interface {
	// Pause stops monitoring for d ("Pause 30 minutes", "Pause 1 hour").
	Pause(d time.Duration)
	// PauseUntilTomorrow stops monitoring until the next day starts.
	PauseUntilTomorrow()
	// Snooze silences alerts for d while monitoring goes on.
	Snooze(d time.Duration)
	// StartBreak starts a traction break now; the daemon shows the
	// countdown notification at its end.
	StartBreak()
	// Recalibrate takes a new upright reference ("sit upright").
	Recalibrate()
	// AddTiredPosture takes the optional second calibration step: the
	// user's own tired posture sets where they are told.
	AddTiredPosture()
	// OpenReport opens today's report.
	OpenReport()
	// Quit stops the daemon. The daemon then cancels the context given to
	// Start or calls Close; the tray does not close itself.
	Quit()
}

// Menu durations.
const (
	shortPause  = 30 * time.Minute
	longPause   = time.Hour
	snoozeSpell = 30 * time.Minute
)

// menuEntry is one clickable menu item.
type menuEntry struct {
	label, tip string
	// name is how the click is logged.
	name string
	call func(Actions)
}

// menu is the tray menu from top to bottom; a separator goes before the
// last entry (Quit), away from the everyday items.
var menu = []menuEntry{
	{"Pause 30 minutes", "Stop watching posture for 30 minutes", "pause 30m", func(a Actions) { a.Pause(shortPause) }},
	{"Pause 1 hour", "Stop watching posture for an hour", "pause 1h", func(a Actions) { a.Pause(longPause) }},
	{"Pause until tomorrow", "Stop watching posture for the rest of the day", "pause until tomorrow", func(a Actions) { a.PauseUntilTomorrow() }},
	{"Snooze alerts 30 minutes", "Keep watching, but no alerts for 30 minutes", "snooze 30m", func(a Actions) { a.Snooze(snoozeSpell) }},
	{"Start a traction break now", "Take the neck break now; a notification tells you when it is over", "start break", func(a Actions) { a.StartBreak() }},
	{"Recalibrate (sit upright)", "Sit upright, then take a new reference posture", "recalibrate", func(a Actions) { a.Recalibrate() }},
	{"Add my tired posture", "Sit the way you do when tired: your own slouch then sets where you are told", "tired posture", func(a Actions) { a.AddTiredPosture() }},
	{"Open today's report", "Show today's posture report", "open report", func(a Actions) { a.OpenReport() }},
	{"Quit neckwatch", "Stop neckwatch", "quit", func(a Actions) { a.Quit() }},
}

// probeTimeout bounds the look for a tray host (and the read-back after
// starting): the daemon must not hang at startup on a wedged bus.
const probeTimeout = 2 * time.Second

// clickQueue is how many clicks may wait while an action runs.
const clickQueue = 8

// started is set once Start gets as far as starting systray.
var started atomic.Bool

// Tray is the running tray icon. Its methods are safe for concurrent use
// and accept a nil *Tray (as returned with an error by Start).
type Tray struct {
	log     *slog.Logger
	actions Actions
	// conn is the connection systray exports the item on: godbus's shared
	// session bus connection (dbus.SessionBus). Kept to check liveness and
	// to emit NewToolTip, which systray does not.
	conn *dbus.Conn
	// end stops systray (RunWithExternalLoop's end func).
	end func()

	mu     sync.Mutex
	closed bool
	// shown is what the tray displays now; valid once shownOK.
	shown   Model
	shownOK bool
	title   string
	tooltip string
	icon    State
	// lostLogged: the loss of the bus connection was logged.
	lostLogged bool

	done      chan struct{} // closed by Close
	closeOnce sync.Once
}

// Start shows the tray icon if the desktop has a tray, and dispatches menu
// clicks to actions until ctx is done or Close is called; when ctx is done
// the tray closes itself. The icon starts in StateUnknown; feed it with
// Update.
//
// It returns an error wrapping ErrNoTrayHost, quickly (within about 2 s),
// when there is no session bus or no tray host on it, and
// ErrAlreadyStarted on a second call in the same process. A nil log
// discards the tray's messages. (fyne.io/systray itself writes its few
// error messages with the standard log package.)
func Start(ctx context.Context, actions Actions, log *slog.Logger) (*Tray, error) {
	if actions == nil {
		return nil, errors.New("tray: Start needs Actions")
	}
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if started.Load() {
		return nil, ErrAlreadyStarted
	}
	addr, err := sessionbus.Address()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoTrayHost, err)
	}
	probe, err := lookForHost(ctx, addr)
	if err != nil {
		return nil, err
	}
	defer probe.Close()

	// Checked again (atomically) after the probe: two concurrent calls
	// could both pass this check.
	if !started.CompareAndSwap(false, true) {
		return nil, ErrAlreadyStarted
	}
	// systray connects with dbus.SessionBus(), which resolves the address
	// itself; make sure it lands on the bus just probed. (godbus sets this
	// variable itself when it discovers $XDG_RUNTIME_DIR/bus.)
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		if err := os.Setenv("DBUS_SESSION_BUS_ADDRESS", addr); err != nil {
			return nil, fmt.Errorf("tray: set DBUS_SESSION_BUS_ADDRESS: %w", err)
		}
	}

	t := &Tray{log: log, actions: actions, done: make(chan struct{})}
	initial := Model{State: StateUnknown, UprightPct: -1, NextBreakIn: -1}

	// Everything set before start is only stored by systray and goes into
	// the properties it exports, so a host that reads them right after
	// the registration sees a complete item. The title is the plain app
	// name at this point because systray derives the item's Id (which
	// panels use to remember the user's show/hide choice) from it.
	systray.SetTitle(appName)
	systray.SetTooltip(Tooltip(initial))
	systray.SetIcon(Icon(initial.State))
	items := make([]*systray.MenuItem, len(menu))
	for i, e := range menu {
		if i == len(menu)-1 {
			systray.AddSeparator()
		}
		items[i] = systray.AddMenuItem(e.label, e.tip)
	}

	// No onReady: systray runs it in a goroutine concurrently with the
	// export, and icon changes made there can be lost.
	startFn, endFn := systray.RunWithExternalLoop(nil, nil)
	// start connects, exports the item and the menu, and registers with
	// the watcher in the background (re-registering whenever the watcher
	// restarts); it reports failures only through the standard logger.
	startFn()
	t.end = endFn

	conn, err := dbus.SessionBus()
	if err == nil && len(conn.Names()) > 0 {
		cctx, cancel := context.WithTimeout(ctx, probeTimeout)
		err = checkItem(cctx, probe, conn.Names()[0])
		cancel()
	} else if err == nil {
		err = errors.New("the session bus connection has no unique name")
	}
	if err != nil {
		t.stopSystray()
		return nil, fmt.Errorf("tray: start the StatusNotifierItem: %w", err)
	}
	t.conn = conn
	t.mu.Lock()
	t.title, t.tooltip, t.icon = appName, Tooltip(initial), initial.State
	t.mu.Unlock()
	t.Update(initial) // sets the full title
	log.Info("tray icon shown", "bus_name", conn.Names()[0])

	queue := make(chan menuEntry, clickQueue)
	for i, item := range items {
		go t.forward(item, menu[i], queue)
	}
	go t.dispatch(queue)
	go func() {
		select {
		case <-ctx.Done():
			t.Close()
		case <-t.done:
		}
	}()
	return t, nil
}

// lookForHost connects to the bus at addr and checks for a tray host,
// within probeTimeout. The returned connection is the caller's to close.
func lookForHost(ctx context.Context, addr string) (*dbus.Conn, error) {
	pctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	conn, err := sessionbus.Dial(pctx, addr)
	if err == nil {
		err = checkHost(pctx, conn)
		if err != nil {
			conn.Close()
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			// Cancelled by the caller, not a missing tray.
			return nil, fmt.Errorf("tray: %w", ctx.Err())
		}
		return nil, fmt.Errorf("%w: %w", ErrNoTrayHost, err)
	}
	return conn, nil
}

// forward passes item's clicks to the queue. systray drops a click when
// nobody is receiving on ClickedCh at that moment, so each item has its
// own receiver that never waits on an action.
func (t *Tray) forward(item *systray.MenuItem, e menuEntry, queue chan<- menuEntry) {
	for {
		select {
		case _, ok := <-item.ClickedCh:
			if !ok {
				return
			}
			select {
			case queue <- e:
			default:
				t.log.Warn("tray: menu click dropped, actions are busy", "item", e.name)
			}
		case <-t.done:
			return
		}
	}
}

// dispatch runs the queued clicks' actions one at a time.
func (t *Tray) dispatch(queue <-chan menuEntry) {
	for {
		select {
		case e := <-queue:
			select {
			case <-t.done:
				return // closed while the click waited
			default:
			}
			t.log.Info("tray menu", "item", e.name)
			t.run(e)
		case <-t.done:
			return
		}
	}
}

// run calls one action. A panic in it is logged rather than allowed to
// take the daemon down from a menu click.
func (t *Tray) run(e menuEntry) {
	defer func() {
		if r := recover(); r != nil {
			t.log.Error("tray: menu action panicked", "item", e.name, "panic", fmt.Sprint(r))
		}
	}()
	e.call(t.actions)
}

// Update shows m: the icon when the state changed, the tooltip and title
// when their text changed. Unchanged models send nothing over D-Bus, so it
// is cheap to call on every status tick. It does nothing after Close or
// once the session bus connection is gone.
func (t *Tray) Update(m Model) {
	if t == nil {
		return
	}
	title, tip, state := Title(m), Tooltip(m), m.State.known()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed || (t.shownOK && t.shown == m) {
		return
	}
	if !t.conn.Connected() {
		// systray's SetIcon panics when it cannot emit its signal, and it
		// does not reconnect: the icon is gone with the bus.
		if !t.lostLogged {
			t.log.Warn("tray: session bus connection lost; the tray icon is gone until neckwatch restarts")
			t.lostLogged = true
		}
		return
	}
	err := t.apply(title, tip, state)
	if err != nil {
		t.log.Warn("tray: update failed", "err", err)
		return
	}
	t.shown, t.shownOK = m, true
}

// apply pushes the changed parts to systray; t.mu is held. It turns a
// panic from systray (SetIcon panics when the bus connection closes under
// it) into an error.
func (t *Tray) apply(title, tip string, state State) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("systray: %v", r)
		}
	}()
	if state != t.icon {
		systray.SetIcon(Icon(state))
		t.icon = state
	}
	if title != t.title {
		systray.SetTitle(title)
		t.title = title
	}
	if tip != t.tooltip {
		systray.SetTooltip(tip)
		t.tooltip = tip
		// systray updates the ToolTip property (PropertiesChanged) but
		// does not send the protocol's NewToolTip signal, which is what
		// hosts such as KDE's and the GNOME AppIndicator extension watch.
		if err := t.conn.Emit(itemPath, itemIface+".NewToolTip"); err != nil {
			return fmt.Errorf("emit NewToolTip: %w", err)
		}
	}
	return nil
}

// Close removes the tray icon and stops dispatching clicks; the watcher
// drops the item when its bus connection goes away. An action already
// running is not waited for (Close may be called from inside one, e.g.
// Quit). Close is idempotent; the tray cannot be started again in this
// process.
func (t *Tray) Close() {
	if t == nil {
		return
	}
	t.closeOnce.Do(func() {
		t.mu.Lock()
		t.closed = true
		t.mu.Unlock()
		close(t.done)
		t.stopSystray()
		t.log.Info("tray icon removed")
	})
}

// stopSystray runs systray's end func: it closes systray's bus connection
// (godbus's shared session bus connection, which godbus reopens for later
// users) and stops its re-registration loop. It dereferences that
// connection without a nil check, so a failed start would panic there.
func (t *Tray) stopSystray() {
	defer func() {
		if r := recover(); r != nil {
			t.log.Warn("tray: systray did not stop cleanly", "panic", fmt.Sprint(r))
			systray.Quit()
		}
	}()
	if t.end != nil {
		t.end()
	}
}
