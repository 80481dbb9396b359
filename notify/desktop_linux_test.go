//go:build linux

package notify

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/neckwatch/neckwatch/internal/testenv"
)

// unique makes summaries that no earlier test in the same dunst session used.
func unique(t *testing.T, what string) string {
	return fmt.Sprintf("%s %s %d", t.Name(), what, time.Now().UnixNano())
}

func TestDesktopCheck(t *testing.T) {
	if !testenv.InDesktopSession(t) {
		return
	}
	d := NewDesktop()
	defer d.Close()
	info, err := d.Check(context.Background())
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if info.Name != "dunst" || info.Vendor != "knopwob" || info.Version == "" || info.SpecVersion == "" {
		t.Errorf("Check = %+v, want dunst's server information", info)
	}
	if !d.Available() || d.LastError() != nil {
		t.Errorf("after a good Check: Available %v, LastError %v", d.Available(), d.LastError())
	}
	t.Logf("server: %v", info)
}

func TestDesktopNotify(t *testing.T) {
	if !testenv.InDesktopSession(t) {
		return
	}
	calls := watchNotifyCalls(t)
	d := NewDesktop()
	defer d.Close()

	type sent struct {
		n    Notification
		wire byte
	}
	var all []sent
	for i, u := range []Urgency{Low, Normal, Critical} {
		n := Notification{
			Title:    unique(t, u.String()),
			Body:     fmt.Sprintf("body %d\nsecond line", i),
			Urgency:  u,
			Timeout:  time.Duration(30+i) * time.Second,
			Category: fmt.Sprintf("neckwatch.test%d", i), // distinct: no replacing here
		}
		if err := d.Notify(n); err != nil {
			t.Fatalf("Notify(%v): %v", u, err)
		}
		all = append(all, sent{n, byte(i)}) // Low 0, Normal 1, Critical 2 on the wire
		if i == 1 {
			// A dropped connection is remade on the next call.
			if err := d.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
		}
	}
	if !d.Available() {
		t.Errorf("Available false after good Notify calls: %v", d.LastError())
	}

	// What went over the bus.
	for _, s := range all {
		c := nextCall(t, calls)
		if c.Summary != s.n.Title || c.Body != s.n.Body || c.AppName != "neckwatch" {
			t.Errorf("Notify call %q/%q from %q, want %q/%q from neckwatch", c.Summary, c.Body, c.AppName, s.n.Title, s.n.Body)
		}
		if got, ok := c.Hints["urgency"].Value().(byte); !ok || got != s.wire {
			t.Errorf("%s: urgency hint %v, want byte %d", s.n.Title, c.Hints["urgency"], s.wire)
		}
		if got := c.Hints["category"].Value(); got != s.n.Category {
			t.Errorf("%s: category hint %v, want %q", s.n.Title, got, s.n.Category)
		}
		if got := c.Hints["desktop-entry"].Value(); got != "neckwatch" {
			t.Errorf("%s: desktop-entry hint %v, want neckwatch", s.n.Title, got)
		}
		if want := int32(s.n.Timeout / time.Millisecond); c.Timeout != want {
			t.Errorf("%s: expire timeout %d, want %d", s.n.Title, c.Timeout, want)
		}
		if c.ReplaceID != 0 {
			t.Errorf("%s: replaces_id %d for a first notification of its category, want 0", s.n.Title, c.ReplaceID)
		}
	}

	// What dunst made of it.
	h := testenv.DunstHistory(t)
	for _, s := range all {
		got := testenv.WithSummary(h, s.n.Title)
		if len(got) != 1 {
			t.Errorf("dunst history has %d notifications %q, want 1", len(got), s.n.Title)
			continue
		}
		e := got[0]
		if e.Body != s.n.Body || e.AppName != "neckwatch" || e.Category != s.n.Category {
			t.Errorf("dunst got %+v, want body %q appname neckwatch category %q", e, s.n.Body, s.n.Category)
		}
		if want := s.n.Timeout.Microseconds(); e.TimeoutMicros != want {
			t.Errorf("%s: dunst timeout %d µs, want %d", s.n.Title, e.TimeoutMicros, want)
		}
		// dunst 1.9 does not list the urgency; later versions do.
		if e.Urgency != "" && !strings.EqualFold(e.Urgency, s.n.Urgency.String()) {
			t.Errorf("%s: dunst urgency %q, want %v", s.n.Title, e.Urgency, s.n.Urgency)
		}
	}
}

