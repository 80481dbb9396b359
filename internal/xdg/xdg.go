// Package xdg resolves neckwatch's per-user directories following the XDG
// base directory specification on Linux: state (policy state, logs of a
// detached daemon) and data (the posture history).
package xdg

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
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

// ConfigDir is neckwatch's configuration directory: $XDG_CONFIG_HOME/
// neckwatch on Linux (~/.config/neckwatch), the platform's equivalent
// elsewhere (os.UserConfigDir).
func ConfigDir() (string, error) {
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find config directory: %w (set XDG_CONFIG_HOME or HOME)", err)
	}
	return filepath.Join(d, "neckwatch"), nil
}

// RuntimeDir is the per-user runtime directory for the control socket and
// the instance lock: $XDG_RUNTIME_DIR/neckwatch, or <os.TempDir()>/
// neckwatch-<uid> when XDG_RUNTIME_DIR is unset (e.g. over ssh without a
// logind session). The spec says a relative XDG_RUNTIME_DIR is invalid and
// must be ignored: honouring it would put the socket wherever the daemon
// was started from.
func RuntimeDir() string {
	if rt := os.Getenv("XDG_RUNTIME_DIR"); rt != "" && filepath.IsAbs(rt) {
		return filepath.Join(rt, "neckwatch")
	}
	return filepath.Join(os.TempDir(), "neckwatch-"+strconv.Itoa(os.Getuid()))
}
