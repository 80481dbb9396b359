package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"gocv.io/x/gocv"

	"github.com/neckwatch/neckwatch/calibration"
	"github.com/neckwatch/neckwatch/config"
	"github.com/neckwatch/neckwatch/models"
	"github.com/neckwatch/neckwatch/notify"
	"github.com/neckwatch/neckwatch/vision"
)

const doctorUsage = `Usage: neckwatch doctor [--config FILE] [--models DIR]

Checks what 'neckwatch run' needs, with the configuration it would use
(~/.config/neckwatch/config.toml or --config), and prints what to fix:
the configuration, OpenCV, the four model files and their checksums, the
networks run loads, the calibration run would judge by, the camera or
video source, the desktop notification service (without starting a D-Bus
session of its own), and the calibration profiles. Exits 1 when run would
fail (a FAIL line); WARN lines are things run works around.
`

func runDoctor(args []string, stdout, stderr io.Writer) error {
	var f runFlags
	fs := newFlagSet("doctor", doctorUsage, stdout)
	fs.StringVar(&f.configPath, "config", "", "configuration file (default ~/.config/neckwatch/config.toml)")
	fs.StringVar(&f.ModelsDir, "models", "", "directory with the model files, when they are not embedded")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	failed := 0
	report := func(ok bool, essential bool, what, detail string) {
		mark := "ok  "
		if !ok {
			mark = "WARN"
			if essential {
				mark = "FAIL"
				failed++
			}
		}
		fmt.Fprintf(stdout, "[%s] %-14s %s\n", mark, what, detail)
	}

	report(true, true, "neckwatch", version)
	report(true, true, "OpenCV", fmt.Sprintf("%s (gocv %s)", gocv.OpenCVVersion(), gocv.Version()))

	// The configuration exactly as run reads it; the checks below go on
	// with the defaults when it is broken, so every problem shows at once.
	cfg, err := f.effectiveConfig()
	switch {
	case err != nil:
		report(false, true, "config", err.Error())
		cfg = config.Default()
		if f.ModelsDir != "" {
			cfg.Camera.ModelsDir = f.ModelsDir
		}
	default:
		report(true, true, "config", configSource(f.configPath))
	}

	faceModel := models.YuNet
	if cfg.Camera.AccurateFace {
		faceModel = models.YuNetN
	}
	for _, spec := range models.All {
		_, src, err := models.Load(spec, cfg.Camera.ModelsDir)
		// Run needs the face detector the configuration picks; the other
		// one is optional.
		essential := spec != models.YuNet && spec != models.YuNetN || spec == faceModel
		if err != nil {
			report(false, essential, "model", err.Error())
			continue
		}
		report(true, essential, "model", fmt.Sprintf("%s sha256 ok (%s): %s", spec.Name, src, spec.Role))
	}
	pcfg := vision.DefaultPipelineConfig()
	pcfg.AccurateFace = cfg.Camera.AccurateFace
	pcfg.ModelDir = cfg.Camera.ModelsDir
	if p, err := vision.NewPipeline(pcfg); err != nil {
		report(false, true, "pipeline", err.Error())
	} else {
		p.Close()
		report(true, true, "pipeline", fmt.Sprintf("the three networks run uses load in OpenCV's dnn module: %s, %s, %s", faceModel.Name, models.FaceMesh.Name, models.PoseNet.Name))
	}

	if b, path, err := loadBaseline(cfg, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		report(false, true, "calibration", err.Error())
	} else if b == nil {
		report(false, false, "calibration", "none: run judges by population figures; sit upright and run `neckwatch calibrate`")
	} else {
		report(true, true, "calibration", path)
	}

	cams := vision.ListCameras()
	switch err := checkSource(cfg.Camera.Source); {
	case err != nil:
		report(false, true, "source", err.Error())
	case !isCamera(cfg.Camera.Source):
		report(true, true, "source", cfg.Camera.Source)
	case len(cams) == 0:
		report(false, false, "source", fmt.Sprintf("camera %s: no /dev/video* device; run waits for one (plug in a webcam, or set --source to a video file)", cfg.Camera.Source))
	default:
		report(true, true, "source", fmt.Sprintf("camera %s; cameras present: %v", cfg.Camera.Source, cams))
	}

	if !cfg.Notifications.Enabled {
		report(true, false, "notifications", "off in the configuration (notifications.enabled = false): alerts are logged only")
	} else {
		// notify.Desktop finds the session bus as run does and never
		// starts one (godbus's own connect would run dbus-launch and
		// leave a dbus-daemon behind).
		desktop := notify.NewDesktop()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		info, err := desktop.Check(ctx)
		cancel()
		desktop.Close()
		if err != nil {
			report(false, false, "notifications", fmt.Sprintf("%v: alerts would be logged only (install and start a notification service, e.g. dunst)", err))
		} else {
			report(true, false, "notifications", info.String())
		}
	}

	dir, err := calibration.ConfigDir()
	if err != nil {
		report(false, false, "profiles", err.Error())
	} else if names, err := calibration.Profiles(); err != nil {
		report(false, false, "profiles", err.Error())
	} else if len(names) == 0 {
		report(false, false, "profiles", "none calibrated in "+dir+": sit upright and run `neckwatch calibrate --source 0`")
	} else {
		for _, n := range names {
			if _, p, err := calibration.LoadProfile(n); err != nil {
				report(false, false, "profile", err.Error())
			} else {
				report(true, false, "profile", n+" ("+p+")")
			}
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d check(s) failed: `neckwatch run` would not start; fix the FAIL lines above", failed)
	}
	return nil
}

// configSource says which configuration file doctor checked.
func configSource(path string) string {
	if path == "" {
		def, err := config.Path()
		if err != nil {
			return "defaults"
		}
		if _, err := os.Stat(def); err != nil {
			return "no " + def + ": the defaults"
		}
		path = def
	}
	return strings.TrimSpace(path) + " is valid"
}