func TestDesktopReplacesByCategory(t *testing.T) {
	if !testenv.InDesktopSession(t) {
		return
	}
	calls := watchNotifyCalls(t)
	d := NewDesktop()
	defer d.Close()

	// Long timeouts keep the first alert on screen when the second comes:
	// an expired one would be in history already, with nothing to replace.
	first := Notification{Title: unique(t, "first"), Body: "head forward", Category: "neckwatch.posture", Timeout: time.Minute}
	second := Notification{Title: unique(t, "second"), Body: "still forward", Category: "neckwatch.posture", Timeout: time.Minute}
	other := Notification{Title: unique(t, "break"), Body: "time for a break", Category: "neckwatch.break", Timeout: time.Minute}
	for _, n := range []Notification{first, second, other} {
		if err := d.Notify(n); err != nil {
			t.Fatalf("Notify %q: %v", n.Title, err)
		}
	}

	c1, c2, c3 := nextCall(t, calls), nextCall(t, calls), nextCall(t, calls)
	if c1.ReplaceID != 0 || c3.ReplaceID != 0 {
		t.Errorf("replaces_id %d and %d for the first of each category, want 0", c1.ReplaceID, c3.ReplaceID)
	}
	if c2.ReplaceID == 0 {
		t.Fatal("second posture notification sent with replaces_id 0, want the first one's id")
	}

	h := testenv.DunstHistory(t)
	if got := testenv.WithSummary(h, first.Title); len(got) != 0 {
		t.Errorf("first posture notification still in dunst (%+v): it was not replaced", got)
	}
	got2 := testenv.WithSummary(h, second.Title)
	if len(got2) != 1 || got2[0].ID != int64(c2.ReplaceID) {
		t.Errorf("dunst has %+v for the second posture notification, want one with id %d (the first's)", got2, c2.ReplaceID)
	}
	got3 := testenv.WithSummary(h, other.Title)
	if len(got3) != 1 || got3[0].ID == int64(c2.ReplaceID) {
		t.Errorf("dunst has %+v for the break notification, want one of its own", got3)
	}
}

func TestDesktopDoNotDisturb(t *testing.T) {
	if !testenv.InDesktopSession(t) {
		return
	}
	d := NewDesktop()
	defer d.Close()
	t.Cleanup(func() { testenv.RunCmd(t, "dunstctl", "set-paused", "false") })
	for _, paused := range []bool{true, false, true, false} {
		testenv.RunCmd(t, "dunstctl", "set-paused", fmt.Sprint(paused))
		on, err := d.DoNotDisturb(context.Background())
		if err != nil {
			t.Fatalf("DoNotDisturb with dunst paused=%v: %v", paused, err)
		}
		if on != paused {
			t.Errorf("DoNotDisturb = %v with dunst paused=%v", on, paused)
		}
	}
}

func TestDesktopUnavailable(t *testing.T) {
	// No desktop session needed: the point is that there is none.
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(t.TempDir(), "no-such-bus"))
	d := NewDesktop()
	defer d.Close()

	if _, err := d.Check(context.Background()); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Check = %v, want an error wrapping ErrUnavailable", err)
	}
	err := d.Notify(Notification{Title: "lost", Body: "nobody listens", Category: "neckwatch.posture"})
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("Notify = %v, want an error wrapping ErrUnavailable", err)
	}
	if d.Available() || !errors.Is(d.LastError(), ErrUnavailable) {
		t.Errorf("Available %v, LastError %v; want false and ErrUnavailable", d.Available(), d.LastError())
	}
	if on, err := d.DoNotDisturb(context.Background()); on || !errors.Is(err, ErrUnavailable) {
		t.Errorf("DoNotDisturb = %v, %v; want false and ErrUnavailable", on, err)
	}
	if waited(err) {
		t.Errorf("Notify waited for an answer that could not come: %v", err)
	}
	t.Logf("Notify error: %v", err)

	// No address at all, and no $XDG_RUNTIME_DIR/bus: no autolaunch either.
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	if err := d.Notify(Notification{Title: "lost"}); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Notify without a session bus = %v, want an error wrapping ErrUnavailable", err)
	}
}

