package main

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadOnlyCommandsCreateNothing: report, journal list and history
// export read the history; a database that is not there is an error and
// nothing is created (no data folder, no empty database, no folder named
// by --db); a file that is not a neckwatch history is said to be one, and
// left as it was (issue 15 item 3).
func TestReadOnlyCommandsCreateNothing(t *testing.T) {
	readers := [][]string{
		{"report"}, {"report", "--dismissed"}, {"report", "--weekly"},
		{"journal", "list"}, {"history", "export"}, {"history", "export", "--format", "json"},
	}
	foreignDB := filepath.Join(t.TempDir(), "other.db")
	other, err := sql.Open("sqlite", foreignDB)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Exec("CREATE TABLE notes (x TEXT)"); err != nil {
		t.Fatal(err)
	}
	other.Close()
	files := []struct {
		name, path string
		want       string
	}{
		{"text file", writeFile(t, "passwd", "root:x:0:0:root:/root:/bin/bash\n"), "is not a neckwatch history database (not an SQLite database)"},
		{"empty file", writeFile(t, "empty.db", ""), "is not a neckwatch history database (not an SQLite database)"},
		{"another program's database", foreignDB, "is not a neckwatch history database (an SQLite database without neckwatch's tables)"},
		{"a folder", t.TempDir(), "is not a neckwatch history database (not a regular file)"},
	}
	for _, args := range readers {
		name := strings.Join(args, " ")
		t.Run(name+"/default path missing", func(t *testing.T) {
			db := isolateData(t)
			code, out, stderr := runCLI(t, args...)
			if code != 1 || !strings.Contains(stderr, "no posture history at "+db+": the file does not exist") || out != "" {
				t.Errorf("exit %d, stdout %q, stderr %q", code, out, stderr)
			}
			if _, err := os.Stat(filepath.Dir(db)); !os.IsNotExist(err) {
				t.Errorf("%s created the data folder %s (%v)", name, filepath.Dir(db), err)
			}
		})
		t.Run(name+"/--db in a missing folder", func(t *testing.T) {
			isolateData(t)
			db := filepath.Join(t.TempDir(), "nonexist", "h.db")
			code, _, stderr := runCLI(t, append(args, "--db", db)...)
			if code != 1 || !strings.Contains(stderr, "no posture history at "+db) {
				t.Errorf("exit %d, stderr %q", code, stderr)
			}
			if _, err := os.Stat(filepath.Dir(db)); !os.IsNotExist(err) {
				t.Errorf("%s created %s (%v)", name, filepath.Dir(db), err)
			}
		})
		for _, f := range files {
			t.Run(name+"/"+f.name, func(t *testing.T) {
				isolateData(t)
				before := snapshot(t, f.path)
				code, _, stderr := runCLI(t, append(args, "--db", f.path)...)
				if code != 1 || !strings.Contains(stderr, f.path+" "+f.want) || strings.Contains(stderr, "rename") || strings.Contains(stderr, "corrupt") {
					t.Errorf("exit %d, stderr %q; want %q", code, stderr, f.want)
				}
				if after := snapshot(t, f.path); !bytes.Equal(before, after) {
					t.Errorf("%s changed %s", name, f.path)
				}
				for _, side := range []string{"-wal", "-shm", "-journal"} {
					if _, err := os.Stat(f.path + side); err == nil {
						t.Errorf("%s left %s%s behind", name, f.path, side)
					}
				}
			})
		}
	}
}

// snapshot is a file's bytes, or a folder's listing.
func snapshot(t *testing.T, path string) []byte {
	t.Helper()
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		es, err := os.ReadDir(path)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		for _, e := range es {
			b.WriteString(e.Name() + "\n")
		}
		return b.Bytes()
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
