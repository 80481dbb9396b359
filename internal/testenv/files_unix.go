//go:build unix

package testenv

import (
	"os"
	"syscall"
	"testing"
)

// FIFO makes a named pipe at path: a file a plain read would wait on for
// ever, the case the bounded reader must refuse at once.
func FIFO(t testing.TB, path string) string {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// SparseFile makes a file of size bytes at path that takes no disk space.
func SparseFile(t testing.TB, path string, size int64) string {
	t.Helper()
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, size); err != nil {
		t.Fatal(err)
	}
	return path
}
