package config

import (
	"errors"
	"time"

	"github.com/neckwatch/neckwatch/calibration"
	"github.com/neckwatch/neckwatch/posture"
)

// Overrides are the command line's values for configuration keys. Apply
// lays them over the file: a field left empty (false, nil) keeps its key
// as the file, or the default, has it. Every command that reads the
// configuration takes its flags through one Overrides, so a flag means the
// same, and is checked the same, wherever it is given.
type Overrides struct {
	Source      string // --source: camera.source
	View        string // --view: camera.view, "auto", "front" or "side"
	Profile     string // --profile: camera.profile, instead of the file's camera.calibration
	Calibration string // --calibration: camera.calibration, instead of the file's camera.profile
	ModelsDir   string // --models: camera.models_dir
	// AccurateFace is --accurate-face (camera.accurate_face) when given.
	AccurateFace *bool
	KeepOpen     bool   // --keep-open turns sampling.keep_open on
	Tray         bool   // --tray turns desktop.tray on
	LogLevel     string // --log-level: log.level
	// Onset, Cooldown and LoadBudget are --alert-onset, --alert-cooldown
	// and --break-budget as written ("50s").
	Onset, Cooldown, LoadBudget string
}

// Apply lays o over c, read from file (its name is for messages) with the
// keys set that the file sets (LoadKeys), and checks the result. A mistake
// in a flag names the flag and its value ("--alert-onset 3s: must be
// between 5s and 30m"), not a file the user may not have; a key that no
// one set and whose default no longer fits one that was set is fitted to
// it (FitDerived). It returns the keys set by the file or a flag.
func (c *Config) Apply(o Overrides, file string, set []string) ([]string, error) {
	if o.Profile != "" && o.Calibration != "" {
		return set, errors.New("give --profile or --calibration, not both")
	}
	flags := map[string]string{} // key -> the flag that set it
	str := func(key, flag, v string, dst *string) {
		if v != "" {
			*dst, flags[key] = v, flag
		}
	}
	cam := &c.Camera
	str("camera.source", "--source", o.Source, &cam.Source)
	if o.View != "" {
		// An unknown view is left for the check below to name.
		cam.View, flags["camera.view"] = posture.View(o.View), "--view"
	}
	if o.Profile != "" {
		cam.Profile, cam.Calibration, flags["camera.profile"] = o.Profile, "", "--profile"
	}
	if o.Calibration != "" {
		cam.Calibration, cam.Profile, flags["camera.calibration"] = o.Calibration, calibration.DefaultProfile, "--calibration"
	}
	str("camera.models_dir", "--models", o.ModelsDir, &cam.ModelsDir)
	if o.AccurateFace != nil {
		cam.AccurateFace, flags["camera.accurate_face"] = *o.AccurateFace, "--accurate-face"
	}
	if o.KeepOpen {
		c.Sampling.KeepOpen, flags["sampling.keep_open"] = true, "--keep-open"
	}
	if o.Tray {
		c.Desktop.Tray, flags["desktop.tray"] = true, "--tray"
	}
	str("log.level", "--log-level", o.LogLevel, &c.Log.Level)
	for _, d := range []struct {
		flag, key, val string
		dst            *time.Duration
	}{
		{"--alert-onset", "alerts.onset", o.Onset, &c.Alerts.Onset},
		{"--alert-cooldown", "alerts.cooldown", o.Cooldown, &c.Alerts.Cooldown},
		{"--break-budget", "alerts.load_budget", o.LoadBudget, &c.Alerts.LoadBudget},
	} {
		if d.val == "" {
			continue
		}
		v, err := parseDuration(d.val)
		if err != nil {
			return set, errors.New(d.flag + " " + d.val + ": " + err.Error())
		}
		*d.dst, flags[d.key] = v, d.flag
	}
	set = append([]string(nil), set...)
	for _, t := range tables {
		for _, k := range t.keys {
			if _, ok := flags[k.String()]; ok {
				set = append(set, k.String())
			}
		}
	}
	c.FitDerived(set)
	return set, c.validateFlags(file, flags)
}
