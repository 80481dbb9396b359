package sessionbus

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neckwatch/neckwatch/internal/testenv"
)

func TestAddress(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/x")
	if a, err := Address(); err != nil || a != "unix:path=/x" {
		t.Fatalf("from the environment: %q %v", a, err)
	}
	dir := t.TempDir()
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("XDG_RUNTIME_DIR", dir)
	if _, err := Address(); err == nil || !strings.Contains(err.Error(), "no session bus") {
		t.Fatalf("no socket: %v", err)
	}
	ln, err := net.Listen("unix", filepath.Join(dir, "bus"))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if a, err := Address(); err != nil || a != "unix:path="+filepath.Join(dir, "bus") {
		t.Fatalf("runtime-dir socket: %q %v", a, err)
	}
}

// A bus that accepts the connection but never answers the handshake must
// not hang the caller past its context.
func TestDialHonoursContext(t *testing.T) {
	p := filepath.Join(t.TempDir(), "wedged")
	ln, err := net.Listen("unix", p)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan struct{}, 1)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
			accepted <- struct{}{}
		}
	}()
	// No deadline: only the cancel can end the dial.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		conn, err := Dial(ctx, "unix:path="+p)
		if conn != nil {
			conn.Close()
		}
		done <- err
	}()
	testenv.Await(t, accepted, "the dial's connection")
	cancel()
	if err := testenv.Await(t, done, "Dial's return after the cancel"); !errors.Is(err, context.Canceled) {
		t.Fatalf("dial to a wedged bus: %v, want context.Canceled", err)
	}
}
