package calibration

import (
	"errors"
	"fmt"

	"github.com/neckwatch/neckwatch/landmark"
	"github.com/neckwatch/neckwatch/posture"
)

// Choice is what the user asked to be judged against: a calibration file,
// or a profile (the default one when neither is given), for a camera
// placement (Auto: whatever the baseline was made for).
type Choice struct {
	File    string
	Profile string
	View    posture.View
}

// Resolved is the baseline a command judges by: nil for population
// figures. Path is where it came from (or would be written); Note, when
// set, says why population figures are used although a profile was
// looked for (for the log or stderr).
type Resolved struct {
	Baseline *posture.Baseline
	Path     string
	Note     string
	// NotCalibrated: the default profile does not exist yet (the usual
	// first-run case, as opposed to one that exists but cannot be used).
	NotCalibrated bool
}

// Describe is a line on what is judged against, for the command line.
func (r Resolved) Describe() string {
	if r.Baseline == nil {
		return "population figures (not calibrated)"
	}
	return fmt.Sprintf("calibration %s (%d frames, %s)", r.Path, r.Baseline.Frames, r.Baseline.CreatedAt.Local().Format("2006-01-02 15:04"))
}

// Resolve is the one rule for choosing a baseline, used by run, check,
// calibrate and recalibrate:
//
//   - a file or a named profile the user gave must exist, be readable and
//     be for the requested view, or it is an error;
//   - the default profile is used when it is there and fits the view;
//     missing, unreadable or made for the other view, it is not an error:
//     population figures are used and Note says why.
func Resolve(c Choice) (Resolved, error) {
	if c.File != "" && c.Profile != "" && c.Profile != DefaultProfile {
		return Resolved{}, errors.New("give a calibration file or a profile, not both")
	}
	if c.File != "" {
		b, err := Load(c.File)
		if err != nil {
			return Resolved{}, err
		}
		if err := checkView(b, c.View, c.File); err != nil {
			return Resolved{}, err
		}
		return Resolved{Baseline: &b, Path: c.File}, nil
	}
	name := c.Profile
	if name == "" {
		name = DefaultProfile
	}
	if err := ValidateName(name); err != nil {
		return Resolved{}, err
	}
	b, path, err := LoadProfile(name)
	named := name != DefaultProfile
	switch {
	case err == nil && checkView(b, c.View, path) == nil:
		return Resolved{Baseline: &b, Path: path}, nil
	case named && err == nil:
		return Resolved{}, checkView(b, c.View, path)
	case named:
		return Resolved{}, err
	case err == nil:
		return Resolved{Path: path, Note: fmt.Sprintf("the default profile is for the %s view: judging against population figures; calibrate the %s view for your own baseline", b.View, c.View)}, nil
	case errors.Is(err, ErrNotFound):
		return Resolved{Path: path, NotCalibrated: true, Note: "not calibrated: judging against population figures; sit upright and run `neckwatch recalibrate` (or `neckwatch calibrate`) for your own baseline"}, nil
	}
	return Resolved{Path: path, Note: fmt.Sprintf("calibration unreadable (%v): judging against population figures until you recalibrate", err)}, nil
}

func checkView(b posture.Baseline, view posture.View, where string) error {
	if view != posture.Auto && b.View != view {
		return fmt.Errorf("calibration %s was made for the %s view, not %s: recalibrate with --view %s or pass --view %s", where, b.View, view, view, b.View)
	}
	return nil
}

// Meta is what a new baseline records about where it came from.
type Meta struct {
	Source   string // what was sampled
	Profile  string // the profile name, "" for a plain file
	Rejected int    // frames dropped before measuring (undecodable)
	// Tired are the frames of the optional second step, the user sitting
	// the way they do when tired (posture.Baseline.AddTiredPosture); none:
	// the defaults apply.
	Tired []landmark.Frame
}

// Create is the one baseline builder of calibrate and recalibrate (the
// command and the daemon's): it measures the upright frames, records
// meta, and saves the baseline to path keeping the previous one as
// a dated backup (see Save). It returns the baseline and the backup's path.
func Create(path string, view posture.View, frames []landmark.Frame, cam posture.CameraModel, meta Meta) (posture.Baseline, string, error) {
	b, err := posture.BuildBaseline(view, frames, cam)
	if errors.Is(err, posture.ErrCameraPlacement) {
		return b, "", err
	}
	if err != nil {
		return b, "", fmt.Errorf("%w: sit facing the camera with your head and shoulders in view, in good light, and try again", err)
	}
	b.Rejected += meta.Rejected
	b.Source = meta.Source
	b.Profile = meta.Profile
	if len(meta.Tired) > 0 {
		// Checked before anything is written: a refused step keeps the
		// previous calibration.
		if err := b.AddTiredFrames(meta.Tired, cam); err != nil {
			return b, "", fmt.Errorf("the tired posture: %w", err)
		}
	}
	if err := CheckPlausible(b); err != nil {
		return b, "", fmt.Errorf("the measured baseline is not usable (%w): check that the camera shows you clearly and try again", err)
	}
	backup, err := Save(path, b)
	return b, backup, err
}

// AddTired takes the optional second step on the calibration stored at
// path: frames of the user's own tired posture, measured against it, and
// saves the result keeping the previous file as path.bak (see Save). A
// refused step writes nothing.
func AddTired(path string, frames []landmark.Frame, cam posture.CameraModel) (posture.Baseline, string, error) {
	b, err := Load(path)
	if err != nil {
		return b, "", err
	}
	if err := b.AddTiredFrames(frames, cam); err != nil {
		return b, "", fmt.Errorf("the tired posture: %w", err)
	}
	backup, err := Save(path, b)
	return b, backup, err
}
