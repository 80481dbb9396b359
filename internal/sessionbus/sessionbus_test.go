package sessionbus

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := Dial(ctx, "unix:path="+p); err == nil {
		t.Fatal("dial to a wedged bus succeeded")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("dial took %v", d)
	}
}
