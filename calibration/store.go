// Package calibration stores baseline profiles: one JSON file per named
// profile ("desk", "laptop") in the user's config directory, written
// atomically so a crash never leaves half a calibration.
//
// It must not import vision or daemon: frames reach it as landmarks.
package calibration

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"

	"github.com/neckwatch/neckwatch/internal/atomicfile"
	"github.com/neckwatch/neckwatch/internal/regularfile"
	"github.com/neckwatch/neckwatch/posture"

	"github.com/neckwatch/neckwatch/internal/xdg"
)

// DefaultProfile is the profile used when none is named.
const DefaultProfile = "default"

var profileName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$`)

// ErrNotFound is wrapped when a named profile has not been calibrated.
var ErrNotFound = errors.New("profile not calibrated")

// ConfigDir returns neckwatch's configuration directory: $XDG_CONFIG_HOME/
// neckwatch on Linux (~/.config/neckwatch), the platform's equivalent
// elsewhere.
func ConfigDir() (string, error) { return xdg.ConfigDir() }

// ValidateName checks a profile name.
func ValidateName(name string) error {
	if !profileName.MatchString(name) {
		return fmt.Errorf("profile name %q: use 1-40 letters, digits, '.', '_' or '-'", name)
	}
	return nil
}

// ProfilePath returns the file a named profile is stored in.
func ProfilePath(name string) (string, error) {
	if err := ValidateName(name); err != nil {
		return "", err
	}
	dir, err := ConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "profiles", name+".json"), nil
}

// Save writes b to path atomically (owner-only permissions: a baseline is
// personal data).
//
// A calibration already at path is kept as a dated backup beside it (see
// Backups; the last KeepBackups are kept), so that a bad recalibration,
// or several, can be undone with Restore; the backup's name is returned
// ("" when there was none). A file at path that is not a neckwatch
// calibration is never replaced.
func Save(path string, b posture.Baseline) (backup string, err error) {
	data, err := posture.MarshalBaseline(b)
	if err != nil {
		return "", fmt.Errorf("encode calibration: %w", err)
	}
	old, err := regularfile.Read(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return "", fmt.Errorf("read %s: %w", path, err)
	case !isCalibration(old):
		return "", fmt.Errorf("%s exists and is not a neckwatch calibration: choose another file", path)
	default:
		if backup, err = keepBackup(path, old); err != nil {
			return "", fmt.Errorf("keep the previous calibration: %w", err)
		}
	}
	return backup, atomicfile.Write(path, data, 0o600, 0o700)
}

// isCalibration reports whether data is a neckwatch calibration of any
// format version (an old one is still the user's, worth a backup).
func isCalibration(data []byte) bool {
	var head struct {
		Version *int    `json:"version"`
		View    *string `json:"view"`
	}
	return json.Unmarshal(data, &head) == nil && head.Version != nil && head.View != nil
}

// Load reads and validates a calibration file (a bounded regular file,
// every number in a plausible range: CheckPlausible).
func Load(path string) (posture.Baseline, error) {
	data, err := regularfile.Read(path)
	if err != nil {
		if fi, serr := os.Stat(path); serr == nil && fi.IsDir() {
			return posture.Baseline{}, fmt.Errorf("calibration %s is not a regular file: it is a folder, not a calibration file", path)
		}
		if errors.Is(err, regularfile.ErrNotRegular) || errors.Is(err, regularfile.ErrTooLarge) {
			return posture.Baseline{}, fmt.Errorf("calibration %w", err)
		}
		return posture.Baseline{}, readError(path, err)
	}
	b, err := posture.UnmarshalBaseline(data)
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	if errors.As(err, &syntax) || errors.As(err, &typ) || errors.Is(err, io.ErrUnexpectedEOF) {
		// The decoder's words ("invalid character 'r' looking for
		// beginning of value") tell the user nothing more.
		return b, fmt.Errorf("calibration %s: not a neckwatch calibration file", path)
	}
	if err != nil {
		return b, fmt.Errorf("calibration %s: %w", path, err)
	}
	if err := CheckPlausible(b); err != nil {
		return posture.Baseline{}, fmt.Errorf("calibration %s: %w: recalibrate, or restore the file", path, err)
	}
	return b, nil
}

// notFoundError is a missing calibration: its message is worded for the
// user and errors.Is matches ErrNotFound without repeating its text.
type notFoundError struct{ msg string }

func (e *notFoundError) Error() string { return e.msg }
func (e *notFoundError) Unwrap() error { return ErrNotFound }

// readError says why the calibration file at path could not be read, in
// one clause: missing, a folder, or the system's reason without the path
// said twice.
func readError(path string, err error) error {
	var pe *fs.PathError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &notFoundError{fmt.Sprintf("calibration file %s: no such file", path)}
	case errors.Is(err, syscall.EISDIR):
		return fmt.Errorf("calibration %s is a folder, not a calibration file", path)
	case errors.As(err, &pe):
		return fmt.Errorf("calibration %s: cannot read it: %w", path, pe.Err)
	}
	return fmt.Errorf("calibration %s: cannot read it: %w", path, err)
}

// LoadProfile reads a named profile.
func LoadProfile(name string) (posture.Baseline, string, error) {
	p, err := ProfilePath(name)
	if err != nil {
		return posture.Baseline{}, "", err
	}
	b, err := Load(p)
	if errors.Is(err, ErrNotFound) {
		return b, p, &notFoundError{fmt.Sprintf("profile %q is not calibrated yet: sit upright and run `neckwatch calibrate --profile %s`", name, name)}
	}
	return b, p, err
}

// Profiles lists the calibrated profile names, sorted.
func Profiles() ([]string, error) {
	dir, err := ConfigDir()
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(filepath.Join(dir, "profiles"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list profiles: %w", err)
	}
	var names []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".json"); ok && !e.IsDir() && ValidateName(n) == nil {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names, nil
}
