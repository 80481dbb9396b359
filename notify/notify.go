// Package notify is neckwatch's desktop-notification seam: the daemon talks to
// a small Notifier interface, Desktop implements it against the real desktop
// (the freedesktop notification service over the D-Bus session bus on Linux,
// github.com/gen2brain/beeep elsewhere), and notifytest.Recorder implements
// it in memory for the tests of other packages. It must not import the
// packages that decide what to notify (coach, daemon).
package notify

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// AppName is the application name sent with every notification; it is also
// the desktop-entry hint, so desktops can find neckwatch.desktop for the icon
// and per-application notification settings.
const AppName = "neckwatch"

// ErrUnavailable is wrapped by the errors of Notify and Check when no
// desktop notification service can be reached (no session bus, nobody owns
// org.freedesktop.Notifications, the server does not answer). The daemon
// logs it once and carries on: alerts are then only logged.
var ErrUnavailable = errors.New("no desktop notification service reachable")

// Notifier shows a desktop notification. It is kept this small so that the
// daemon can be tested with a notifytest.Recorder.
type Notifier interface {
	Notify(n Notification) error
}

// Notification is one desktop notification.
type Notification struct {
	// Title is the one-line summary; Body the text below it.
	Title, Body string
	// Urgency is Normal unless set: the zero value is Normal so that a
	// Notification{Title, Body} is neither demoted nor made sticky.
	Urgency Urgency
	// Timeout is how long the notification stays on screen: 0 lets the
	// notification server decide (its default), a negative value asks for
	// a notification that stays until the user dismisses it.
	Timeout time.Duration
	// Category is the freedesktop category hint, e.g. "neckwatch.posture".
	// A notification replaces the previous one shown with the same
	// non-empty Category instead of stacking up under it.
	Category string
	// Actions are buttons on the notification (freedesktop actions, where
	// the server supports them; see ActionListener). An action with the key
	// ActionDefault is also what a click on the notification itself does.
	// The body must still say what to do without them: not every server
	// shows buttons.
	Actions []Action
}

// Reachability is implemented by notifiers that know whether their last
// attempt reached the notification service (an optional capability, shown
// in status).
type Reachability interface {
	// LastError is the last attempt's error, nil when it was delivered.
	LastError() error
}

// Action is one button on a notification: Key is reported back when the
// user chooses it, Label is what the button says.
type Action struct{ Key, Label string }

// ActionDefault is the freedesktop key of a notification's default action,
// invoked by clicking the notification.
const ActionDefault = "default"

// ActionEvent says that the user chose Key on the notification last shown
// with Category.
type ActionEvent struct{ Category, Key string }

// ActionListener is implemented by notifiers that report which action the
// user chose on a notification shown with Actions (an optional capability,
// like database/sql/driver.Pinger: a notifier without it shows the text
// only).
type ActionListener interface {
	// OnAction makes fn receive every action the user chooses from now
	// on. fn runs on the notifier's own goroutine and must not block.
	OnAction(fn func(ActionEvent))
}

// Urgency is a notification's urgency level.
type Urgency uint8

// The urgency levels. Normal is the zero value (see Notification.Urgency);
// wireLevel maps them to the freedesktop byte values (0 low, 1 normal,
// 2 critical).
const (
	Normal Urgency = iota
	Low
	Critical
)

// String returns "low", "normal" or "critical".
func (u Urgency) String() string {
	switch u {
	case Low:
		return "low"
	case Normal:
		return "normal"
	case Critical:
		return "critical"
	}
	return fmt.Sprintf("Urgency(%d)", uint8(u))
}

// wireLevel is the value of the freedesktop "urgency" hint. Unknown values
// are sent as normal rather than rejected: a notification with a slightly
// wrong urgency beats a lost one.
func (u Urgency) wireLevel() byte {
	switch u {
	case Low:
		return 0
	case Critical:
		return 2
	}
	return 1
}

// ServerInfo describes the notification server, as reported by the
// freedesktop GetServerInformation call (e.g. "dunst", "knopwob",
// "1.9.0", "1.2").
type ServerInfo struct {
	Name, Vendor, Version, SpecVersion string
}

// String renders the info for `neckwatch status`, e.g. "dunst 1.9.0 (knopwob, spec 1.2)".
func (s ServerInfo) String() string {
	return fmt.Sprintf("%s %s (%s, spec %s)", s.Name, s.Version, s.Vendor, s.SpecVersion)
}

// expireTimeout converts Notification.Timeout to the freedesktop
// expire_timeout argument: -1 server default, 0 never, else milliseconds.
func expireTimeout(d time.Duration) int32 {
	switch {
	case d == 0:
		return -1
	case d < 0:
		return 0
	}
	ms := (d + time.Millisecond - 1) / time.Millisecond // round up: 1ns must not become "never"
	if ms > 1<<31-1 {
		ms = 1<<31 - 1
	}
	return int32(ms)
}

// Logger is a Notifier that only logs, for when notifications are turned
// off (and for tools that must not show any).
type Logger struct{ Log *slog.Logger }

// Notify logs n's title at Info level.
func (l Logger) Notify(n Notification) error {
	l.Log.Info("notification (notifications off)", "title", n.Title)
	return nil
}
