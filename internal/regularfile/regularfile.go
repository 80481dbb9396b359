// Package regularfile is the one way neckwatch reads its own small files
// (the configuration, calibration profiles, the alert policy's day state,
// the unwritten history): only a regular file of bounded size is read, so
// that a FIFO, a device such as /dev/zero, a folder or a runaway file in
// their place gives one clear line at once instead of a hang or a process
// that grows without end.
package regularfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// MaxSize is the largest file Read accepts: far above the configuration
// and state files neckwatch writes (a calibration is about 1 KiB, a day's
// state a few hundred bytes). ReadAtMost takes another limit, for the one
// file that can be bigger (the unwritten history, up to about 2.6 MiB).
const MaxSize = 1 << 20

// ErrNotRegular and ErrTooLarge are wrapped by Read's errors.
var (
	ErrNotRegular = errors.New("not a regular file")
	ErrTooLarge   = errors.New("too large")
)

// Read returns the content of the regular file at path, at most MaxSize
// bytes. It never blocks on a FIFO (the file is opened non-blocking and
// checked on the opened descriptor, so it cannot be swapped in between),
// and refuses anything but a regular file with "PATH is not a regular
// file" and a file over the limit with "PATH is too large (N bytes, limit
// 1 MiB)". A missing file gives an error that wraps fs.ErrNotExist.
func Read(path string) ([]byte, error) { return ReadAtMost(path, MaxSize) }

// ReadAtMost is Read with a limit of its own, in bytes.
func ReadAtMost(path string, limit int64) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if st.Size() > limit {
		return nil, tooLarge(path, st.Size(), limit)
	}
	// The size can grow while it is read: read one byte past the limit to
	// notice.
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, tooLarge(path, int64(len(data)), limit)
	}
	return data, nil
}

// Open opens the regular file at path for reading, never blocking (on a
// FIFO), and refuses anything else with "PATH is not a regular file": for
// a file read in part (the end of a log), where Read's limit on the whole
// does not fit.
func Open(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		// A socket cannot be opened at all (ENXIO): say what it is.
		if st, serr := os.Stat(path); serr == nil && !st.Mode().IsRegular() {
			return nil, notRegular(path, st.Mode())
		}
		return nil, err // *fs.PathError: "open PATH: no such file or directory"
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, notRegular(path, st.Mode())
	}
	return f, nil
}

func notRegular(path string, m fs.FileMode) error {
	return fmt.Errorf("%s is %w (%s): use a file", path, ErrNotRegular, kind(m))
}

func tooLarge(path string, n, limit int64) error {
	return fmt.Errorf("%s is %w (%d bytes, limit %s)", path, ErrTooLarge, n, sizeText(limit))
}

func sizeText(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// kind names what a non-regular file is, for the error.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a plain file"
}

// OpenAppend opens the regular file at path for appending, creating it
// with perm: a log. A FIFO in its place would block the open until some
// program reads it; it is refused at once instead ("PATH is not a regular
// file (a FIFO)"), as are a folder and a socket. A character device is
// taken (a log linked to /dev/null: writing to it never waits).
func OpenAppend(path string, perm os.FileMode) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND|syscall.O_NONBLOCK|syscall.O_NOCTTY, perm)
	if err != nil {
		// A FIFO without a reader cannot be opened for writing without
		// blocking (ENXIO), nor can a socket: say what it is.
		if st, serr := os.Stat(path); serr == nil && !st.Mode().IsRegular() {
			return nil, notRegular(path, st.Mode())
		}
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if m := st.Mode(); !m.IsRegular() && m&fs.ModeCharDevice == 0 {
		f.Close()
		return nil, notRegular(path, m)
	}
	return f, nil
}
