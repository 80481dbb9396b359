package coach

import (
	"fmt"
	"time"
)

// The first-run guide: a session started without a calibration (the login
// entry on day one) judges by population figures and, once the user is at
// the desk and nothing silences notices, offers a calibration. "Calibrate
// now" (or a click on the notice, or the tray's Recalibrate) starts a
// guided calibration: a countdown notice, then TakeCalibration, then a
// notice with the result.

// Notice categories: the first-run prompt (its actions come back under
// it), and the countdown with the result that replaces it. The prompt
// keeps its own, so the click that closes it stays in the server's
// history as answered.
const (
	PromptCategory      = "neckwatch.calibration-prompt"
	CalibrationCategory = "neckwatch.calibration"
)

// Keys of the first-run prompt's actions, and of the calibration result's
// offer of the tired-posture step.
const (
	ActionCalibrateNow = ActionDefault
	ActionLater        = "later"
	ActionTiredStep    = "tired-posture"
)

// DefaultCalibrationCountdown is the time between "Calibrate now" and the
// frames taken: enough to sit back and look at the screen.
const DefaultCalibrationCountdown = 5 * time.Second

type guide struct {
	calibrated  bool
	prompted    bool      // offered (or started) in this session
	calibrateAt time.Time // when the guided calibration is due; zero: none
	taking      bool      // TakeCalibration asked, outcome not reported yet
	tired       bool      // the step due or being taken is the tired posture
}

// tick offers the calibration once, and asks for it when its countdown
// has run out.
func (g *guide) tick(s *Session, now time.Time, out []Effect) []Effect {
	if !g.calibrateAt.IsZero() && !now.Before(g.calibrateAt) {
		g.calibrateAt, g.taking = time.Time{}, true
		return append(out, TakeCalibration{Tired: g.tired})
	}
	if g.prompted || g.calibrated || !s.opt.CanCalibrate || !g.calibrateAt.IsZero() || g.taking ||
		!s.present(now) || s.held(now) {
		return out
	}
	g.prompted = true
	return append(out, Show{Notice{
		Title: "Calibrate neckwatch to your posture",
		Body: "Until then it judges by typical proportions, which fit some people less well. " +
			"Sit upright as you like to work and choose Calibrate now: it takes 10 seconds. " +
			"Later: the tray menu's Recalibrate, or `neckwatch recalibrate`.",
		Category: PromptCategory, Sticky: true,
		Actions: []Action{{Key: ActionCalibrateNow, Label: "Calibrate now"}, {Key: ActionLater, Label: "Later"}},
	}})
}

// CalibrationDue is when a guided calibration is to be taken (zero: none),
// so the shell can wake up for it.
func (s *Session) CalibrationDue() time.Time { return s.guide.calibrateAt }

// Action acts on an action the user chose on a notice: "Calibrate now"
// starts the guided calibration; "Later" leaves it to the user (the prompt
// is shown once a session anyway); the advice's "Don't show this again"
// dismisses it for good.
func (s *Session) Action(now time.Time, category, key string) []Effect {
	switch {
	case category == PromptCategory && key == ActionCalibrateNow:
		return s.StartGuidedCalibration(now)
	case category == CalibrationCategory && key == ActionTiredStep:
		return s.StartGuidedTiredPosture(now)
	case category == AdviceCategory && key == ActionDismissAdvice:
		return s.advice.dismiss()
	}
	return nil
}

// StartGuidedCalibration announces a calibration after the countdown
// (the tray's Recalibrate, the prompt's Calibrate now). A second request
// while one is under way changes nothing.
func (s *Session) StartGuidedCalibration(now time.Time) []Effect {
	g := &s.guide
	g.prompted = true
	if !g.calibrateAt.IsZero() || g.taking {
		return nil
	}
	g.calibrateAt, g.tired = now.Add(s.opt.CalibrationCountdown), false
	return []Effect{Show{Notice{
		Title:    fmt.Sprintf("Calibrating in %d seconds", int(s.opt.CalibrationCountdown.Round(time.Second)/time.Second)),
		Body:     "Sit upright as you like to work, shoulders relaxed, and look at the screen. Stay still until the result appears.",
		Category: CalibrationCategory,
	}}}
}

// StartGuidedTiredPosture announces the optional second step after the
// countdown (the calibration result's "Add my tired posture", the tray's
// menu): the user sits the way they do when tired, and their own slouch
// sets where they are flagged. It needs an upright calibration first.
func (s *Session) StartGuidedTiredPosture(now time.Time) []Effect {
	g := &s.guide
	if !g.calibrateAt.IsZero() || g.taking {
		return nil
	}
	if !g.calibrated {
		return []Effect{Show{Notice{
			Title:    "Calibrate upright first",
			Body:     "The tired-posture step is measured against your upright posture: choose Recalibrate (sit upright) first, then add it.",
			Category: CalibrationCategory,
		}}}
	}
	g.calibrateAt, g.tired = now.Add(s.opt.CalibrationCountdown), true
	return []Effect{Show{Notice{
		Title: fmt.Sprintf("Your tired posture in %d seconds", int(s.opt.CalibrationCountdown.Round(time.Second)/time.Second)),
		Body: "Sit the way you do at the end of a long day (or poke your chin towards the screen) and stay there until the result appears. " +
			"You will then be told from halfway between your upright and this posture.",
		Category: CalibrationCategory,
	}}}
}

// Calibrated reports a calibration's outcome: a guided one (asked for
// with TakeCalibration) or one the user ran directly (`neckwatch
// recalibrate`). On success the alert text compares against the new
// baseline angle (nil: none to claim) and the history records it; a guided
// calibration's result is shown either way.
func (s *Session) Calibrated(now time.Time, baselineNeckAngleDeg *float64, err error) []Effect {
	guided, tired := s.guide.taking, s.guide.tired
	s.guide.taking, s.guide.tired = false, false
	var out []Effect
	if tired {
		// The second step: the upright reference is unchanged.
		n := Notice{Category: CalibrationCategory, Title: "Tired posture added"}
		n.Body = "You will be told from halfway between your upright posture and this one, even when each change is small."
		if err != nil {
			n.Title = "The tired posture was not added"
			n.Body = fmt.Sprintf("%v.\nTry again from the tray menu, or run `neckwatch calibrate --tired`.", err)
		}
		return append(out, Show{n})
	}
	if err == nil {
		s.guide.calibrated = true
		s.pol.SetBaseline(baselineNeckAngleDeg)
		out = append(out, Record{s.pol.userEvent(Calibrated, now, 0)})
	}
	if !guided {
		return out
	}
	n := Notice{Category: CalibrationCategory}
	switch {
	case err != nil:
		n.Title = "Calibration did not work"
		n.Body = fmt.Sprintf("%v.\nTry again from the tray menu's Recalibrate, or run `neckwatch recalibrate`.", err)
	case baselineNeckAngleDeg != nil:
		n.Title = "Calibrated"
		n.Body = fmt.Sprintf("Your upright posture (neck angle %.0f°) is now the reference neckwatch judges by. Recalibrate when you move the camera or change desks.", *baselineNeckAngleDeg)
	default:
		n.Title = "Calibrated"
		n.Body = "Your upright posture is now the reference neckwatch judges by. Recalibrate when you move the camera or change desks."
	}
	if err == nil {
		// The optional second step, offered while the user is at it.
		n.Body += " Optional: add your tired posture, so your own slouch sets where you are told."
		n.Actions = []Action{{Key: ActionTiredStep, Label: "Add my tired posture"}}
	}
	return append(out, Show{n})
}
