package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/neckwatch/neckwatch/calibration"
	"github.com/neckwatch/neckwatch/config"
	"github.com/neckwatch/neckwatch/posture"
	"github.com/neckwatch/neckwatch/vision"
)

// loadConfig reads the configuration file (path, or the default one) and
// lays the command line's overrides over it (config.Overrides.Apply): the
// one way every command gets its configuration. A flag's mistake is a
// usage error, and so is a source that names nothing (vision.ParseSpec:
// "-1"), which would otherwise pass as a camera and be retried for ever.
// It returns the keys the file or a flag sets.
func loadConfig(path string, o config.Overrides) (config.Config, []string, error) {
	cfg, set, err := config.LoadKeys(path)
	if err != nil {
		return cfg, set, err
	}
	file := path
	if file == "" {
		file = config.FileName
		if p, err := config.Path(); err == nil {
			file = p
		}
	}
	if set, err = cfg.Apply(o, file, set); err != nil {
		return cfg, set, usageError{err.Error()}
	}
	if _, err := vision.ParseSpec(cfg.Camera.Source); err != nil {
		var se *vision.SpecError
		switch {
		case !errors.As(err, &se):
			return cfg, set, err
		case o.Source != "":
			return cfg, set, usagef("--source %s: %s", o.Source, se.Msg)
		default:
			return cfg, set, fmt.Errorf("%s: camera.source = %q: %s", file, se.Spec, se.Msg)
		}
	}
	return cfg, set, nil
}

// pipelineFlags are the flags shared by the commands that analyse frames
// (check, calibrate). They read the same configuration file as run: its
// [camera] keys and [thresholds] apply, and each flag given overrides the
// key of the same meaning.
type pipelineFlags struct {
	fs         *pflag.FlagSet
	configPath string
	over       config.Overrides
	accurate   bool
	sets       []string
}

func (o *pipelineFlags) register(fs *pflag.FlagSet) {
	o.fs = fs
	fs.StringVar(&o.configPath, "config", "", "configuration file (default ~/.config/neckwatch/config.toml): its [camera] and [thresholds] apply; flags override them")
	fs.StringVarP(&o.over.Source, "source", "s", "", "camera index (0), device (/dev/video2), video file, image, or folder of images (required unless the config file sets camera.source)")
	fs.StringVar(&o.over.View, "view", "", "camera placement: auto (read off the picture: a frontal face is front, a body in profile is side), or force front (webcam facing you) or side (camera beside you) (default from config: auto)")
	fs.StringVar(&o.over.ModelsDir, "models", "", "directory with the model files, when they are not embedded in the binary")
	fs.BoolVar(&o.accurate, "accurate-face", false, "use the slower, more accurate face model (yunet_n)")
	fs.StringArrayVar(&o.sets, "set", nil, "override a threshold or camera figure, name=value (repeatable; see 'neckwatch check --help')")
}

// configure loads the configuration file and lays the flags over it, and
// those of the baseline (check's --profile, --calibration) when bf is not
// nil. The source is taken from the file only when the file sets
// camera.source: the default camera is run's, not a reason to open it for
// a check.
func (o *pipelineFlags) configure(bf *baselineFlags) (config.Config, error) {
	over := o.over
	if o.fs.Changed("accurate-face") {
		over.AccurateFace = &o.accurate
	}
	if bf != nil {
		over.Profile, over.Calibration = bf.profile, bf.calibration
	}
	cfg, set, err := loadConfig(o.configPath, over)
	if err != nil {
		return cfg, err
	}
	if o.over.Source == "" && !slices.Contains(set, "camera.source") {
		return cfg, usagef("--source is required (a camera index like 0, a video file, an image or a folder), or camera.source in the config file")
	}
	return cfg, nil
}

// classifier returns the classifier for cfg's view and [thresholds], with
// the --set overrides applied on top.
func (o *pipelineFlags) classifier(cfg config.Config, baseline *posture.Baseline) (*posture.Classifier, error) {
	c, err := cfg.NewClassifier(baseline)
	if err != nil {
		return nil, err
	}
	for _, s := range o.sets {
		if err := c.Set(s); err != nil {
			return nil, usageError{err.Error()}
		}
	}
	return c, nil
}

// open opens cfg's source and loads the pipeline; the caller closes both.
// The source is opened first: a wrong path is reported without waiting
// for the networks to load.
func open(cam config.CameraConfig) (vision.FrameSource, *vision.Pipeline, error) {
	src, err := vision.OpenSource(cam.Source)
	if err != nil {
		return nil, nil, err
	}
	pcfg := vision.DefaultPipelineConfig()
	pcfg.AccurateFace = cam.AccurateFace
	pcfg.ModelDir = cam.ModelsDir
	pipe, err := vision.NewPipeline(pcfg)
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
	fs.StringVar(&o.calibration, "calibration", "", "calibration file to judge against (default from config: camera.calibration)")
	fs.StringVar(&o.profile, "profile", "", "named calibration profile (default from config: camera.profile, the 'default' profile if calibrated)")
}

// judgeBaseline returns the baseline cam names (the flags' calibration or
// profile laid over the configuration's by configure) as calibration.Resolve
// finds it, the rule run follows too, or nil for population figures; and
// a line describing what was used. Why population figures are used
// although a profile was looked for is said on warn.
func judgeBaseline(cam config.CameraConfig, warn io.Writer) (*posture.Baseline, string, error) {
	r, err := calibration.Resolve(calibration.Choice{File: cam.Calibration, Profile: cam.Profile, View: cam.View})
	if err != nil {
		return nil, "", err
	}
	if r.Note != "" && !r.NotCalibrated { // the first-run case is said in the output's header
		fmt.Fprintf(warn, "neckwatch: %s\n", r.Note)
	}
	if r.Baseline == nil {
		return nil, "", nil
	}
	return r.Baseline, r.Describe(), nil
}
