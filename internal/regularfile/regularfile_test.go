package regularfile

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neckwatch/neckwatch/internal/testenv"
)

// Read takes a regular file of bounded size and refuses everything else
// at once, with one line naming the path: a FIFO nobody writes to (which
// os.ReadFile waits on for ever), /dev/zero (which it reads until memory
// runs out), a folder, a socket, a file over the limit.
func TestRead(t *testing.T) {
	dir := t.TempDir()
	regular := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(regular, []byte("[alerts]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "policy.json")
	testenv.FIFO(t, fifo)
	big := filepath.Join(dir, "big.json")
	testenv.SparseFile(t, big, MaxSize+1)
	exact := filepath.Join(dir, "exact.json")
	if err := os.WriteFile(exact, make([]byte, MaxSize), 0o600); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "s.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()

	cases := []struct {
		name, path string
		want       string // "" for success
		is         error
		size       int
	}{
		{"regular file", regular, "", nil, len("[alerts]\n")},
		{"exactly the limit", exact, "", nil, MaxSize},
		{"FIFO", fifo, fifo + " is not a regular file (a FIFO)", ErrNotRegular, 0},
		{"endless device", "/dev/zero", "/dev/zero is not a regular file (a character device)", ErrNotRegular, 0},
		{"folder", dir, dir + " is not a regular file (a folder)", ErrNotRegular, 0},
		{"socket", sock, "is not a regular file", nil, 0},
		{"over the limit", big, big + " is too large (1048577 bytes, limit 1 MiB)", ErrTooLarge, 0},
		{"missing", filepath.Join(dir, "nope"), "no such file", fs.ErrNotExist, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			type result struct {
				data []byte
				err  error
			}
			done := make(chan result, 1)
			go func() { data, err := Read(tc.path); done <- result{data, err} }()
			r := testenv.Await(t, done, fmt.Sprintf("Read(%s)'s return (a hang is the failure)", tc.path))
			if tc.want == "" {
				if r.err != nil || len(r.data) != tc.size {
					t.Fatalf("Read: %d bytes, %v; want %d bytes", len(r.data), r.err, tc.size)
				}
				return
			}
			if r.err == nil || !strings.Contains(r.err.Error(), tc.want) || strings.Contains(r.err.Error(), "\n") {
				t.Fatalf("Read error %v, want one line containing %q", r.err, tc.want)
			}
			if tc.is != nil && !errors.Is(r.err, tc.is) {
				t.Fatalf("Read error %v does not wrap %v", r.err, tc.is)
			}
		})
	}
}

// A file that grows past the limit while it is read is refused as well:
// the limit holds on what is read, not only on the size at open.
func TestReadStopsAtTheLimit(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, make([]byte, 100), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadAtMost(p, 99); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "(100 bytes, limit 99 bytes)") {
		t.Fatalf("read over the limit: %v", err)
	}
}

// OpenAppend opens a log (creating it, or /dev/null) and refuses, at once,
// a FIFO (the plain open for writing waits for a reader for ever) or a
// folder.
func TestOpenAppend(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.log")
	testenv.FIFO(t, fifo)
	for _, tc := range []struct{ name, path, want string }{
		{"new file", filepath.Join(dir, "neckwatch.log"), ""},
		{"FIFO", fifo, fifo + " is not a regular file (a FIFO)"},
		{"folder", dir, dir + " is not a regular file (a folder)"},
		{"a log sent to /dev/null", "/dev/null", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				f, err := OpenAppend(tc.path, 0o600)
				if err == nil {
					_, err = f.WriteString("a line\n")
					f.Close()
				}
				done <- err
			}()
			err := testenv.Await(t, done, fmt.Sprintf("OpenAppend(%s)'s return (a hang is the failure)", tc.path))
			if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("OpenAppend: %v, want %q", err, tc.want)
			}
		})
	}
}
