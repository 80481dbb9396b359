// Package xdg resolves neckwatch's per-user directories following the XDG
// base directory specification on Linux: state (policy state, logs of a
// detached daemon) and data (the posture history).
package xdg

import (
	"errors"
	"os"
	"path/filepath"
)

func base(env, fallback string) (string, error) {
	if d := os.Getenv(env); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "neckwatch"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return "", errors.New("cannot find the home directory: set HOME or " + env)
	}
	return filepath.Join(home, fallback, "neckwatch"), nil
}

// StateDir returns $XDG_STATE_HOME/neckwatch (~/.local/state/neckwatch).
func StateDir() (string, error) { return base("XDG_STATE_HOME", filepath.Join(".local", "state")) }

// DataDir returns $XDG_DATA_HOME/neckwatch (~/.local/share/neckwatch).
func DataDir() (string, error) { return base("XDG_DATA_HOME", filepath.Join(".local", "share")) }
