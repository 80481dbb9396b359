package coach

import (
	"errors"
	"time"

	"github.com/neckwatch/neckwatch/posture"
)

// Notice is a notification the coach decides to show. The shell maps it
// onto the desktop's notification service.
type Notice struct {
	Title, Body string
	// Category groups notices that replace each other on screen
	// ("neckwatch.posture", ...).
	Category string
	Low      bool // low urgency (an acknowledgement, a prompt)
	Sticky   bool // stays until answered
	// Actions are buttons; the body always says what to do without them.
	Actions []Action
}

// Action is a button on a notice; Key comes back through Session.Action.
type Action struct{ Key, Label string }

// ActionDefault is the key of a notice's default action (a click on it).
const ActionDefault = "default"

// Effect is something the Session asks its shell to do: Show, Record,
// TakeCalibration or SaveState.
type Effect interface{ isEffect() }

// Show asks for a notice to be shown. Every Show has passed the silencing
// rules (pause, snooze for posture notices, quiet hours, do-not-disturb),
// except the answers to something the user just did (the calibration
// countdown and its result).
type Show struct{ Notice }

// Record asks for an event to be kept in the history.
type Record struct{ Event }

// TakeCalibration asks the shell, which owns the camera, to take a
// calibration now and report the outcome with Session.Calibrated. Tired
// asks for the optional second step instead: the user's own tired posture
// added to the current calibration.
type TakeCalibration struct{ Tired bool }

// SaveState asks for the day state to be persisted.
type SaveState struct{ Snapshot }

// Accrue hands on the spans of state time the session's timeline has
// accounted for, in order: the history credits exactly these, so time is
// accrued once, by one model.
type Accrue struct{ Spans []Span }

func (Show) isEffect()            {}
func (Record) isEffect()          {}
func (TakeCalibration) isEffect() {}
func (SaveState) isEffect()       {}
func (Accrue) isEffect()          {}

// SessionOptions are the parts of a Session that are not the alert
// configuration.
type SessionOptions struct {
	// BaselineNeckAngleDeg is the calibrated upright neck angle the alert
	// text compares against; nil when not calibrated.
	BaselineNeckAngleDeg *float64
	// Calibrated: judged against the user's own baseline. An uncalibrated
	// session offers a calibration (the first-run guide) when CanCalibrate.
	Calibrated   bool
	CanCalibrate bool
	// CalibrationCountdown is the wait between asking for a guided
	// calibration and taking it; DefaultCalibrationCountdown when zero.
	CalibrationCountdown time.Duration
	// PainPrompt is the daily local time ("HH:MM") of the opt-in pain
	// prompt; empty is off.
	PainPrompt string
	// StateEvery is how often the day state is saved (5 min when zero).
	StateEvery time.Duration
	// AdviceEvery is the least time between two desk-advice notices
	// (DefaultAdviceEvery when zero; negative: no advice notices).
	AdviceEvery time.Duration
}

// Session is the coach core: everything the daemon decides, as one
// deterministic state machine. Its inputs are verdict samples, the user's
// commands and clock ticks; its outputs are Effects. It does no I/O, starts
// no goroutine and reads no clock: the caller passes the time. Not safe for
// concurrent use.
//
// Inside, the policy runs the time accounting (Timeline), the silencing,
// the posture run and the load budget with breaks; the Session adds the
// notices that are not about a posture sample: the end of a user-started
// break, the daily pain prompt and the first-run calibration guide.
type Session struct {
	pol *policy
	opt SessionOptions

	lastSave time.Time

	breakEnd time.Time // end of a user-started break; zero: none
	breakLen time.Duration

	promptAt int    // PainPrompt in minutes after midnight, -1 off
	prompted string // local day the pain prompt was shown

	guide  guide
	advice advice
}

