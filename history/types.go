// Package history keeps the user's posture journal: per-minute aggregates
// written by the daemon, events (alerts, corrections, breaks, calibrations,
// pauses) and pain entries, in an SQLite database in the user's data
// directory. Only numbers are stored, never an image.
//
// It stores what the coach decided and never decides: it must not import
// vision, daemon, notify or control.
package history

import (
	"time"
)

// Minute is the aggregate of one wall-clock minute (local time, truncated
// to the minute). Durations are the time spent in each state within the
// minute, as estimated from the samples (each sample stands for the time
// until the next one, capped).
type Minute struct {
	Start       time.Time     // local minute start
	Present     time.Duration // someone in front of the camera
	Upright     time.Duration
	ForwardHead time.Duration
	Slouch      time.Duration
	Lean        time.Duration
	Uncertain   time.Duration
	Samples     int
	// MeanSeverity and MeanNeckAngleDeg average the present samples;
	// NeckAngleSamples counts those with an angle (0: no angle that minute).
	MeanSeverity     float64
	MeanNeckAngleDeg float64
	NeckAngleSamples int
	// The desk set-up (posture.Verdict's absolute measures), each the
	// mean over the minute's upright samples that had it and their count
	// (0: none that minute, and the mean is 0): the head's pitch against
	// the camera (looking down positive), the camera-to-eyes distance,
	// the head's yaw (turned to the user's left positive).
	HeadPitchDeg     float64
	HeadPitchSamples int
	DistanceCM       float64
	DistanceSamples  int
	HeadYawDeg       float64
	HeadYawSamples   int
}

// EventKind names a journal record, as stored. The records are the
// history's own: the daemon's adapter maps the coach's decisions onto them,
// so the store knows nothing of the decider.
type EventKind string

// Event kinds stored in the journal. The strings are the database's.
const (
	EventPostureAlert   EventKind = "posture_alert"
	EventCorrected      EventKind = "posture_corrected"
	EventBreakSuggested EventKind = "break_suggested"
	EventBreakTaken     EventKind = "break_taken"
	EventBreakSkipped   EventKind = "break_skipped"
	EventCalibrated     EventKind = "calibrated"
	EventPaused         EventKind = "paused"
	EventResumed        EventKind = "resumed"
	EventSnoozed        EventKind = "snoozed"
)

// Event is one journal event. For posture alerts, Corrected says whether
// the user sat upright within a minute (filled in when the correction
// arrives).
type Event struct {
	At        time.Time
	Kind      EventKind
	State     string  // posture state for alerts
	Severity  float64 // for alerts
	Corrected bool    // posture alert corrected within a minute
	// Detail is free text, kept in rows written before Figures (v4);
	// neckwatch writes figures now.
	Detail string
	// Figures are the event's numbers (a report's to use).
	Figures Figures
	// AlertAt, for EventCorrected, is when the corrected alert was given
	// (zero: the last alert before At). It is not stored.
	AlertAt time.Time
}

// PainArea is where a journal pain entry hurts.
type PainArea string

// Pain areas.
const (
	AreaNeck      PainArea = "neck"
	AreaUpperBack PainArea = "upper-back"
	AreaShoulders PainArea = "shoulders"
	AreaHead      PainArea = "head"
)

// PainEntry is one self-reported pain score.
type PainEntry struct {
	At    time.Time
	Score int // 0 (none) .. 10 (worst)
	Area  PainArea
	Note  string
}

// Day is one local calendar day of history, as reports need it.
type Day struct {
	Date        time.Time // local midnight
	Present     time.Duration
	Upright     time.Duration
	ForwardHead time.Duration
	Slouch      time.Duration
	// ForwardHeadLoad is the forward-head time weighted by its severity
	// (0..1): a minute of severe forward head counts a minute, a minute
	// just past the limit next to nothing. Estimated per minute from the
	// stored figures, samples taken as evenly spread over the minute: the
	// present samples' mean severity times the present time is the
	// minute's severity-weighted bad time, and the forward-head share of
	// the bad (forward-head, slouch, lean) time is the forward-head part.
	ForwardHeadLoad  time.Duration
	Alerts           int
	Corrections      int // alerts corrected within a minute
	BreaksSuggested  int
	BreaksTaken      int
	MeanNeckAngleDeg float64  // 0 when no angle was measured
	NeckAngleMinutes int      // minutes that had an angle
	Pain             *float64 // mean pain score that day, nil when none entered
}

// UprightFraction is upright time over present time (0 when never present).
func (d Day) UprightFraction() float64 {
	if d.Present <= 0 {
		return 0
	}
	return float64(d.Upright) / float64(d.Present)
}
