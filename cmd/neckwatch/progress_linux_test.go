//go:build linux

package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/neckwatch/neckwatch/internal/testenv"
)

// openPTY opens a pseudo-terminal: what calibrate and check see as stderr
// on a terminal.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		m.Close()
		t.Skipf("unlock pty: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		m.Close()
		t.Skipf("pty number: %v", e)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Skipf("open pty: %v", err)
	}
	t.Cleanup(func() { s.Close(); m.Close() })
	return m, s
}

// On a terminal, calibrate on a long video shows the same progress bar as
// check (frames done of the video's), and clears it at the end.
func TestLongVideoProgressOnATerminal(t *testing.T) {
	isolateConfig(t)
	video := filepath.Join(t.TempDir(), "long.avi")
	writePostureVideo(t, video, 30, 3500*time.Millisecond, 0) // 105 frames: "long" is over 100
	for _, args := range [][]string{
		{"calibrate", "--source", video, "--out", filepath.Join(t.TempDir(), "c.json")},
		{"check", "--source", video},
	} {
		t.Run(args[0], func(t *testing.T) {
			master, slave := openPTY(t)
			seen := make(chan string)
			go func() {
				b, _ := io.ReadAll(master) // ends when the slave is closed (EIO)
				seen <- string(b)
			}()
			var stdout bytes.Buffer
			code := run(args, &stdout, slave)
			slave.Close()
			tty := testenv.Await(t, seen, "the end of the terminal's output")
			if code != 0 {
				t.Fatalf("%v: exit %d\n%s\n%q", args, code, stdout.String(), tty)
			}
			if !strings.Contains(tty, "/105") || !strings.Contains(tty, "%") || !strings.HasSuffix(tty, "\r\033[K") {
				t.Errorf("%s on a terminal shows no progress (or does not clear it): %q", args[0], tty)
			}
		})
	}
}
