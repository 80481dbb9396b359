package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"time"

	"github.com/neckwatch/neckwatch/analysis"
	"github.com/neckwatch/neckwatch/calibration"
	"github.com/neckwatch/neckwatch/config"
	"github.com/neckwatch/neckwatch/landmark"
	"github.com/neckwatch/neckwatch/posture"
	"github.com/neckwatch/neckwatch/vision"
)

const calibrateUsage = `Usage: neckwatch calibrate --source SRC [--view auto|front|side] [--profile NAME | --out FILE] [--tired [--tired-source SRC]] [--config FILE]
       neckwatch calibrate --restore [N] [--profile NAME | --out FILE] [--config FILE]

Sit upright, as you mean to sit, and run this: it samples a few seconds
of a camera (or every frame of a video, image or folder), drops frames
without a confident face, and stores the medians as your baseline. Later
checks compare against it. Use a profile per setup (--profile desk,
--profile laptop). Without --profile or --out the baseline goes where run
reads it: the configuration file's camera.calibration, else its
camera.profile ("default" unless set). The file's other [camera] keys,
[thresholds] and sampling.settle apply as they do for run; flags override
them.

--tired adds an optional second step: after the upright seconds, sit the
way you do when you are tired (or poke your chin towards the screen) for
as long again. The direction and size of your own slouch then set where
you are flagged: halfway from your upright to it, even when each figure
moves little. From a camera the step follows on the same camera; from a
video, image or folder give the tired posture as --tired-source. Front
view only. Without it the default limits apply.

Each calibration keeps the baseline it replaces, dated, beside the file
(the last 5). --restore lists them, newest first; --restore N puts the
Nth back (and keeps the one it replaces, so a restore can be undone too).
`

