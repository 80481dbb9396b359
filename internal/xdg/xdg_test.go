package xdg

import (
	"path/filepath"
	"testing"
)

func TestDirs(t *testing.T) {
	t.Setenv("HOME", "/home/u")
	t.Setenv("XDG_STATE_HOME", "")
	t.Setenv("XDG_DATA_HOME", "relative/is/ignored")
	cases := []struct {
		name string
		fn   func() (string, error)
		want string
	}{
		{"state default", StateDir, "/home/u/.local/state/neckwatch"},
		{"data ignores a relative XDG_DATA_HOME", DataDir, "/home/u/.local/share/neckwatch"},
	}
	for _, tc := range cases {
		got, err := tc.fn()
		if err != nil || got != tc.want {
			t.Errorf("%s: %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
	t.Setenv("XDG_STATE_HOME", "/x/state")
	if got, _ := StateDir(); got != filepath.Join("/x/state", "neckwatch") {
		t.Errorf("XDG_STATE_HOME not honoured: %q", got)
	}
}
