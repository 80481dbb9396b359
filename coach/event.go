package coach

import (
	"time"

	"github.com/neckwatch/neckwatch/posture"
)

// Kind names an event type. The string values are meant for the history
// log and JSON output.
type Kind string

// Event kinds.
const (
	// PostureAlert: bad posture for at least Onset; a posture reset.
	PostureAlert Kind = "posture_alert"
	// PostureCorrected: the user left the bad phase by sitting upright
	// after at least one alert in it. Notify is true only for the
	// "nice, that's better" acknowledgement.
	PostureCorrected Kind = "posture_corrected"
	// PreBreakNotice: a break suggestion is coming soon.
	PreBreakNotice Kind = "pre_break_notice"
	// BreakSuggested: the load budget is spent; suggests a traction or
	// mobility break.
	BreakSuggested Kind = "break_suggested"
	// BreakTaken: the user was away long enough after a suggestion.
	BreakTaken Kind = "break_taken"
	// BreakSkipped: the break window passed without a break.
	BreakSkipped Kind = "break_skipped"
	// Resumed: a pause ended (timed out, or the user resumed).
	Resumed Kind = "resumed"
	// Paused, Snoozed and Calibrated record the user's commands.
	Paused     Kind = "paused"
	Snoozed    Kind = "snoozed"
	Calibrated Kind = "calibrated"
)

// Event is a decision of the coach, with the figures it was made on:
// an Alert, a Correction, a BreakNotice, a BreakStart, a BreakEnd or a
// Command. The set is sealed (an unexported method, as Effect's), so a
// type switch over it is complete. The Session records every event
// (Record) and shows those meant for the user as notices worded from the
// figures (noticeOf, messages.go); the history keeps its own record.
type Event interface {
	Meta() EventMeta
	isEvent()
}

// EventMeta is what every event has.
type EventMeta struct {
	ID   int       // sequence number within this policy, from 1 (not persisted)
	Kind Kind      //
	At   time.Time // when it was decided (the now of the call)
}

// Meta is the event's sequence number, kind and time.
func (m EventMeta) Meta() EventMeta { return m }

// Alert is a PostureAlert: bad posture for at least Onset.
type Alert struct {
	EventMeta
	// State is the run's dominant bad state; Severity its mean severity.
	State    posture.State
	Severity float64
	// ForwardCM and NeckAngleDeg are the medians over the bad run; nil
	// when no sample had them.
	ForwardCM    *float64
	NeckAngleDeg *float64
	// BaselineNeckAngleDeg is the baseline the text compares against; nil
	// when the text claims none.
	BaselineNeckAngleDeg *float64
	// BadFor is the accumulated bad time of the run; Cooldown the time
	// until the next alert can fire if the user stays bad.
	BadFor   time.Duration
	Cooldown time.Duration
}

// Correction is a PostureCorrected: the user left the bad phase by
// sitting upright after at least one alert in it.
type Correction struct {
	EventMeta
	State posture.State // the corrected alert's state
	// AlertID and AlertAt identify the corrected alert.
	AlertID int
	AlertAt time.Time
	// CorrectedAfter is the time from the alert to the start of the
	// sustained upright stretch that ended the bad phase;
	// CorrectedWithinMinute: CorrectedAfter <= Config.CorrectionWindow
	// (the alert itself cannot know).
	CorrectedAfter        time.Duration
	CorrectedWithinMinute bool
	// Ack: the correction is acknowledged on screen ("nice, that's
	// better"); otherwise it is only recorded.
	Ack bool
}

// BreakNotice is a PreBreakNotice: a break suggestion is coming in about
// Lead.
type BreakNotice struct {
	EventMeta
	Load, Budget, BreakLength, Lead time.Duration
}

// BreakStart is a BreakSuggested: the load budget is spent (or the user
// started a break: Manual), a break window opens.
type BreakStart struct {
	EventMeta
	Load, Budget, BreakLength time.Duration
	// SafetyNote: the first break ever, shown with the full SafetyNote
	// (later ones with SafetyPointer).
	SafetyNote bool
	Manual     bool
}

