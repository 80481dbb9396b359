package daemon

import (
	"context"
	"fmt"
	"time"

	"github.com/neckwatch/neckwatch/notify"
	"github.com/neckwatch/neckwatch/posture"
)

// The first-run guide: a daemon started without a calibration (the login
// entry on day one) judges by population figures and, once the user is at
// the desk, offers to calibrate with a notification. "Calibrate now" (or a
// click on the notification, or the tray's Recalibrate) starts a guided
// calibration: a countdown notification, then the same calibration as
// `neckwatch recalibrate`, then a notification with the result.

// Notification categories: the first-run prompt (its actions come back
// under it), and the countdown with the result that replaces it. The
// prompt keeps its own, so the click that closes it stays in the
// server's history as answered.
const (
	PromptCategory      = "neckwatch.calibration-prompt"
	CalibrationCategory = "neckwatch.calibration"
)

// Keys of the first-run prompt's actions.
const (
	ActionCalibrateNow = notify.ActionDefault
	ActionLater        = "later"
)

// DefaultCalibrationCountdown is the time between "Calibrate now" and the
// frames taken: enough to sit back and look at the screen.
const DefaultCalibrationCountdown = 5 * time.Second

// firstRunPrompt offers the calibration once per run, while the user is
// uncalibrated and at the desk, as soon as nothing silences notifications.
func (d *Daemon) firstRunPrompt(now time.Time) {
	d.mu.Lock()
	due := !d.guidePrompted && d.cls.Baseline == nil && d.opt.Recalibrate != nil && d.calibrateAt.IsZero()
	present := d.last != nil && d.last.Verdict.State != posture.Away && d.last.Verdict.State != ""
	if !due || !present || d.dnd || d.opt.Policy.Silenced(now) {
		d.mu.Unlock()
		return
	}
	d.guidePrompted = true
	d.mu.Unlock()
	d.log.Info("not calibrated: offering a calibration")
	d.notify(notify.Notification{
		Title: "Calibrate neckwatch to your posture",
		Body: "Until then it judges by typical proportions, which fit some people less well. " +
			"Sit upright as you like to work and choose Calibrate now: it takes 10 seconds. " +
			"Later: the tray menu's Recalibrate, or `neckwatch recalibrate`.",
		Category: PromptCategory,
		Timeout:  -1, // stays until answered
		Actions:  []notify.Action{{Key: ActionCalibrateNow, Label: "Calibrate now"}, {Key: ActionLater, Label: "Later"}},
	})
}

// HandleAction acts on an action the user chose on one of the daemon's
// notifications (notify.ActionListener delivers them). It does not block.
func (d *Daemon) HandleAction(ev notify.ActionEvent) {
	if ev.Category != PromptCategory {
		return
	}
	switch ev.Key {
	case ActionCalibrateNow:
		d.StartGuidedCalibration()
	case ActionLater:
		d.log.Info("calibration postponed; judging by population figures")
	}
}

// StartGuidedCalibration announces a calibration after the countdown and
// lets the sampling loop take it then (the loop owns the camera). A second
// request during the countdown changes nothing.
func (d *Daemon) StartGuidedCalibration() {
	// One start at a time, and the countdown is shown before the loop can
	// see the calibration due.
	d.guideMu.Lock()
	defer d.guideMu.Unlock()
	d.mu.Lock()
	pending := !d.calibrateAt.IsZero()
	d.guidePrompted = true
	d.mu.Unlock()
	if pending {
		return
	}
	d.log.Info("guided calibration", "in", d.opt.CalibrationCountdown)
	d.notify(notify.Notification{
		Title:    fmt.Sprintf("Calibrating in %d seconds", int(d.opt.CalibrationCountdown.Round(time.Second)/time.Second)),
		Body:     "Sit upright as you like to work, shoulders relaxed, and look at the screen. Stay still until the result appears.",
		Category: CalibrationCategory,
	})
	d.mu.Lock()
	d.calibrateAt = d.opt.Now().Add(d.opt.CalibrationCountdown)
	d.mu.Unlock()
}

// guidedCalibration takes the calibration once its countdown has run out
// and says how it went.
func (d *Daemon) guidedCalibration(ctx context.Context, now time.Time) {
	d.mu.Lock()
	at := d.calibrateAt
	d.mu.Unlock()
	if at.IsZero() || now.Before(at) {
		return
	}
	err := d.runRecalibration(ctx)
	d.mu.Lock()
	d.calibrateAt = time.Time{}
	angle := baselineAngle(d.cls)
	d.mu.Unlock()
	if ctx.Err() != nil {
		return
	}
	n := notify.Notification{Category: CalibrationCategory}
	switch {
	case err != nil:
		d.log.Warn("guided calibration failed", "err", err)
		n.Title = "Calibration did not work"
		n.Body = fmt.Sprintf("%v.\nTry again from the tray menu's Recalibrate, or run `neckwatch recalibrate`.", err)
	case angle != nil:
		n.Title = "Calibrated"
		n.Body = fmt.Sprintf("Your upright posture (neck angle %.0f°) is now the reference neckwatch judges by. Recalibrate when you move the camera or change desks.", *angle)
	default:
		n.Title = "Calibrated"
		n.Body = "Your upright posture is now the reference neckwatch judges by. Recalibrate when you move the camera or change desks."
	}
	d.notify(n)
}

// calibrationDue is when a guided calibration is to be taken (zero: none).
func (d *Daemon) calibrationDue() time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.calibrateAt
}