// NewSession starts a session at now.
func NewSession(cfg Config, opt SessionOptions, now time.Time) (*Session, error) {
	pol, err := newPolicy(cfg, opt.BaselineNeckAngleDeg, now)
	if err != nil {
		return nil, err
	}
	if opt.CalibrationCountdown <= 0 {
		opt.CalibrationCountdown = DefaultCalibrationCountdown
	}
	if opt.StateEvery <= 0 {
		opt.StateEvery = 5 * time.Minute
	}
	if opt.AdviceEvery == 0 {
		opt.AdviceEvery = DefaultAdviceEvery
	}
	s := &Session{pol: pol, opt: opt, lastSave: now, promptAt: -1}
	if opt.PainPrompt != "" {
		if s.promptAt, err = ParseClock(opt.PainPrompt); err != nil {
			return nil, err
		}
	}
	s.guide.calibrated = opt.Calibrated
	s.advice.every = max(opt.AdviceEvery, 0)
	return s, nil
}

// Config is the alert configuration in use.
func (s *Session) Config() Config { return s.pol.cfg }

// effects turns policy events into effects: every event is recorded,
// those meant to be shown are shown (noticeOf).
func effects(out []Effect, evs []Event) []Effect {
	for _, e := range evs {
		out = append(out, Record{e})
		if n, ok := noticeOf(e); ok {
			out = append(out, Show{n})
		}
	}
	return out
}

// Sample feeds one verdict taken at now.
func (s *Session) Sample(now time.Time, v posture.Verdict) []Effect {
	return s.accrued(effects(nil, s.pol.Observe(now, v)))
}

// accrued puts the spans accounted for since the last call first.
func (s *Session) accrued(out []Effect) []Effect {
	if len(s.pol.accrued) == 0 {
		return out
	}
	spans := s.pol.accrued
	s.pol.accrued = nil
	return append([]Effect{Accrue{spans}}, out...)
}

// Stop accounts for the time up to now (the last sample's hold, at most
// the max gap) and ends the session's timeline: the daemon is stopping.
// Only the records and the spans come back; nothing is shown.
func (s *Session) Stop(now time.Time) []Effect {
	var out []Effect
	for _, e := range s.accrued(effects(nil, s.pol.Tick(now))) {
		if _, show := e.(Show); !show {
			out = append(out, e)
		}
	}
	s.pol.tl.Drop(now)
	return out
}

// Forget drops the held sample when it was taken before cut (any sample
// when cut is zero): after a `history forget`, no span from before the
// cut is accrued.
func (s *Session) Forget(now, cut time.Time) {
	if st, at, _ := s.pol.tl.Last(); st != "" && (cut.IsZero() || at.Before(cut)) {
		s.pol.tl.Drop(now)
	}
}

// present reports whether a fresh sample (within the max gap) saw
// someone: an hour-old sample taken before a video call took the camera,
// or before a suspend, does not count.
func (s *Session) present(now time.Time) bool {
	st := s.pol.tl.Fresh(now)
	return st != "" && st != posture.Away
}

// Tick advances time without a sample; call it every few seconds.
func (s *Session) Tick(now time.Time) []Effect {
	out := s.accrued(effects(nil, s.pol.Tick(now)))
	out = s.breakOver(now, out)
	out = s.painPrompt(now, out)
	out = s.guide.tick(s, now, out)
	out = s.advice.tick(s, now, out)
	if now.Sub(s.lastSave) >= s.opt.StateEvery {
		s.lastSave = now
		out = append(out, SaveState{s.Snapshot()})
	}
	return out
}

// Pause stops sampling and notices for d (0: until Resume).
func (s *Session) Pause(now time.Time, d time.Duration) []Effect {
	s.pol.Pause(now, d)
	return []Effect{Record{s.pol.userEvent(Paused, now, d)}}
}

// Resume ends a pause and a snooze.
func (s *Session) Resume(now time.Time) []Effect {
	s.pol.Resume(now)
	return []Effect{Record{s.pol.userEvent(Resumed, now, 0)}}
}

// Snooze holds posture notices for d.
func (s *Session) Snooze(now time.Time, d time.Duration) []Effect {
	s.pol.Snooze(now, d)
	return []Effect{Record{s.pol.userEvent(Snoozed, now, d)}}
}

