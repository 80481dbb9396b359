package calibration

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/neckwatch/neckwatch/internal/atomicfile"
	"github.com/neckwatch/neckwatch/posture"
)

// KeepBackups is how many earlier baselines are kept beside a calibration
// file: two or three calibrations in a bad posture still leave the last
// good one.
const KeepBackups = 5

// stampLayout dates a backup by when its baseline was made (UTC), so the
// names sort in time order.
const stampLayout = "20060102T150405Z"

// Backup is an earlier baseline kept beside a calibration file, as
// FILE.<made>.bak (FILE.bak: the one backup of earlier versions).
type Backup struct {
	Path string
	// Made is when the baseline was calibrated (from the backup's name,
	// or the file's time, when it does not say).
	Made time.Time
	// Baseline is the backup's baseline; Err says why it cannot be used.
	Baseline posture.Baseline
	Err      error
}

// backupGlob matches the dated backups of path.
func backupGlob(path string) string { return escapeGlob(path) + ".*.bak" }

func escapeGlob(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`)
	return r.Replace(s)
}

// Backups lists the earlier baselines kept beside path, newest first.
func Backups(path string) ([]Backup, error) {
	names, err := filepath.Glob(backupGlob(path))
	if err != nil {
		return nil, fmt.Errorf("list the backups of %s: %w", path, err)
	}
	if _, err := os.Stat(path + ".bak"); err == nil {
		names = append(names, path+".bak")
	}
	var out []Backup
	for _, n := range names {
		fi, err := os.Stat(n)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		b := Backup{Path: n, Made: fi.ModTime()}
		stamp := strings.TrimSuffix(strings.TrimPrefix(n, path+"."), ".bak")
		stamp, _, _ = strings.Cut(stamp, "-") // a second backup of the same second
		if t, err := time.Parse(stampLayout, stamp); err == nil {
			b.Made = t
		}
		b.Baseline, b.Err = Load(n)
		if b.Err == nil && !b.Baseline.CreatedAt.IsZero() {
			b.Made = b.Baseline.CreatedAt
		}
		out = append(out, b)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Made.After(out[j].Made) })
	return out, nil
}

// made is when the calibration in data was made, or now when it does not
// say.
func made(data []byte, now time.Time) time.Time {
	var head struct {
		CreatedAt time.Time `json:"created_at"`
	}
	if json.Unmarshal(data, &head) == nil && !head.CreatedAt.IsZero() {
		return head.CreatedAt
	}
	return now
}

// keepBackup writes old (the calibration about to be replaced at path) as
// a dated backup and removes the oldest beyond KeepBackups. It returns the
// backup's path.
func keepBackup(path string, old []byte) (string, error) {
	stamp := made(old, time.Now()).UTC().Format(stampLayout)
	backup := ""
	for i := 1; ; i++ {
		backup = fmt.Sprintf("%s.%s.bak", path, stamp)
		if i > 1 {
			backup = fmt.Sprintf("%s.%s-%d.bak", path, stamp, i)
		}
		have, err := os.ReadFile(backup)
		if errors.Is(err, fs.ErrNotExist) || (err == nil && string(have) == string(old)) {
			break // free, or this very baseline already kept
		}
		if err != nil {
			return "", err
		}
	}
	if err := atomicfile.Write(backup, old, 0o600, 0o700); err != nil {
		return "", err
	}
	all, err := Backups(path)
	if err != nil {
		return backup, err
	}
	for _, b := range all[min(len(all), KeepBackups):] {
		if err := os.Remove(b.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return backup, fmt.Errorf("remove an old backup: %w", err)
		}
	}
	return backup, nil
}

// Restore makes the backup the calibration at path again (it is no
// longer a backup then). The baseline it replaces is kept as a backup in
// turn, so a restore can be undone the same way. A backup that is not a
// usable calibration is refused, and nothing changes.
func Restore(path, backup string) (kept string, err error) {
	b, err := Load(backup)
	if err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	data, err := os.ReadFile(backup)
	if err != nil {
		return "", fmt.Errorf("read backup: %w", err)
	}
	// Out of the list first, so that keeping the replaced baseline does
	// not push out one more; put back if the restore fails.
	if err := os.Remove(backup); err != nil {
		return "", fmt.Errorf("take the backup out of the list: %w", err)
	}
	kept, err = Save(path, b)
	if err != nil {
		if werr := atomicfile.Write(backup, data, 0o600, 0o700); werr != nil {
			err = errors.Join(err, fmt.Errorf("the backup %s could not be put back: %w", backup, werr))
		}
		return "", err
	}
	return kept, nil
}