// BreakEnd is a BreakTaken (the user was away long enough after a
// suggestion) or a BreakSkipped (the window passed without a break).
type BreakEnd struct {
	EventMeta
	Load, Budget time.Duration
	AwayFor      time.Duration // the away time counted after the suggestion
}

// Command records the user's command or its end: Paused, Snoozed,
// Resumed (also a timed pause that ran out), Calibrated.
type Command struct {
	EventMeta
	// For is the length of a pause or snooze (0: until resumed); for
	// Resumed, the length of the timed pause that ran out (0: the user
	// resumed).
	For time.Duration
}

func (Alert) isEvent()       {}
func (Correction) isEvent()  {}
func (BreakNotice) isEvent() {}
func (BreakStart) isEvent()  {}
func (BreakEnd) isEvent()    {}
func (Command) isEvent()     {}

// Phase is the coarse state shown in the tray and `neckwatch status`.
type Phase string

// Phases, in the priority Status uses.
const (
	PhasePaused  Phase = "paused"
	PhaseSnoozed Phase = "snoozed"
	PhaseAway    Phase = "away"
	PhaseBad     Phase = "bad"
	PhaseUpright Phase = "upright" // includes onset in progress and uncertain samples
	PhaseUnknown Phase = "unknown" // no recent sample
)

// Status is a read-only view of the policy for display.
type Status struct {
	Phase Phase
	// Posture is the state of the latest sample still held, "" if none.
	Posture posture.State
	// Bad reports the bad phase, also while snoozed.
	Bad bool
	// OnsetElapsed is the bad time accumulated toward Onset; OnsetProgress
	// is OnsetElapsed/Onset clamped to 1 (1 while Bad).
	OnsetElapsed  time.Duration
	Onset         time.Duration
	OnsetProgress float64
	// Cooldown is the current (possibly grown) alert cooldown; NextAlertAt
	// the earliest time for the next alert (zero: no alert given yet).
	Cooldown    time.Duration
	NextAlertAt time.Time
	// Load is the severity-weighted forward-head time since the last break
	// (or skip, or local midnight); Budget the configured budget.
	Load         time.Duration
	Budget       time.Duration
	LoadFraction float64
	// LoadToBreak is Budget-Load, at least 0: at full severity the time to
	// the next break suggestion.
	LoadToBreak time.Duration
	// TimeToBreak estimates the wall time to the suggestion at the recent
	// load rate (10-minute moving average); 0 when there is no recent load,
	// the break is already due (see LoadToBreak) or no break is left today.
	TimeToBreak time.Duration
	// BreakWindowOpen: a suggestion is waiting to be taken or skipped.
	BreakWindowOpen bool
	BreaksToday     int
	MaxBreaksPerDay int
	// Paused, PausedUntil (zero: until Resume), Snoozed, SnoozedUntil.
	Paused       bool
	PausedUntil  time.Time
	Snoozed      bool
	SnoozedUntil time.Time
	QuietHours   bool
	DoNotDisturb bool
}

// Snapshot is the persistent part of the policy state, as plain JSON, so a
// daemon restart on the same day keeps the load and break count.
type Snapshot struct {
	// Day is the local date ("2006-01-02") Load and BreaksToday belong to.
	Day string `json:"day"`
	// LoadSeconds is the severity-weighted forward-head time since the
	// last break, in seconds.
	LoadSeconds float64 `json:"load_seconds"`
	// BreaksToday is the number of break suggestions on Day.
	BreaksToday int `json:"breaks_today"`
	// FirstBreakShown: the full safety note has been shown once.
	FirstBreakShown bool `json:"first_break_shown"`
	// AdviceShownAt is when the last desk-advice notice was shown
	// (RFC 3339; empty: never), kept across days: advice comes at most
	// weekly.
	AdviceShownAt string `json:"advice_shown_at,omitempty"`
}
