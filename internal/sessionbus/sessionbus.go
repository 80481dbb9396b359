// Package sessionbus finds and dials the user's D-Bus session bus for the
// notifier and the tray, with two differences from godbus's own helpers:
// it never runs `dbus-launch` (which would spawn a new, empty bus with no
// notification server or tray on it from inside the daemon), and dialing
// honours a context (godbus has no connect timeout and its handshake can
// block on a wedged bus).
package sessionbus

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/godbus/dbus/v5"
)

// Address finds the session bus: $DBUS_SESSION_BUS_ADDRESS, else the
// socket at $XDG_RUNTIME_DIR/bus (or /run/user/<uid>/bus).
func Address() (string, error) {
	if addr := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); addr != "" && addr != "autolaunch:" {
		return addr, nil
	}
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

// Dial opens a private connection to addr (closing it cannot break other
// users of godbus's shared one). The handshake runs in a goroutine that is
// abandoned, its connection closed once it finishes, when ctx ends.
func Dial(ctx context.Context, addr string) (*dbus.Conn, error) {
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
