package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/neckwatch/neckwatch/coach"
	"github.com/neckwatch/neckwatch/history"
)

// eventRecord maps a coach event (a decision) to the history's record of
// it (package history knows nothing of the coach): the record, and false for the kinds the journal does not keep
// (pre_break_notice). Mapped kinds: posture_alert, posture_corrected
// (Corrected = CorrectedWithinMinute, AlertAt = the alert's time, so the
// Recorder marks that alert), break_suggested, break_taken, break_skipped,
// and the user's commands: paused, resumed (also a timed pause that
// expired), snoozed, calibrated. Detail carries the numbers in words.
func eventRecord(e coach.Event) (history.Event, bool) {
	h := history.Event{At: e.At, State: string(e.State)}
	switch e.Kind {
	case coach.PostureAlert:
		h.Kind = history.EventPostureAlert
		h.Severity = e.Severity
		parts := []string{"bad for " + roundDur(e.BadFor)}
		if e.NeckAngleDeg != nil {
			parts = append(parts, fmt.Sprintf("neck angle %.0f°", *e.NeckAngleDeg))
		}
		if e.ForwardCM != nil {
			parts = append(parts, fmt.Sprintf("head forward %.1f cm", *e.ForwardCM))
		}
		h.Detail = strings.Join(parts, ", ")
	case coach.PostureCorrected:
		h.Kind = history.EventCorrected
		h.Corrected = e.CorrectedWithinMinute
		h.AlertAt = e.AlertAt
		h.Detail = "upright " + roundDur(e.CorrectedAfter) + " after the alert"
	case coach.BreakSuggested:
		h.Kind = history.EventBreakSuggested
		h.Detail = fmt.Sprintf("load %s of %s, break %s", roundDur(e.Load), roundDur(e.Budget), roundDur(e.BreakLength))
	case coach.BreakTaken:
		h.Kind = history.EventBreakTaken
		h.Detail = "away " + roundDur(e.AwayFor)
	case coach.BreakSkipped:
		h.Kind = history.EventBreakSkipped
		h.Detail = "away " + roundDur(e.AwayFor)
	case coach.Resumed, coach.Paused, coach.Snoozed, coach.Calibrated:
		h.Kind = userRecords[e.Kind]
		h.Detail = e.Detail
	default:
		return history.Event{}, false
	}
	return h, true
}

func roundDur(d time.Duration) string { return d.Round(time.Second).String() }

// userRecords are the records of the user's commands, by the coach's kind.
var userRecords = map[coach.Kind]history.EventKind{
	coach.Resumed: history.EventResumed, coach.Paused: history.EventPaused,
	coach.Snoozed: history.EventSnoozed, coach.Calibrated: history.EventCalibrated,
}
