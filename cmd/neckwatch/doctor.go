package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/godbus/dbus/v5"
	"gocv.io/x/gocv"

	"github.com/neckwatch/neckwatch/calibration"
	"github.com/neckwatch/neckwatch/models"
	"github.com/neckwatch/neckwatch/vision"
)

const doctorUsage = `Usage: neckwatch doctor [--models DIR]

Checks what neckwatch needs and prints what to fix: OpenCV, the model files
and their checksums, cameras, the desktop notification service, and the
calibration profiles. Exits 1 when something essential is missing.
`

func runDoctor(args []string, stdout, stderr io.Writer) error {
	var modelsDir string
	fs := newFlagSet("doctor", doctorUsage, stdout)
	fs.StringVar(&modelsDir, "models", "", "directory with the model files, when they are not embedded")
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

	for _, spec := range models.All {
		_, src, err := models.Load(spec, modelsDir)
		essential := spec != models.YuNetN // the accurate face model is optional
		if err != nil {
			report(false, essential, "model", err.Error())
			continue
		}
		report(true, essential, "model", fmt.Sprintf("%s sha256 ok (%s)", spec.Name, src))
	}
	cfg := vision.DefaultPipelineConfig()
	cfg.ModelDir = modelsDir
	if p, err := vision.NewPipeline(cfg); err != nil {
		report(false, true, "pipeline", err.Error())
	} else {
		p.Close()
		report(true, true, "pipeline", "both networks load in OpenCV's dnn module")
	}

	if cams := vision.ListCameras(); len(cams) > 0 {
		report(true, false, "cameras", fmt.Sprint(cams))
	} else {
		report(false, false, "cameras", "no /dev/video* device: plug in a webcam, or use --source with a video file or images")
	}

	if name, err := notificationServer(); err != nil {
		report(false, false, "notifications", err.Error())
	} else {
		report(true, false, "notifications", name)
	}

	dir, err := calibration.ConfigDir()
	if err != nil {
		report(false, false, "config", err.Error())
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
		return fmt.Errorf("%d essential check(s) failed; fix the FAIL lines above", failed)
	}
	return nil
}

// notificationServer asks the session bus for the freedesktop
// notification server's name, with a short timeout.
func notificationServer() (string, error) {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" && os.Getenv("XDG_RUNTIME_DIR") == "" {
		return "", fmt.Errorf("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS unset): alerts cannot be shown")
	}
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return "", fmt.Errorf("cannot reach the D-Bus session bus: %v", err)
	}
	defer conn.Close()
	obj := conn.Object("org.freedesktop.Notifications", "/org/freedesktop/Notifications")
	done := make(chan *dbus.Call, 1)
	call := obj.Go("org.freedesktop.Notifications.GetServerInformation", 0, done)
	select {
	case <-call.Done:
	case <-time.After(2 * time.Second):
		return "", fmt.Errorf("notification service did not answer within 2 s")
	}
	if call.Err != nil {
		return "", fmt.Errorf("no notification service on the session bus (install and start one, e.g. dunst): %v", call.Err)
	}
	var name, vendor, ver, spec string
	if err := call.Store(&name, &vendor, &ver, &spec); err != nil {
		return "", fmt.Errorf("notification service answered oddly: %v", err)
	}
	return fmt.Sprintf("%s %s (%s)", name, ver, vendor), nil
}
