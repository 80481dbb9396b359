package coach

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/neckwatch/neckwatch/posture"
)

// SafetyNote is the full traction safety text from the field notes. It is
// shown with the first traction suggestion ever; later suggestions point to
// it (SafetyPointer). The CLI prints it for `neckwatch safety`.
const SafetyNote = "Before any neck traction, see a clinician first if you have: " +
	"numbness or tingling in your arms or hands; " +
	"a recent neck or upper-back injury or trauma; " +
	"known disc problems (such as a herniated disc) or bone problems; " +
	"a spinal infection, tumour or fracture; " +
	"severe osteoporosis; " +
	"or cervical instability. " +
	"Traction should feel gentle and sustained, never jerky or forced. " +
	"Stop if anything hurts, tingles or feels worse, and get it checked."

// SafetyPointer is the short reference to SafetyNote included in every
// traction suggestion after the first.
const SafetyPointer = "Safety: `neckwatch safety`"

// Safety returns SafetyNote; a func for callers that prefer one.
func Safety() string { return SafetyNote }

// Notice categories: a newer notice of a category replaces the previous
// one on screen instead of stacking up.
const (
	categoryPosture = "neckwatch.posture"
	categoryBreak   = "neckwatch.break"
)

// noticeOf is the notice a decision is shown as, worded from its figures,
// and false for the decisions that are only recorded: a correction not
// acknowledged, a break taken or skipped, a pause, snooze or resume, a
// calibration (the guide words its own answer).
func noticeOf(e Event) (Notice, bool) {
	var n Notice
	switch e := e.(type) {
	case Alert:
		n.Category = categoryPosture
		n.Title, n.Body = postureAlertText(runFigures{state: e.State, badFor: e.BadFor, forwardCM: e.ForwardCM,
			neckDeg: e.NeckAngleDeg, severity: e.Severity, baseline: e.BaselineNeckAngleDeg})
	case Correction:
		if !e.Ack {
			return n, false
		}
		n.Category, n.Low = categoryPosture, true
		n.Title, n.Body = ackText(e.CorrectedAfter)
	case BreakNotice:
		n.Category = categoryBreak
		n.Title, n.Body = preBreakText(e.Load, e.Lead, e.BreakLength)
	case BreakStart:
		n.Category = categoryBreak
		if e.Manual {
			n.Title, n.Body = manualBreakText(e.BreakLength, e.SafetyNote)
		} else {
			n.Title, n.Body = breakText(e.Load, e.BreakLength, e.SafetyNote)
		}
	default: // a break's end, the user's commands: recorded only
		return n, false
	}
	return n, true
}

// painPromptNotice is the daily prompt for a pain score (opt-in).
func painPromptNotice() Notice {
	return Notice{
		Title:    "How are your neck and back today?",
		Body:     "Score today's pain from 0 (none) to 10 for your journal:\nneckwatch journal add --pain N --area neck\nA week or two of entries shows whether the posture work helps.",
		Category: "neckwatch.journal", Low: true,
	}
}

// runFigures summarises a bad run for the alert text. Pointers are nil
// when no sample in the run had the quantity.
type runFigures struct {
	state     posture.State
	badFor    time.Duration
	forwardCM *float64
	neckDeg   *float64
	severity  float64
	// baseline is the baseline neck angle to compare against, nil when the
	// text must not claim one (no calibration, or the run's verdicts were
	// judged against population defaults).
	baseline *float64
}

// postureAlertText builds a short, specific, actionable posture reset:
// what was seen, then a 20-second reset suited to the kind of bad posture.
func postureAlertText(f runFigures) (title, body string) {
	var seen, reset string
	last := " for the last " + fmtDur(f.badFor)
	switch f.state {
	case posture.Slouch:
		title = "Slumped in your chair"
		seen = "You have been slumped" + last + join(angleText(f), forwardText(f))
		reset = "20-second reset: sit back into the chair and grow tall through the crown of your head, " +
			"squeeze your shoulder blades together 3 times, take 3 slow belly breaths, " +
			"then check your chair and screen height."
	case posture.Lean:
		title = "Leaning to one side"
		seen = "You have been leaning to one side" + last + join(angleText(f))
		reset = "20-second reset: re-centre your weight over both sit bones and level your shoulders, " +
			"squeeze your shoulder blades together 3 times, take 3 slow belly breaths, " +
			"then check the screen is straight in front of you."
	default: // forward head
		title = "Head drifting forward"
		if f.forwardCM != nil && *f.forwardCM > 0 {
			seen = "Your head has been about " + fmtCM(*f.forwardCM) + " forward" + last + join(angleText(f))
		} else {
			seen = "Your head has been forward" + last + join(angleText(f))
		}
		reset = "20-second reset: 5 slow chin tucks, squeeze your shoulder blades together 3 times, " +
			"take 3 slow belly breaths, then check the top of the screen is at eye height."
	}
	return title, seen + ".\n" + reset
}