// SetDoNotDisturb sets the desktop's do-not-disturb state.
func (s *Session) SetDoNotDisturb(on bool) { s.pol.SetDoNotDisturb(on) }

// StartBreak starts a break the user asked for; a notice says when it is
// over (see policy.StartBreak). started is false when a break was already
// under way: nothing new is started.
func (s *Session) StartBreak(now time.Time) (out []Effect, started bool) {
	evs, started := s.pol.StartBreak(now)
	if started {
		s.breakLen = s.pol.cfg.BreakLength
		s.breakEnd = now.Add(s.breakLen)
	}
	return s.accrued(effects(nil, evs)), started
}

// breakOver ends a user-started break with a notice, unless silenced then:
// nothing stale is delivered once the silence ends.
func (s *Session) breakOver(now time.Time, out []Effect) []Effect {
	if s.breakEnd.IsZero() || now.Before(s.breakEnd) {
		return out
	}
	s.breakEnd = time.Time{}
	if s.held(now) {
		return out
	}
	title, body := BreakOverText(s.breakLen)
	return append(out, Show{Notice{Title: title, Body: body, Category: categoryBreak}})
}

// painPrompt asks once a day, at the configured time, for a pain score,
// while the user is at the desk; held while silenced, asked once the
// silence ends the same day.
func (s *Session) painPrompt(now time.Time, out []Effect) []Effect {
	if s.promptAt < 0 {
		return out
	}
	day := localDay(now)
	due := now.Hour()*60+now.Minute() >= s.promptAt && s.prompted != day
	if !due || !s.present(now) || s.held(now) {
		return out
	}
	s.prompted = day
	return append(out, Show{painPromptNotice()})
}

// held reports whether the session's own notices are held now: the
// policy's silencing (quiet hours, do-not-disturb) or a pause.
func (s *Session) held(now time.Time) bool {
	return s.pol.Silenced(now) || s.pol.isPaused(now)
}

// Paused reports whether sampling is paused at now (the shell keeps the
// camera off).
func (s *Session) Paused(now time.Time) bool { return s.pol.isPaused(now) }

// Reconfigure applies a new alert configuration (a reloaded file) without
// losing any state: a pause stays a pause (the camera stays off), a snooze
// a snooze, an open break window and the posture run go on; the new
// limits apply from now.
func (s *Session) Reconfigure(cfg Config, baselineNeckAngleDeg *float64, now time.Time) error {
	pol, err := newPolicy(cfg, baselineNeckAngleDeg, now)
	if err != nil {
		return err
	}
	pol.carryOver(s.pol)
	s.pol = pol
	return nil
}

// Status is the policy's status at now.
func (s *Session) Status(now time.Time) Status { return s.pol.Status(now) }

// Snapshot is the persistent state: the policy's day state and when the
// last desk advice was shown.
func (s *Session) Snapshot() Snapshot {
	snap := s.pol.Snapshot()
	if !s.advice.shownAt.IsZero() {
		snap.AdviceShownAt = s.advice.shownAt.Format(time.RFC3339)
	}
	return snap
}

// Restore loads a saved state (see policy.Restore); the last advice's time
// is kept across days.
func (s *Session) Restore(snap Snapshot, now time.Time) error {
	var shown time.Time
	if snap.AdviceShownAt != "" {
		t, err := time.Parse(time.RFC3339, snap.AdviceShownAt)
		if err != nil {
			return errors.New("coach: Snapshot.AdviceShownAt must be a time like 2006-01-02T15:04:05Z07:00")
		}
		shown = t
	}
	if err := s.pol.Restore(snap, now); err != nil {
		return err
	}
	s.advice.shownAt = shown
	return nil
}

// userEvent is the history record of a user's command.
func (p *policy) userEvent(kind Kind, at time.Time, d time.Duration) Command {
	return Command{EventMeta: p.newEvent(kind, at), For: max(d, 0)}
}
