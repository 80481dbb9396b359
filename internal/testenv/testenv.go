// Package testenv finds the real test assets (photos, models) for tests in
// any package. Missing assets fail the test rather than skip it: a suite
// that silently skips would pass in CI while testing nothing.
package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// RepoRoot returns the directory holding go.mod, found by walking up from
// the working directory (go test runs in the package's directory).
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("testenv: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Testdata returns the directory with the real photos (frontal/, side/):
// $NECKWATCH_TESTDATA, else ../shared/testdata beside the repository.
func Testdata(t testing.TB) string {
	t.Helper()
	dir, from := os.Getenv("NECKWATCH_TESTDATA"), "$NECKWATCH_TESTDATA"
	if dir == "" {
		dir, from = filepath.Join(RepoRoot(t), "..", "shared", "testdata"), "the default ../shared/testdata"
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	for _, sub := range []string{"frontal", "side"} {
		if fi, err := os.Stat(filepath.Join(abs, sub)); err != nil || !fi.IsDir() {
			t.Fatalf("test photos not found: no %s/ in %s (from %s); run `make testdata` or set NECKWATCH_TESTDATA to the folder holding frontal/ and side/", sub, abs, from)
		}
	}
	return abs
}

// Photo returns the path of one photo, e.g. Photo(t, "frontal/gocv_face.jpg").
func Photo(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(Testdata(t), rel)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("test photo %s missing: run `make testdata`", p)
	}
	return p
}

// ModelDir returns the repository's models/data, where `make models` puts
// the model files; the vision pipeline also looks there when the test
// binary has no embedded models.
func ModelDir(t testing.TB) string {
	t.Helper()
	return filepath.Join(RepoRoot(t), "models", "data")
}