// angleText renders "neck angle 41° against your 50° baseline". Without a
// baseline the angle is labelled an uncalibrated estimate: the text must
// never claim a personal baseline the user has not set.
func angleText(f runFigures) string {
	if f.neckDeg == nil {
		return ""
	}
	s := fmt.Sprintf("neck angle %.0f°", *f.neckDeg)
	if f.baseline != nil {
		return s + fmt.Sprintf(" against your %.0f° baseline", *f.baseline)
	}
	return s + " (uncalibrated estimate)"
}

func forwardText(f runFigures) string {
	if f.forwardCM == nil || *f.forwardCM <= 0 {
		return ""
	}
	return "head about " + fmtCM(*f.forwardCM) + " forward"
}

// join prefixes each non-empty part with ", ".
func join(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p != "" {
			b.WriteString(", ")
			b.WriteString(p)
		}
	}
	return b.String()
}

// ackText acknowledges a correction within the correction window.
func ackText(after time.Duration) (title, body string) {
	return "Nice, that's better", "Back upright " + fmtDur(after) + " after the reminder. Keep it up."
}

func preBreakText(load, lead, breakLen time.Duration) (title, body string) {
	title = "Neck break in about " + fmtDur(lead)
	body = fmt.Sprintf("Your neck has carried about %s of forward-head load since your last break. "+
		"A %s traction or mobility break is coming up: find a good stopping point.",
		fmtDur(load), fmtDur(breakLen))
	return title, body
}

// breakText follows the field notes: 5-10 minutes, gentle and sustained,
// never jerky, head supported and aligned, light stretching afterwards,
// daily consistency over long sessions. The first one carries the full
// safety note, later ones a pointer to it.
// breakGuidance is how to take a traction or mobility break (field notes).
const breakGuidance = "Gentle cervical traction or mobility, 5-10 minutes: gentle and sustained, never jerky, " +
	"head supported and aligned. Follow with light stretching (chin tucks, shoulder rolls, slow side bends). " +
	"A few minutes every day beats long sessions; more is not better.\n"

func breakText(load, breakLen time.Duration, first bool) (title, body string) {
	title = "Time for a " + fmtDur(breakLen) + " neck break"
	body = fmt.Sprintf("You have built up %s of forward-head load since your last break.\n", fmtDur(load)) + breakGuidance
	return title, body + safetyText(first)
}

func manualBreakText(breakLen time.Duration, first bool) (title, body string) {
	title = "Neck break: " + fmtDur(breakLen)
	body = "Step away from the screen; neckwatch will tell you when the " + fmtDur(breakLen) + " are up.\n" + breakGuidance
	return title, body + safetyText(first)
}

// BreakOverText is the notification at the end of a user-started break.
func BreakOverText(breakLen time.Duration) (title, body string) {
	return "Break over", "That was " + fmtDur(breakLen) + ". Sit back down tall, screen top at eye height; neckwatch carries on watching."
}

// safetyText is the full safety note the first time, a pointer after.
func safetyText(first bool) string {
	if first {
		return SafetyNote
	}
	return SafetyPointer
}

// fmtDur renders a duration for people: "40 s", "1 min", "3 min",
// "1 h 20 min". Seconds are shown below two minutes (rounded to 5 s, except
// a whole minute), because onset-sized durations ("50 s", "75 s") would
// otherwise all read "1 min".
func fmtDur(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	if d < 2*time.Minute && d != time.Minute {
		s := int(math.Round(d.Seconds()/5) * 5)
		if s == 0 && d > 0 {
			s = int(math.Ceil(d.Seconds()))
		}
		return fmt.Sprintf("%d s", s)
	}
	m := int(math.Round(d.Minutes()))
	if m < 60 {
		return fmt.Sprintf("%d min", m)
	}
	if m%60 == 0 {
		return fmt.Sprintf("%d h", m/60)
	}
	return fmt.Sprintf("%d h %d min", m/60, m%60)
}

// fmtCM renders centimetres with one decimal below 1 cm, otherwise whole.
func fmtCM(cm float64) string {
	if cm < 1 {
		return fmt.Sprintf("%.1f cm", cm)
	}
	return fmt.Sprintf("%.0f cm", cm)
}
