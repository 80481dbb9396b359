// Package coach is everything the daemon decides, as plain Go: a Session
// whose inputs are posture verdicts, the user's commands and clock ticks,
// and whose outputs are effects (show a notice, record an event, take a
// calibration, save the day state). It imports only posture (for the
// verdicts) and the standard library: no I/O package, no gocv, no notify,
// no history; the daemon carries the effects out.
//
// Inside, one Timeline turns samples into state spans (the history's
// Recorder uses the same type), and the policy routes them to its
// machines: silencing (silence.go), the posture run (posturerun.go) and
// the load budget with breaks (breaks.go). The Session adds the notices
// that are not about a sample: the end of a user-started break, the daily
// pain prompt and the first-run calibration guide (guide.go).
//
// It turns a stream of irregular posture.Verdict samples (the camera is
// duty-cycled) into a few well-timed events: posture reset alerts after a
// sustained bad posture, an acknowledgement when the user corrects, and
// traction / mobility break suggestions driven by the measured
// forward-head load rather than a blind timer.
//
// The package is pure: no I/O, no goroutines, no sleeping. Every method
// takes the current time from the caller, so tests drive it with a fake
// clock and the daemon with time.Now(). Wall-clock rules (quiet hours, day
// rollover) use the location of the times passed in; the daemon passes
// local times.
//
// # Time model
//
// Each verdict is assumed to hold from its timestamp until the next one,
// but for at most Config.MaxSampleGap; time beyond that is unknown and
// accrues nothing. A timestamp older than the latest one seen is treated as
// the latest (a late-delivered sample still counts with zero duration). A
// gap longer than Config.StaleAfter restarts the posture timers.
//
// # Suppression
//
//   - Snooze: posture alerts and acknowledgements are not emitted; the state
//     machine runs and load accrues; break suggestions still come (a snooze
//     answers a posture nag, it is not a meeting mode: that is DND).
//   - Pause: nothing accrues and nothing fires; the posture timers restart
//     on resume and an open break window is frozen.
//   - Quiet hours and do-not-disturb: nothing is notified; everything
//     accrues. Nothing is delivered retroactively. When they end, the
//     current state decides: a posture alert fires only if the user is
//     still bad, and a break that became due meanwhile first gets a fresh
//     PreBreakNotice, then the suggestion PreBreakNotice later, so the user
//     is not ambushed the moment a meeting ends.
//
// Events are decisions with their figures; the notice an event is shown
// as is worded from them in one place (messages.go). History-only events
// (PostureCorrected without acknowledgement, BreakTaken, BreakSkipped,
// Resumed, the user's commands) have no notice and are recorded even
// during quiet hours and do-not-disturb.
package coach