func runCalibrate(args []string, stdout, stderr io.Writer) error {
	var pf pipelineFlags
	var profile, out string
	var secs float64
	var restore bool
	fs := newFlagSet("calibrate", calibrateUsage, stdout)
	pf.register(fs)
	fs.StringVar(&profile, "profile", "", "profile name to store the baseline under (default from config: camera.profile, 'default')")
	fs.StringVar(&out, "out", "", "write the baseline to this file instead of a profile")
	fs.Float64Var(&secs, "seconds", 4, "how long to sample a camera source")
	var tired bool
	var tiredSource string
	fs.BoolVar(&tired, "tired", false, "add the optional second step: your own tired posture (see above)")
	fs.StringVar(&tiredSource, "tired-source", "", "video, image or folder of your tired posture (with --tired; default: the same camera)")

	fs.BoolVar(&restore, "restore", false, "list the earlier baselines kept for the profile or file; with a number N after it, put the Nth back")
	if err := parseFlagsWithArgs(fs, args); err != nil {
		return err
	}
	if profile != "" && out != "" {
		return usagef("give --profile or --out, not both")
	}
	if restore {
		return restoreCalibration(stdout, pf.configPath, profile, out, fs.Args())
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	cfg, err := pf.configure(nil)
	if err != nil {
		return err
	}
	if secs <= 0 {
		return usagef("--seconds must be positive")
	}
	if tiredSource != "" && !tired {
		return usagef("--tired-source goes with --tired")
	}
	if tired && cfg.Camera.View == posture.Side {
		return usagef("--tired needs the front view: the side view judges absolute angles")
	}
	if profile != "" {
		if err := calibration.ValidateName(profile); err != nil {
			return usageError{err.Error()}
		}
	}
	path, profile, err := calibrationTarget(cfg, profile, out)
	if err != nil {
		return err
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
	if tired && tiredSource == "" && !camera {
		return usagef("--tired from a video, image or folder needs --tired-source with the tired posture")
	}
	if tiredSource != "" {
		if _, err := os.Stat(tiredSource); err != nil {
			return fmt.Errorf("--tired-source: %w", err)
		}
	}
	if camera {
		fmt.Fprintf(stderr, "Sit upright and look at the screen: sampling %.0f s...\n", secs)
	}
	var frames []landmark.Frame
	skipped := 0
	// A camera's first frames are dark or blurred while exposure settles
	// (sampling.settle).
	err = eachFrame(src, pipe, cls, window{settle, seconds(secs)}, stderr, func(r analysis.Result) error {
		if !usable(r) {
			skipped++
			return nil
		}
		frames = append(frames, r.Landmarks)
		return nil
	})
	var tiredFrames []landmark.Frame
	if err == nil && tired {
		tiredFrames, err = sampleTired(src, pipe, cls, tiredSource, seconds(secs), stderr)
	}
	src.Close() // release the camera before writing anything
	if errors.Is(err, vision.ErrTruncated) {
		// The frames before the cut are frames still.
		fmt.Fprintf(stderr, "neckwatch calibrate: warning: %v\n", err)
		err = nil
	}
	if err != nil {
		return err
	}
	b, backup, err := calibration.Create(path, view, frames, cls.Camera, calibration.Meta{Source: cfg.Camera.Source, Profile: profile, Rejected: skipped, Tired: tiredFrames})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Calibrated from %d frames (%d rejected); saved %s\n", b.Frames, b.Rejected, path)
	if backup != "" {
		fmt.Fprintf(stdout, "The previous baseline is kept as %s; `neckwatch calibrate --restore` lists the last %d and puts one back.\n", backup, calibration.KeepBackups)
	}
	describeBaseline(stdout, b, cls)
	return nil
}

// tiredMoveTime is how long the tired-posture step waits, after its
// prompt, for the user to settle into it before sampling.
const tiredMoveTime = 3 * time.Second

// sampleTired takes the frames of the optional tired-posture step: from
// the same camera after a prompt and a pause to move, or every frame of
// tiredSource.
func sampleTired(camSrc vision.FrameSource, pipe *vision.Pipeline, cls *posture.Classifier, tiredSource string, length time.Duration, stderr io.Writer) ([]landmark.Frame, error) {
	src := camSrc
	if tiredSource != "" {
		s, err := vision.OpenSource(tiredSource)
		if err != nil {
			return nil, fmt.Errorf("--tired-source: %w", err)
		}
		defer s.Close()
		src = s
	}
	if src.Describe().Kind == vision.SourceCamera {
		fmt.Fprintf(stderr, "Now sit the way you do when you are tired (or poke your chin towards the screen) and stay there: sampling %.0f s in %.0f s...\n", length.Seconds(), tiredMoveTime.Seconds())
	}
	var frames []landmark.Frame
	err := eachFrame(src, pipe, cls, window{tiredMoveTime, length}, stderr, func(r analysis.Result) error {
		if usable(r) {
			frames = append(frames, r.Landmarks)
		}
		return nil
	})
	return frames, err
}

// usable reports whether a frame can go into a baseline: decoded, and
// neither black nor frozen.
func usable(r analysis.Result) bool { return r.Err == nil && r.Camera == "" }

// calibrationTarget is the file calibrate writes (and --restore restores):
// --out, else the configuration's camera.calibration unless --profile is
// given, else the profile's file; and the profile name it belongs to.
func calibrationTarget(cfg config.Config, profile, out string) (path, name string, err error) {
	switch {
	case out != "":
		return out, profile, nil
	case profile == "" && cfg.Camera.Calibration != "":
		return cfg.Camera.Calibration, profile, nil
	}
	if profile == "" {
		profile = cfg.Camera.Profile
	}
	path, err = calibration.ProfilePath(profile)
	return path, profile, err
}

// restoreCalibration lists the baselines kept beside the calibration
// file, or with a number puts that one back.
func restoreCalibration(stdout io.Writer, configPath, profile, out string, rest []string) error {
	if len(rest) > 1 {
		return usagef("--restore takes one number, the backup's in the list (see `neckwatch calibrate --restore`)")
	}
	if profile != "" {
		if err := calibration.ValidateName(profile); err != nil {
			return usageError{err.Error()}
		}
	}
	cfg, err := config.Load(configPath)
	if err != nil {
		return err
	}
	path, _, err := calibrationTarget(cfg, profile, out)
	if err != nil {
		return err
	}
	backups, err := calibration.Backups(path)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		if len(backups) == 0 {
			fmt.Fprintf(stdout, "No earlier baselines are kept for %s.\n", path)
			return nil
		}
		fmt.Fprintf(stdout, "Earlier baselines of %s, newest first:\n", path)
		for i, b := range backups {
			what := fmt.Sprintf("%s view, %d frame(s)", b.Baseline.View, b.Baseline.Frames)
			if b.Err != nil {
				what = "unusable: " + b.Err.Error()
			}
			fmt.Fprintf(stdout, "%3d  %s  %s\n", i+1, b.Made.Local().Format("2006-01-02 15:04:05"), what)
		}
		fmt.Fprintln(stdout, "Put one back with `neckwatch calibrate --restore N` (with the same --profile or --out).")
		return nil
	}
	n, err := strconv.Atoi(rest[0])
	if err != nil || n < 1 || n > len(backups) {
		if len(backups) == 0 {
			return fmt.Errorf("no earlier baselines are kept for %s", path)
		}
		return usagef("--restore %s: give a number from 1 to %d (see `neckwatch calibrate --restore`)", rest[0], len(backups))
	}
	b := backups[n-1]
	kept, err := calibration.Restore(path, b.Path)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Restored the baseline of %s to %s.\n", b.Made.Local().Format("2006-01-02 15:04:05"), path)
	if kept != "" {
		fmt.Fprintf(stdout, "The baseline it replaced is kept as %s.\n", kept)
	}
	fmt.Fprintln(stdout, "A running daemon goes on with the baseline it has until it is started again (`neckwatch stop`, then `neckwatch run`).")
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
	fmt.Fprintf(w, "Flagged: head more than %.1f cm forward, more than %.0f cm lower, tilted more than %.0f° down or %.0f° sideways, or several of these part of the way at once.\n",
		t.ForwardStartCM, t.DropStart*cls.Camera.EyeDistanceCM, t.PitchStartDeg, t.RollStartDeg)
	if s := b.Tired; s.Frames > 0 {
		fmt.Fprintf(w, "Your tired posture (%d frames): head %.1f cm forward, %.0f cm lower, %.0f° down; flagged from %.0f%% of the way there.\n",
			s.Frames, s.ForwardCM, s.Drop*cls.Camera.EyeDistanceCM, s.PitchDeg, 100*posture.TiredFraction)
	}
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
