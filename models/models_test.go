package models

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestVerify(t *testing.T) {
	if err := Verify(YuNet, []byte("not the model")); !errors.Is(err, ErrChecksum) || !strings.Contains(err.Error(), YuNet.SHA256) {
		t.Fatalf("wrong bytes: %v", err)
	}
}

func TestLoadFindsEveryModelVerified(t *testing.T) {
	for _, spec := range All {
		b, src, err := Load(spec, filepath.Join("data"))
		if err != nil {
			t.Fatalf("%s: %v (run `make models`)", spec.Name, err)
		}
		if int64(len(b)) != spec.Bytes {
			t.Errorf("%s: %d bytes from %s, want %d", spec.Name, len(b), src, spec.Bytes)
		}
	}
}

func TestLoadFromDirectory(t *testing.T) {
	// A spec that is never embedded exercises the directory lookup.
	good := []byte("weights")
	sum := sha256.Sum256(good)
	spec := Spec{Name: "extra.onnx", SHA256: hex.EncodeToString(sum[:]), Bytes: int64(len(good)), Role: "test"}
	dir := t.TempDir()
	if _, _, err := Load(spec, dir); !errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), "make models") {
		t.Fatalf("missing file: %v", err)
	}
	os.WriteFile(filepath.Join(dir, spec.Name), []byte("truncated"), 0o600)
	if _, _, err := Load(spec, dir); !errors.Is(err, ErrChecksum) || !strings.Contains(err.Error(), "make models") {
		t.Fatalf("corrupt file: %v", err)
	}
	os.WriteFile(filepath.Join(dir, spec.Name), good, 0o600)
	b, src, err := Load(spec, dir)
	if err != nil || string(b) != "weights" || src.Embedded || src.Path != filepath.Join(dir, spec.Name) {
		t.Fatalf("good file: %q %v %v", b, src, err)
	}
}
