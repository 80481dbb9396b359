package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteReplacesAndLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sub", "f.json")
	for _, content := range []string{"first", "second"} {
		if err := Write(p, []byte(content), 0o600, 0o700); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(p)
		if err != nil || string(got) != content {
			t.Fatalf("read back %q, %v; want %q", got, err, content)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 {
		t.Fatalf("want only the target file, got %d entries", len(entries))
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", st.Mode().Perm())
	}
}

func TestWriteFailureKeepsOldContent(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	if err := Write(p, []byte("old"), 0o600, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o700)
	if os.Getuid() == 0 {
		t.Skip("root ignores directory permissions")
	}
	if err := Write(p, []byte("new"), 0o600, 0o700); err == nil {
		t.Fatal("want an error writing into a read-only directory")
	}
	got, _ := os.ReadFile(p)
	if string(got) != "old" {
		t.Fatalf("old content lost: %q", got)
	}
}

// WriteNew creates a file but never replaces one: the second write fails
// with os.ErrExist, leaves the first content and no temporary file.
func TestWriteNewNeverReplaces(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sub", "out.csv")
	if err := WriteNew(p, []byte("first"), 0o600, 0o700); err != nil {
		t.Fatal(err)
	}
	err := WriteNew(p, []byte("second"), 0o600, 0o700)
	if !errors.Is(err, os.ErrExist) {
		t.Fatalf("second WriteNew: %v, want os.ErrExist", err)
	}
	if got, _ := os.ReadFile(p); string(got) != "first" {
		t.Fatalf("content %q, want the first write's", got)
	}
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 {
		t.Fatalf("%d files in the directory, want only the output (no temporary left)", len(entries))
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
}

// The directory is synced after the new name is in place (a rename is a
// change to the directory: without its fsync a power cut after "saved"
// can bring back the old file or none), by Write and WriteNew alike, and
// a failed sync is reported, not taken for success.
func TestWriteSyncsTheDirectoryAfterTheRename(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(path string, data []byte, perm, dirPerm os.FileMode) error
	}{{"Write", Write}, {"WriteNew", WriteNew}} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "sub", "profile.json")
			var synced []string
			real := syncDir
			t.Cleanup(func() { syncDir = real })
			syncDir = func(dir string) error {
				got, err := os.ReadFile(p)
				if err != nil || string(got) != "new" {
					t.Errorf("directory synced before the new file was in place: %q, %v", got, err)
				}
				synced = append(synced, dir)
				return real(dir) // the real fsync works on a directory
			}
			if err := tc.write(p, []byte("new"), 0o600, 0o700); err != nil {
				t.Fatal(err)
			}
			if len(synced) != 1 || synced[0] != filepath.Dir(p) {
				t.Fatalf("directories synced: %v, want once %s", synced, filepath.Dir(p))
			}

			syncDir = func(string) error { return errors.New("input/output error") }
			err := Write(p, []byte("newer"), 0o600, 0o700)
			if err == nil || !strings.Contains(err.Error(), "sync directory") {
				t.Fatalf("a failed directory sync: %v, want an error", err)
			}
		})
	}
}
