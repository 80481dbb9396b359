package main

import (
	"github.com/neckwatch/neckwatch/coach"
	"github.com/neckwatch/neckwatch/history"
)

// eventRecord maps a coach event (a decision) to the history's record of
// it (package history knows nothing of the coach): the record with the
// decision's figures as numbers, and false for the kinds the journal does
// not keep (pre_break_notice). Mapped kinds: posture_alert,
// posture_corrected (Corrected = CorrectedWithinMinute, AlertAt = the
// alert's time, so the Recorder marks that alert), break_suggested,
// break_taken, break_skipped, and the user's commands: paused, resumed
// (also a timed pause that ran out), snoozed, calibrated.
func eventRecord(e coach.Event) (history.Event, bool) {
	m := e.Meta()
	kind, ok := recordKinds[m.Kind]
	if !ok {
		return history.Event{}, false
	}
	h := history.Event{At: m.At, Kind: kind}
	switch e := e.(type) {
	case coach.Alert:
		h.State, h.Severity = string(e.State), e.Severity
		h.Figures = history.Figures{BadFor: e.BadFor, NeckAngleDeg: e.NeckAngleDeg, ForwardCM: e.ForwardCM}
	case coach.Correction:
		h.State, h.Corrected, h.AlertAt = string(e.State), e.CorrectedWithinMinute, e.AlertAt
		h.Figures = history.Figures{CorrectedAfter: e.CorrectedAfter}
	case coach.BreakStart:
		h.Figures = history.Figures{Load: e.Load, Budget: e.Budget, BreakLength: e.BreakLength}
	case coach.BreakEnd:
		h.Figures = history.Figures{AwayFor: e.AwayFor}
	case coach.Command:
		h.Figures = history.Figures{For: e.For}
	}
	return h, true
}

// recordKinds are the records the journal keeps, by the coach's kind.
var recordKinds = map[coach.Kind]history.EventKind{
	coach.PostureAlert:     history.EventPostureAlert,
	coach.PostureCorrected: history.EventCorrected,
	coach.BreakSuggested:   history.EventBreakSuggested,
	coach.BreakTaken:       history.EventBreakTaken,
	coach.BreakSkipped:     history.EventBreakSkipped,
	coach.Resumed:          history.EventResumed,
	coach.Paused:           history.EventPaused,
	coach.Snoozed:          history.EventSnoozed,
	coach.Calibrated:       history.EventCalibrated,
}
