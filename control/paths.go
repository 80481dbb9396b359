package control

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/neckwatch/neckwatch/internal/xdg"
)

// File names inside the runtime directory.
const (
	SocketName = "control.sock"
	LockName   = "daemon.lock"
)

// Dir returns the per-user runtime directory for the socket and lock
// (xdg.RuntimeDir). It does not create the directory; see [EnsureDir].
func Dir() string { return xdg.RuntimeDir() }

// SocketPath returns the default control socket path, <Dir()>/control.sock.
func SocketPath() string { return filepath.Join(Dir(), SocketName) }

// EnsureDir creates dir with mode 0700 if needed and makes sure it is a
// real directory owned by the current user and not accessible to others.
// The ownership check matters for the os.TempDir fallback: another user
// could have created neckwatch-<uid> in the shared /tmp first to snoop on
// or hijack the socket.
func EnsureDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create runtime directory %s: %w", dir, err)
	}
	st, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("check runtime directory %s: %w", dir, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("runtime directory %s is not a directory", dir)
	}
	if uid, ok := fileOwner(st); ok && uid != os.Getuid() {
		return fmt.Errorf("runtime directory %s belongs to uid %d, not to you (uid %d); remove it or set XDG_RUNTIME_DIR", dir, uid, os.Getuid())
	}
	// MkdirAll is subject to the umask and leaves an existing directory's
	// mode alone, so tighten it explicitly.
	if st.Mode().Perm() != 0o700 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("restrict runtime directory %s to 0700: %w", dir, err)
		}
	}
	return nil
}

// ErrNotRunning is wrapped by the client's error when no daemon listens on
// the socket. Test for it with errors.Is.
var ErrNotRunning = errors.New("neckwatch is not running")

// ErrAlreadyRunning is wrapped by Lock's error when another daemon holds
// the instance lock. Test for it with errors.Is.
var ErrAlreadyRunning = errors.New("neckwatch is already running")

// NotRunningError says no daemon listens at Path. It unwraps to
// ErrNotRunning.
type NotRunningError struct {
	Path string
	Err  error // the underlying dial error
}

func (e *NotRunningError) Error() string {
	return fmt.Sprintf("neckwatch is not running (no daemon at %s): start it with `neckwatch run`", e.Path)
}

// Unwrap returns ErrNotRunning and the dial error.
func (e *NotRunningError) Unwrap() []error { return []error{ErrNotRunning, e.Err} }
