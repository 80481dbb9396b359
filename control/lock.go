package control

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/neckwatch/neckwatch/internal/regularfile"
)

// InstanceLock is held by the running daemon so that a second `neckwatch
// run` fails fast instead of fighting over the camera and the socket. The
// lock is an flock on <dir>/daemon.lock, which the kernel drops when the
// process dies, so a crash never leaves a lock that needs cleaning up.
type InstanceLock struct {
	dir  string
	mu   sync.Mutex
	file *os.File // nil once released
}

// lockInfo is what the holder writes into the lock file so that a second
// daemon can say who is running.
type lockInfo struct {
	PID     int       `json:"pid"`
	Started time.Time `json:"started"`
}

// AlreadyRunningError says another daemon holds the instance lock. It
// unwraps to ErrAlreadyRunning.
type AlreadyRunningError struct {
	PID     int       // 0 when the holder had not yet written its pid
	Started time.Time // zero when unknown
}

func (e *AlreadyRunningError) Error() string {
	who := "pid unknown"
	if e.PID > 0 {
		who = fmt.Sprintf("pid %d", e.PID)
		if !e.Started.IsZero() {
			who += ", started " + formatStart(e.Started, time.Now())
		}
	}
	return fmt.Sprintf("neckwatch is already running (%s); stop it first or use `neckwatch status`", who)
}

// Unwrap returns ErrAlreadyRunning.
func (e *AlreadyRunningError) Unwrap() error { return ErrAlreadyRunning }

// formatStart gives HH:MM for a start today, and adds the date otherwise
// so that a daemon running for days is not mistaken for a recent one.
func formatStart(t, now time.Time) string {
	t = t.Local()
	now = now.Local()
	y, m, d := t.Date()
	ny, nm, nd := now.Date()
	if y == ny && m == nm && d == nd {
		return t.Format("15:04")
	}
	return t.Format("Jan 2 15:04")
}

// Lock takes the single-instance lock in dir (created 0700 if needed; see
// [EnsureDir]) without blocking. If another daemon holds it, the error is
// an *AlreadyRunningError wrapping ErrAlreadyRunning and naming that
// daemon's pid and start time.
//
// Holding the lock proves no other daemon is alive, so a control socket
// left in dir by a crashed daemon is removed here, before the caller
// listens.
func Lock(dir string) (*InstanceLock, error) {
	if err := EnsureDir(dir); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, LockName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open instance lock: %w", err)
	}
	locked, err := tryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if !locked {
		e := &AlreadyRunningError{}
		// The holder may not have written its info yet; then the message
		// just lacks the pid, which is better than failing differently.
		var info lockInfo
		if b, rerr := regularfile.Read(path); rerr == nil && json.Unmarshal(b, &info) == nil {
			e.PID, e.Started = info.PID, info.Started
		}
		f.Close()
		return nil, e
	}

	l := &InstanceLock{dir: dir, file: f}
	info, _ := json.Marshal(lockInfo{PID: os.Getpid(), Started: time.Now().Round(time.Second)})
	// Truncate first: the previous holder's record may be longer.
	if err := f.Truncate(0); err != nil {
		l.Release()
		return nil, fmt.Errorf("write instance lock %s: %w", path, err)
	}
	if _, err := f.WriteAt(append(info, '\n'), 0); err != nil {
		l.Release()
		return nil, fmt.Errorf("write instance lock %s: %w", path, err)
	}
	if err := removeStale(l.SocketPath()); err != nil {
		l.Release()
		return nil, err
	}
	return l, nil
}

// SocketPath returns the control socket path that belongs to this lock,
// <dir>/control.sock.
func (l *InstanceLock) SocketPath() string { return filepath.Join(l.dir, SocketName) }

// Release removes the control socket and gives up the lock. It is safe to
// call more than once. The lock file itself is kept: deleting it would let
// a daemon that opened the old file and one that creates a new file both
// think they hold the lock.
func (l *InstanceLock) Release() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.file == nil {
		return nil
	}
	var errs []error
	// Remove the socket while still holding the lock, so it cannot delete
	// the socket of a daemon that starts right after us.
	if err := os.Remove(l.SocketPath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		errs = append(errs, fmt.Errorf("remove control socket: %w", err))
	}
	// Clear our record so nobody reports a dead pid from it.
	if err := l.file.Truncate(0); err != nil {
		errs = append(errs, fmt.Errorf("clear instance lock: %w", err))
	}
	// Closing the only descriptor drops the flock.
	if err := l.file.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close instance lock: %w", err))
	}
	l.file = nil
	return errors.Join(errs...)
}

// removeStale deletes a socket file at path. It refuses to delete anything
// that is not a socket, in case the path was misconfigured to point at a
// real file.
func removeStale(path string) error {
	st, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check stale control socket %s: %w", path, err)
	}
	if st.Mode().Type() != fs.ModeSocket {
		return fmt.Errorf("%s exists and is not a socket; refusing to replace it", path)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove stale control socket %s: %w", path, err)
	}
	return nil
}
