package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/neckwatch/neckwatch/calibration"
	"github.com/neckwatch/neckwatch/posture"
	"github.com/neckwatch/neckwatch/vision"
)

// pipelineFlags are the flags shared by the commands that analyse frames.
type pipelineFlags struct {
	source    string
	view      string
	modelsDir string
	accurate  bool
	sets      []string
}

func (o *pipelineFlags) register(fs *pflag.FlagSet) {
	fs.StringVarP(&o.source, "source", "s", "", "camera index (0), device (/dev/video2), video file, image, or folder of images (required)")
	fs.StringVar(&o.view, "view", "auto", "camera placement: auto (read off the picture: a frontal face is front, a body in profile is side), or force front (webcam facing you) or side (camera beside you)")
	fs.StringVar(&o.modelsDir, "models", "", "directory with the model files, when they are not embedded in the binary")
	fs.BoolVar(&o.accurate, "accurate-face", false, "use the slower, more accurate face model (yunet_n)")
	fs.StringArrayVar(&o.sets, "set", nil, "override a threshold or camera figure, name=value (repeatable; see 'neckwatch check --help')")
}

// validate checks the flag values that need no I/O.
func (o *pipelineFlags) validate() (posture.View, error) {
	if o.source == "" {
		return "", usagef("--source is required (a camera index like 0, a video file, an image or a folder)")
	}
	v, ok := posture.ParseView(o.view)
	if !ok {
		return "", usagef("--view %q: use auto, front or side", o.view)
	}
	return v, nil
}

// applySettings applies --set overrides to c.
func (o *pipelineFlags) applySettings(c *posture.Classifier) error {
	for _, s := range o.sets {
		if err := c.Set(s); err != nil {
			return usageError{err.Error()}
		}
	}
	return nil
}

func (o *pipelineFlags) pipelineConfig() vision.PipelineConfig {
	cfg := vision.DefaultPipelineConfig()
	cfg.AccurateFace = o.accurate
	cfg.ModelDir = o.modelsDir
	return cfg
}

// open opens the source and loads the pipeline; the caller closes both.
// The source is opened first: a wrong path is reported without waiting
// for the networks to load.
func (o *pipelineFlags) open() (vision.FrameSource, *vision.Pipeline, error) {
	src, err := vision.OpenSource(o.source)
	if err != nil {
		return nil, nil, err
	}
	pipe, err := vision.NewPipeline(o.pipelineConfig())
	if err != nil {
		src.Close()
		return nil, nil, err
	}
	return src, pipe, nil
}

// settingsHelp lists the --set names for a command's help.
func settingsHelp() string {
	c := posture.NewClassifier(posture.Front, nil)
	var b strings.Builder
	b.WriteString("Settings for --set name=value (defaults in brackets):\n")
	for _, s := range c.Settings() {
		fmt.Fprintf(&b, "  %-24s %s [%g]\n", s.Name, s.Doc, *s.Value)
	}
	return b.String()
}

// baselineFlags choose the calibration to judge against.
type baselineFlags struct {
	calibration string
	profile     string
}

func (o *baselineFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&o.calibration, "calibration", "", "calibration file to judge against")
	fs.StringVar(&o.profile, "profile", "", "named calibration profile (default: the 'default' profile if calibrated)")
}

// load returns the baseline to judge against, or nil for population
// defaults, and a line describing what was used.
func (o *baselineFlags) load(view posture.View) (*posture.Baseline, string, error) {
	if o.calibration != "" && o.profile != "" {
		return nil, "", usagef("give --calibration or --profile, not both")
	}
	if o.calibration != "" {
		b, err := calibration.Load(o.calibration)
		if err != nil {
			return nil, "", err
		}
		return checkView(&b, view, o.calibration)
	}
	name := o.profile
	explicit := name != ""
	if !explicit {
		name = calibration.DefaultProfile
	}
	if err := calibration.ValidateName(name); err != nil {
		return nil, "", usageError{err.Error()}
	}
	b, path, err := calibration.LoadProfile(name)
	if err != nil {
		if !explicit && errors.Is(err, calibration.ErrNotFound) {
			return nil, "", nil
		}
		return nil, "", err
	}
	if !explicit && view != posture.Auto && b.View != view {
		return nil, "", nil // the default profile is for the other camera placement
	}
	return checkView(&b, view, path)
}

func checkView(b *posture.Baseline, view posture.View, where string) (*posture.Baseline, string, error) {
	if view != posture.Auto && b.View != view {
		return nil, "", fmt.Errorf("calibration %s was made for the %s view, not %s: recalibrate with --view %s or pass --view %s", where, b.View, view, view, b.View)
	}
	return b, fmt.Sprintf("calibration %s (%d frames, %s)", where, b.Frames, b.CreatedAt.Local().Format("2006-01-02 15:04")), nil
}
