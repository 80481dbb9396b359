package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/neckwatch/neckwatch/calibration"
	"github.com/neckwatch/neckwatch/internal/atomicfile"
)

// checkOutput decides, before anything is computed or written, whether a
// command may write the file named by flag: never the history database
// (or its write-ahead files) or a calibration profile, whatever --force
// says; an existing file only with --force. The user's data is not lost to
// a mistyped --out.
func checkOutput(flag, path string, force bool, historyDB string) error {
	if path == "" {
		return nil
	}
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		dir := filepath.Dir(path)
		if di, err := os.Stat(dir); err != nil {
			return usagef("%s %s: there is no folder %s: create it first, or choose another place", flag, path, dir)
		} else if !di.IsDir() {
			return usagef("%s %s: %s is not a folder", flag, path, dir)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", flag, path, err)
	}
	if fi.IsDir() {
		return usagef("%s %s is a folder: give a file name", flag, path)
	}
	if historyDB != "" {
		for _, p := range []string{historyDB, historyDB + "-wal", historyDB + "-shm"} {
			if other, err := os.Stat(p); err == nil && os.SameFile(fi, other) {
				return usagef("%s %s is the history database: choose another file", flag, path)
			}
		}
	}
	if dir, err := calibration.ConfigDir(); err == nil {
		if abs, err := filepath.Abs(path); err == nil && filepath.Dir(abs) == filepath.Join(dir, "profiles") {
			return usagef("%s %s is a calibration profile: choose another file", flag, path)
		}
	}
	if _, err := calibration.Load(path); err == nil {
		return usagef("%s %s is a calibration file: choose another file", flag, path)
	}
	if !force {
		return usagef("%s %s already exists: pass --force to replace it, or choose another file", flag, path)
	}
	return nil
}

// writeOutput writes data to path atomically; an existing file is
// replaced only when force is set (checkOutput said so beforehand; the
// no-replace write still refuses a file that appeared meanwhile).
func writeOutput(path string, data []byte, force bool) error {
	if force {
		return outputError(path, atomicfile.Write(path, data, 0o600, 0o700))
	}
	err := atomicfile.WriteNew(path, data, 0o600, 0o700)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%s appeared while writing it: nothing was replaced; pass --force to replace it", path)
	}
	return outputError(path, err)
}

// outputError says why path could not be written in the user's terms: the
// system's reason, without the name of the temporary file it was being
// written to first.
func outputError(path string, err error) error {
	var pe *fs.PathError
	if err == nil || !errors.As(err, &pe) {
		return err
	}
	return fmt.Errorf("cannot write %s: %v", path, pe.Err)
}
