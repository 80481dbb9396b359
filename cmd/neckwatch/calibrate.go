package main

import (
	"fmt"
	"io"
	"math"
	"time"

	"github.com/neckwatch/neckwatch/analysis"
	"github.com/neckwatch/neckwatch/calibration"
	"github.com/neckwatch/neckwatch/landmark"
	"github.com/neckwatch/neckwatch/posture"
	"github.com/neckwatch/neckwatch/vision"
)

const calibrateUsage = `Usage: neckwatch calibrate --source SRC [--view auto|front|side] [--profile NAME | --out FILE] [--config FILE]

Sit upright, as you mean to sit, and run this: it samples a few seconds
of a camera (or every frame of a video, image or folder), drops frames
without a confident face, and stores the medians as your baseline. Later
checks compare against it. Use a profile per setup (--profile desk,
--profile laptop). Without --profile or --out the baseline goes where run
reads it: the configuration file's camera.calibration, else its
camera.profile ("default" unless set). The file's other [camera] keys,
[thresholds] and sampling.settle apply as they do for run; flags override
them.
`

func runCalibrate(args []string, stdout, stderr io.Writer) error {
	var pf pipelineFlags
	var profile, out string
	var seconds float64
	fs := newFlagSet("calibrate", calibrateUsage, stdout)
	pf.register(fs)
	fs.StringVar(&profile, "profile", "", "profile name to store the baseline under (default from config: camera.profile, 'default')")
	fs.StringVar(&out, "out", "", "write the baseline to this file instead of a profile")
	fs.Float64Var(&seconds, "seconds", 4, "how long to sample a camera source")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if profile != "" && out != "" {
		return usagef("give --profile or --out, not both")
	}
	cfg, err := pf.configure()
	if err != nil {
		return err
	}
	if seconds <= 0 {
		return usagef("--seconds must be positive")
	}
	if profile != "" {
		if err := calibration.ValidateName(profile); err != nil {
			return usageError{err.Error()}
		}
	}
	path := out
	switch {
	case path != "":
	case profile == "" && cfg.Camera.Calibration != "":
		path = cfg.Camera.Calibration
	default:
		if profile == "" {
			profile = cfg.Camera.Profile
		}
		if path, err = calibration.ProfilePath(profile); err != nil {
			return err
		}
	}
	cls, err := pf.classifier(cfg, nil)
	if err != nil {
		return err
	}
	view, settle := cfg.Camera.View, cfg.Sampling.Settle

	src, pipe, err := open(cfg.Camera)
	if err != nil {
		return err
	}
	defer src.Close()
	defer pipe.Close()

	info := src.Describe()
	camera := info.Kind == vision.SourceCamera
	// A camera's first frames are dark or blurred while exposure settles
	// (sampling.settle).
	if camera {
		fmt.Fprintf(stderr, "Sit upright and look at the screen: sampling %.0f s...\n", seconds)
	}
	var frames []landmark.Frame
	skipped := 0
	err = analysis.Each(src, pipe, cls, func(r analysis.Result) error {
		if r.Err != nil {
			skipped++
			return nil
		}
		if camera && r.Info.Time < settle {
			return nil
		}
		frames = append(frames, r.Landmarks)
		if camera && r.Info.Time > settle+time.Duration(seconds*float64(time.Second)) {
			return analysis.ErrStop
		}
		return nil
	})
	src.Close() // release the camera before writing anything
	if err != nil {
		return err
	}
	b, backup, err := calibration.Create(path, view, frames, cls.Camera, calibration.Meta{Source: cfg.Camera.Source, Profile: profile, Rejected: skipped})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Calibrated from %d frames (%d rejected); saved %s\n", b.Frames, b.Rejected, path)
	if backup != "" {
		fmt.Fprintf(stdout, "The previous calibration is kept as %s (move it back to undo).\n", backup)
	}
	describeBaseline(stdout, b, cls)
	return nil
}

// describeBaseline previews what the baseline means: users asked to see the
// calibrated limits before trusting them.
func describeBaseline(w io.Writer, b posture.Baseline, cls *posture.Classifier) {
	t := cls.Thresholds
	if b.View == posture.Side {
		fmt.Fprintf(w, "Upright ear-shoulder angle %.0f°, torso %.0f° from vertical.\n", b.NeckAngleDeg, b.TorsoForwardDeg)
		fmt.Fprintf(w, "Flagged: ear-shoulder angle under %.0f°, torso over %.0f° forward, head over %.0f° down.\n",
			t.SideNeckStartDeg, t.SideTorsoStartDeg, t.SideFlexionStartDeg)
		return
	}
	fmt.Fprintf(w, "Head about %.0f cm from the camera, seen %.0f° from the %s; head pitch %.0f°, roll %.0f° as the camera sees it.\n",
		b.HeadDistCM, math.Abs(b.YawDeg), sideWord(b.YawDeg), wholeDeg(b.PitchDeg), wholeDeg(b.RollDeg))
	if b.Shoulders {
		fmt.Fprintf(w, "Shoulders visible: eyes %.2f shoulder widths above the shoulder line.\n", b.EyeHeight)
	} else {
		fmt.Fprintln(w, "Shoulders were not visible: forward head is judged from the face alone (tilt the screen or camera down to show your shoulders for better results).")
	}
	fmt.Fprintf(w, "Flagged: head more than %.1f cm forward, more than %.0f cm lower, tilted more than %.0f° down or %.0f° sideways.\n",
		t.ForwardStartCM, t.DropStart*cls.Camera.EyeDistanceCM, t.PitchStartDeg, t.RollStartDeg)
}

// sideWord says which side of the user the camera sits on, from the
// head's yaw as the camera sees it.
func sideWord(yawDeg float64) string {
	switch {
	case yawDeg > 3:
		return "right"
	case yawDeg < -3:
		return "left"
	}
	return "front"
}

// wholeDeg rounds an angle for display, without a "-0".
func wholeDeg(v float64) float64 {
	r := math.Round(v)
	if r == 0 {
		return 0
	}
	return r
}