// TestDesktopReconnect runs its own bus and dunst to take them away and
// bring them back under a long-lived Desktop, as when the notification
// daemon or the whole session bus restarts.
func TestDesktopReconnect(t *testing.T) {
	if !testenv.InDesktopSession(t) {
		return
	}
	b := newPrivateBus(t)
	b.startBus(t)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", b.addr) // for the Desktop and dunstctl
	d := NewDesktop()
	defer d.Close()
	posture := func(what string) Notification {
		return Notification{Title: unique(t, what), Body: "sit tall", Category: "neckwatch.posture", Timeout: time.Minute}
	}
	quick := func(what string, f func() error) error {
		t.Helper()
		err := f()
		if waited(err) {
			t.Errorf("%s waited for an answer that could not come: %v", what, err)
		}
		return err
	}

	// A bus but no notification server.
	if _, err := d.Check(context.Background()); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Check with no server on the bus = %v, want ErrUnavailable", err)
	}
	if err := quick("Notify with no server", func() error { return d.Notify(posture("no server")) }); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Notify with no server on the bus = %v, want ErrUnavailable", err)
	}

	// The server appears.
	b.startDunst(t)
	if err := d.Notify(posture("first")); err != nil {
		t.Fatalf("Notify once dunst runs: %v", err)
	}

	// The server restarts on the same bus. The new dunst numbers its
	// notifications from 1 again, so another application's notification
	// takes the id of our posture alert in the old one: ours must not
	// replace it.
	b.stopDunst(t)
	b.startDunst(t)
	otherApp := unique(t, "other app")
	testenv.RunCmd(t, "notify-send", "-t", "60000", otherApp, "not neckwatch's")
	second := posture("after server restart")
	if err := d.Notify(second); err != nil {
		t.Fatalf("Notify after dunst restarted: %v", err)
	}
	h := testenv.DunstHistory(t)
	if len(testenv.WithSummary(h, otherApp)) != 1 || len(testenv.WithSummary(h, second.Title)) != 1 {
		t.Fatalf("after dunst restarted, history %+v; want both the other application's notification and ours", h)
	}

	// The whole bus goes away.
	b.stopDunst(t)
	b.stopBus(t)
	if err := quick("Notify with the bus gone", func() error { return d.Notify(posture("bus gone")) }); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Notify with the bus gone = %v, want ErrUnavailable", err)
	}
	if d.Available() {
		t.Error("Available true with the bus gone")
	}

	// And comes back at the same address.
	b.startBus(t)
	b.startDunst(t)
	back := posture("bus back")
	if err := d.Notify(back); err != nil {
		t.Fatalf("Notify after the bus came back: %v", err)
	}
	if info, err := d.Check(context.Background()); err != nil || info.Name != "dunst" {
		t.Fatalf("Check after the bus came back = %+v, %v", info, err)
	}
	if !d.Available() {
		t.Errorf("Available false after the bus came back: %v", d.LastError())
	}
	if got := testenv.WithSummary(testenv.DunstHistory(t), back.Title); len(got) != 1 {
		t.Errorf("new dunst has %d notifications %q, want 1", len(got), back.Title)
	}
}

// The user's choice on a notification with actions comes back as an
// ActionEvent for its category: here dunst's own action command (what a
// click on the notification does) invokes the default action, which
// arrives once.
func TestDesktopActions(t *testing.T) {
	if !testenv.InDesktopSession(t) {
		return
	}
	d := NewDesktop()
	defer d.Close()
	if _, err := d.Check(context.Background()); err != nil { // connect first: OnAction also subscribes an open connection
		t.Fatal(err)
	}
	got := make(chan ActionEvent, 4)
	d.OnAction(func(ev ActionEvent) { got <- ev })
	testenv.RunCmd(t, "dunstctl", "close-all")
	n := Notification{
		Title: unique(t, "prompt"), Body: "choose", Category: "neckwatch.calibration", Timeout: -1,
		Actions: []Action{{Key: ActionDefault, Label: "Calibrate now"}, {Key: "later", Label: "Later"}},
	}
	if err := d.Notify(n); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "the notification displayed", func() bool {
		return strings.TrimSpace(testenv.RunCmd(t, "dunstctl", "count", "displayed")) != "0"
	})
	testenv.RunCmd(t, "dunstctl", "action", "0")
	if ev := testenv.Await(t, got, "the action event after dunstctl action"); ev != (ActionEvent{Category: "neckwatch.calibration", Key: ActionDefault}) {
		t.Errorf("action event %+v", ev)
	}
	// Closing it sends NotificationClosed, not another action; a second
	// notice's action, on the same connection after it, marks the end of
	// what the first could have sent.
	testenv.RunCmd(t, "dunstctl", "close-all")
	n.Title, n.Category = unique(t, "marker"), "neckwatch.marker"
	if err := d.Notify(n); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "the marker displayed", func() bool {
		return strings.TrimSpace(testenv.RunCmd(t, "dunstctl", "count", "displayed")) != "0"
	})
	testenv.RunCmd(t, "dunstctl", "action", "0")
	if ev := testenv.Await(t, got, "the marker's action event"); ev.Category != "neckwatch.marker" {
		t.Errorf("a second event %+v before the marker's", ev)
	}
}

// waited reports whether err is a call that failed by waiting out its
// time (for a server or a bus that was not there) rather than on an
// answer: absent services must be told at once.
func waited(err error) bool {
	var dErr dbus.Error
	var dErrP *dbus.Error
	name := ""
	switch {
	case errors.As(err, &dErr):
		name = dErr.Name
	case errors.As(err, &dErrP):
		name = dErrP.Name
	}
	return errors.Is(err, context.DeadlineExceeded) || name == "org.freedesktop.DBus.Error.NoReply" ||
		name == "org.freedesktop.DBus.Error.Timeout" || name == "org.freedesktop.DBus.Error.TimedOut"
}
