// Package atomicfile writes files so that readers see either the old
// content or the new, never half of it: the data goes to a temporary file
// in the same directory, is synced, and is renamed over the target; then
// the directory is synced too, so that the rename itself is on disk when
// Write returns and a power cut after "saved" keeps the new file.
package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Write atomically replaces path with data, creating parent directories
// with dirPerm. The file gets mode perm.
func Write(path string, data []byte, perm, dirPerm os.FileMode) error {
	return write(path, data, perm, dirPerm, true)
}

// WriteNew is Write for a path that must not exist yet: the finished file
// is linked into place, which fails if something is already there, so an
// existing file is never replaced, not even by a race. The error then
// wraps os.ErrExist.
func WriteNew(path string, data []byte, perm, dirPerm os.FileMode) error {
	return write(path, data, perm, dirPerm, false)
}

func write(path string, data []byte, perm, dirPerm os.FileMode, replace bool) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, dirPerm); err != nil {
		return fmt.Errorf("create directory %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	name := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(name)
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if replace {
		if err := os.Rename(name, path); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	} else {
		if err := os.Link(name, path); err != nil {
			if errors.Is(err, os.ErrExist) {
				return fmt.Errorf("%s already exists: %w", path, os.ErrExist)
			}
			return fmt.Errorf("write %s: %w", path, err)
		}
		os.Remove(name)
	}
	ok = true
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("write %s: sync directory %s: %w", path, dir, err)
	}
	return nil
}

// syncDir makes the directory's entries (the rename) durable; a variable
// so that a test can see it called, and when.
var syncDir = func(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
