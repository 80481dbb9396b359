// Package alerts is the time-based alert policy between per-sample posture
// verdicts and desktop notifications in the always-on daemon.
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
// History-only events (PostureCorrected without acknowledgement,
// BreakTaken, BreakSkipped, Resumed) are emitted with Notify false even
// during quiet hours and do-not-disturb.
package coach

import (
	"errors"
	"math"
	"sort"
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
	// Resumed: a timed pause expired. (Explicit Resume calls emit nothing:
	// the caller already knows.)
	Resumed Kind = "resumed"
)

// Event is something the daemon should record and maybe show.
type Event struct {
	ID     int       // sequence number within this Policy, from 1 (not persisted)
	Kind   Kind      //
	At     time.Time // when it was decided (the now of the call)
	Notify bool      // show Title/Body as a desktop notification; false: history only
	Title  string    // notification title
	Body   string    // notification body, may contain newlines

	// State is the posture behind the event: the dominant bad state of the
	// run for PostureAlert and PostureCorrected, empty otherwise.
	State posture.State
	// Severity is the mean severity over the bad run (PostureAlert).
	Severity float64
	// ForwardCM and NeckAngleDeg are the medians over the bad run
	// (PostureAlert); nil when no sample had them.
	ForwardCM    *float64
	NeckAngleDeg *float64
	// BaselineNeckAngleDeg is the baseline the text compared against; nil
	// when the text claimed none.
	BaselineNeckAngleDeg *float64
	// BadFor is the accumulated bad time of the run (PostureAlert).
	BadFor time.Duration
	// Cooldown is the time until the next alert can fire if the user stays
	// bad (PostureAlert).
	Cooldown time.Duration

	// AlertID and AlertAt identify the alert a PostureCorrected refers to.
	AlertID int
	AlertAt time.Time
	// CorrectedAfter is the time from the alert to the start of the
	// sustained upright stretch that ended the bad phase.
	CorrectedAfter time.Duration
	// CorrectedWithinMinute: CorrectedAfter <= Config.CorrectionWindow.
	// It is only ever set on PostureCorrected; the alert itself cannot know.
	CorrectedWithinMinute bool

	// Load and Budget describe the forward-head load (break events).
	Load   time.Duration
	Budget time.Duration
	// BreakLength is the suggested break length (BreakSuggested).
	BreakLength time.Duration
	// AwayFor is the away time counted after the suggestion (BreakTaken).
	AwayFor time.Duration
	// SafetyNote: the body carries the full SafetyNote (first suggestion
	// ever), otherwise only SafetyPointer (BreakSuggested).
	SafetyNote bool
}

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
}

// maxRunSamples bounds the figures kept per bad run; the median of the
// most recent samples is what the text needs.
const maxRunSamples = 256

// rateTau is the time constant of the load-rate moving average used for
// Status.TimeToBreak.
const rateTau = 10 * time.Minute

type runSample struct {
	forwardCM  *float64
	neckDeg    *float64
	severity   float64
	calibrated bool
}

// Policy is the alert state machine. Create it with New: the zero Policy
// is not usable. It is not safe for concurrent use (the daemon calls it
// from one loop).
type Policy struct {
	cfg        Config
	baseline   *float64
	quiet      bool
	quietStart int // minutes after local midnight
	quietEnd   int

	lastID int

	tl  Timeline // the held sample and the time accrued up to
	day string   // local date of the time accrued up to

	paused       bool
	pausedAt     time.Time
	pausedUntil  time.Time // zero: until Resume
	snoozedUntil time.Time
	dnd          bool

	// posture state machine
	inBad          bool
	runActive      bool          // a bad sample was seen since the last reset
	onset          time.Duration // bad time toward Onset
	runBad         time.Duration // bad time in the whole run
	stateTime      map[posture.State]time.Duration
	lastBadState   posture.State
	samples        []runSample
	uprightActive  bool
	uprightStart   time.Time
	upright        time.Duration
	alertsInPhase  int
	lastAlertID    int
	lastAlertAt    time.Time
	lastAlertState posture.State
	cooldown       time.Duration
	nextAlertAt    time.Time
	lastAckAt      time.Time

	away time.Duration // current absence

	// load and breaks
	load            time.Duration
	rate            float64 // moving average of load seconds per second
	rateWeight      float64 // total weight in rate, to correct its start-up bias
	noticeSent      bool
	noticeAt        time.Time
	breaksToday     int
	firstBreakShown bool
	windowOpen      bool
	windowEnd       time.Time
	windowAway      time.Duration
}

// New returns a Policy with cfg (which must be valid) and the user's
// calibrated upright neck angle, or nil when not calibrated. now is the
// start of time for the policy.
func New(cfg Config, baselineNeckAngleDeg *float64, now time.Time) (*Policy, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p := &Policy{
		cfg:       cfg,
		tl:        NewTimeline(now, cfg.MaxSampleGap),
		day:       localDay(now),
		cooldown:  cfg.Cooldown,
		stateTime: map[posture.State]time.Duration{},
	}
	if cfg.QuietStart != "" {
		p.quiet = true
		p.quietStart, _ = ParseClock(cfg.QuietStart)
		p.quietEnd, _ = ParseClock(cfg.QuietEnd)
	}
	p.SetBaseline(baselineNeckAngleDeg)
	return p, nil
}

// Config returns the configuration in use.
func (p *Policy) Config() Config { return p.cfg }

// SetBaseline replaces the baseline neck angle after a (re)calibration;
// nil means uncalibrated. The value is copied.
func (p *Policy) SetBaseline(deg *float64) {
	if deg == nil || math.IsNaN(*deg) || math.IsInf(*deg, 0) {
		p.baseline = nil
		return
	}
	v := *deg
	p.baseline = &v
}

// Observe feeds one verdict taken at now and returns the events it causes.
func (p *Policy) Observe(now time.Time, v posture.Verdict) []Event {
	now = p.tl.Clamp(now)
	evs := p.advance(now)
	if p.paused {
		return evs
	}
	evs = append(evs, p.setHeld(now, v)...)
	return append(evs, p.evaluate(now)...)
}

// Tick advances time without a sample: it expires pauses, closes break
// windows, and lets held samples play out. Call it every few seconds.
func (p *Policy) Tick(now time.Time) []Event {
	now = p.tl.Clamp(now)
	evs := p.advance(now)
	return append(evs, p.evaluate(now)...)
}

// Snooze suppresses posture alerts (and acknowledgements) until now+d;
// load still accrues. d <= 0 cancels a snooze.
func (p *Policy) Snooze(now time.Time, d time.Duration) {
	if d <= 0 {
		p.snoozedUntil = time.Time{}
		return
	}
	p.snoozedUntil = now.Add(d)
}

// Pause stops everything until now+d, or until Resume when d <= 0.
// Nothing accrues and nothing fires while paused. The held sample is
// dropped and the posture timers restart, because the daemon is not
// watching: the time since the last accrual is not credited.
func (p *Policy) Pause(now time.Time, d time.Duration) {
	if p.paused && !p.pausedUntil.IsZero() && !now.Before(p.pausedUntil) {
		p.resume(p.pausedUntil) // the old pause ran out: this is a new one
	}
	if !p.paused {
		p.paused = true
		p.pausedAt = now
		p.resetPosture()
		p.tl.Drop(now)
		p.away = 0
	}
	if d <= 0 {
		p.pausedUntil = time.Time{}
	} else {
		p.pausedUntil = now.Add(d)
	}
}

// Resume ends a pause and a snooze.
func (p *Policy) Resume(now time.Time) {
	p.snoozedUntil = time.Time{}
	if p.paused {
		p.resume(now)
	}
}

// SetDoNotDisturb sets the desktop's do-not-disturb state. While on,
// nothing is notified (see the package doc for what happens after).
func (p *Policy) SetDoNotDisturb(on bool) { p.dnd = on }

// Status reports the state as of the last Observe or Tick, with pause,
// snooze and quiet hours evaluated at now. It does not change the policy.
func (p *Policy) Status(now time.Time) Status {
	s := Status{
		Bad:             p.inBad,
		Onset:           p.cfg.Onset,
		OnsetElapsed:    p.onset,
		Cooldown:        p.cooldown,
		NextAlertAt:     p.nextAlertAt,
		Load:            p.load,
		Budget:          p.cfg.LoadBudget,
		BreakWindowOpen: p.windowOpen,
		BreaksToday:     p.breaksToday,
		MaxBreaksPerDay: p.cfg.MaxBreaksPerDay,
		SnoozedUntil:    p.snoozedUntil,
		QuietHours:      p.inQuiet(now),
		DoNotDisturb:    p.dnd,
	}
	s.Posture = p.tl.Fresh(now)
	s.OnsetProgress = math.Min(1, p.onset.Seconds()/p.cfg.Onset.Seconds())
	if p.inBad {
		s.OnsetProgress = 1
	}
	s.LoadFraction = p.load.Seconds() / p.cfg.LoadBudget.Seconds()
	if s.LoadToBreak = p.cfg.LoadBudget - p.load; s.LoadToBreak < 0 {
		s.LoadToBreak = 0
	}
	if r := p.loadRate(); s.LoadToBreak > 0 && r > 1e-3 && p.breaksToday < p.cfg.MaxBreaksPerDay {
		s.TimeToBreak = time.Duration(float64(s.LoadToBreak) / r)
	}
	s.Paused = p.paused && (p.pausedUntil.IsZero() || now.Before(p.pausedUntil))
	if s.Paused {
		s.PausedUntil = p.pausedUntil
	}
	s.Snoozed = p.snoozed(now)
	if !s.Snoozed {
		s.SnoozedUntil = time.Time{}
	}
	switch {
	case s.Paused:
		s.Phase = PhasePaused
	case s.Snoozed:
		s.Phase = PhaseSnoozed
	case s.Posture == posture.Away:
		s.Phase = PhaseAway
	case p.inBad:
		s.Phase = PhaseBad
	case s.Posture == "":
		s.Phase = PhaseUnknown
	default:
		s.Phase = PhaseUpright
	}
	return s
}

// Snapshot returns the persistent state.
func (p *Policy) Snapshot() Snapshot {
	return Snapshot{
		Day:             p.day,
		LoadSeconds:     p.load.Seconds(),
		BreaksToday:     p.breaksToday,
		FirstBreakShown: p.firstBreakShown,
	}
}

// Restore loads a Snapshot taken earlier. The first-break flag is always
// kept; load and break count only when s.Day is the local day of now: a
// new day starts with a fresh budget (the night was a break).
func (p *Policy) Restore(s Snapshot, now time.Time) error {
	if math.IsNaN(s.LoadSeconds) || s.LoadSeconds < 0 || s.LoadSeconds > 7*24*3600 {
		return errors.New("alerts: Snapshot.LoadSeconds must be between 0 and one week")
	}
	if s.BreaksToday < 0 {
		return errors.New("alerts: Snapshot.BreaksToday must not be negative")
	}
	if s.Day != "" {
		if _, err := time.Parse("2006-01-02", s.Day); err != nil {
			return errors.New("alerts: Snapshot.Day must be a date like 2006-01-02")
		}
	}
	p.firstBreakShown = p.firstBreakShown || s.FirstBreakShown
	if s.Day == localDay(now) {
		p.load = time.Duration(s.LoadSeconds * float64(time.Second))
		p.breaksToday = s.BreaksToday
		p.day = s.Day
		p.noticeSent = false
	}
	return nil
}

// --- internals ---

func (p *Policy) newEvent(kind Kind, at time.Time) Event {
	p.lastID++
	return Event{ID: p.lastID, Kind: kind, At: at}
}

func localDay(t time.Time) string { return t.Format("2006-01-02") }

func nextMidnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, t.Location())
}

func (p *Policy) snoozed(now time.Time) bool {
	return !p.snoozedUntil.IsZero() && now.Before(p.snoozedUntil)
}

func (p *Policy) inQuiet(now time.Time) bool {
	if !p.quiet {
		return false
	}
	m := now.Hour()*60 + now.Minute()
	if p.quietStart < p.quietEnd {
		return m >= p.quietStart && m < p.quietEnd
	}
	return m >= p.quietStart || m < p.quietEnd // across midnight
}

// silenced: no notification at all (quiet hours, do-not-disturb).
func (p *Policy) silenced(now time.Time) bool { return p.dnd || p.inQuiet(now) }

// Silenced reports whether notifications are held now (do-not-disturb or
// quiet hours): the rule the daemon's own notices (the end of a break, the
// pain prompt) follow too, so that every notification passes the same
// silencing.
func (p *Policy) Silenced(now time.Time) bool { return p.silenced(now) }

// postureSilenced: no posture notification (also while snoozed).
func (p *Policy) postureSilenced(now time.Time) bool { return p.silenced(now) || p.snoozed(now) }

func (p *Policy) resume(at time.Time) {
	p.paused = false
	if p.windowOpen && at.After(p.pausedAt) {
		// The break window is frozen while paused: the user could not be
		// seen taking the break.
		p.windowEnd = p.windowEnd.Add(at.Sub(p.pausedAt))
	}
	p.pausedUntil = time.Time{}
	p.tl.Drop(at)
	p.rollDay(p.tl.Accounted())
}

// advance accrues the time from the last accrual to now: the timeline's
// spans of the held sample, each split at the break window's end so each
// piece has one meaning, and a pause that ran out meanwhile.
func (p *Policy) advance(now time.Time) []Event {
	var evs []Event
	for p.tl.Accounted().Before(now) {
		if p.paused {
			if p.pausedUntil.IsZero() || now.Before(p.pausedUntil) {
				p.tl.Drop(now)
				p.rollDay(now)
				break
			}
			at := p.pausedUntil
			p.resume(at)
			ev := p.newEvent(Resumed, at)
			ev.Title, ev.Body = resumedText()
			evs = append(evs, ev)
			continue
		}
		for _, sp := range p.tl.Advance(now, nil) {
			if p.windowOpen && p.windowEnd.After(sp.Start) && p.windowEnd.Before(sp.End) {
				head := sp
				head.End, sp.Start = p.windowEnd, p.windowEnd
				evs = append(evs, p.accrue(head)...)
			}
			evs = append(evs, p.accrue(sp)...)
			p.rollDay(sp.End)
		}
		p.rollDay(now)
	}
	if st, at, _ := p.tl.Last(); st != "" && !p.paused && now.Sub(at) >= p.cfg.StaleAfter {
		// Too long without evidence: restart quietly rather than let a
		// stale onset or bad phase complete on the next sample.
		p.resetPosture()
		p.tl.Drop(now)
		p.away = 0
	}
	return evs
}

// rollDay starts a new local day at t if needed: the break count and the
// load reset (a night away is the best break; the budget is per day).
func (p *Policy) rollDay(t time.Time) {
	d := localDay(t)
	if d == p.day {
		return
	}
	p.day = d
	p.breaksToday = 0
	p.setLoad(0)
}

func (p *Policy) setLoad(l time.Duration) {
	if l < 0 {
		l = 0
	}
	p.load = l
	if p.load < p.cfg.LoadBudget-p.cfg.PreBreakNotice {
		p.noticeSent = false
	}
}

// loadState: states that load the neck. Slouching drops the head and
// flexes the neck as forward head posture does (neck load grows with
// flexion, Hansraj 2014); a sideways lean does not, so it only alerts.
func loadState(s posture.State) bool { return s == posture.ForwardHead || s == posture.Slouch }

func (p *Policy) updateRate(d time.Duration, r float64) {
	a := 1 - math.Exp(-d.Seconds()/rateTau.Seconds())
	p.rate += a * (r - p.rate)
	p.rateWeight += a * (1 - p.rateWeight)
}

// loadRate is the bias-corrected moving average: without the correction
// the average starts at 0 and the first estimates would be far too long.
func (p *Policy) loadRate() float64 {
	if p.rateWeight <= 0 {
		return 0
	}
	return p.rate / p.rateWeight
}

// accrue credits a span to its state.
func (p *Policy) accrue(sp Span) []Event {
	start, end, state := sp.Start, sp.End, sp.State
	d := end.Sub(start)
	if d <= 0 || state == "" {
		return nil
	}
	switch {
	case state == posture.Away:
		a0 := p.away
		p.away += d
		if p.windowOpen && start.Before(p.windowEnd) {
			// advance splits at windowEnd, so this piece is inside.
			p.windowAway += d
		}
		p.drain(a0, p.away)
		if a0 < p.cfg.AwayDrainAfter && p.away >= p.cfg.AwayDrainAfter {
			// A natural break: restart the posture timers; stale onset
			// progress from before it should not complete afterwards.
			p.resetPosture()
		}
	case state == posture.Uncertain:
		// Hold: neither advance nor reset.
	case state.Bad():
		p.stateTime[state] += d
		p.runBad += d
		if !p.inBad {
			p.onset += d
			if p.onset >= p.cfg.Onset {
				p.inBad = true
				p.alertsInPhase = 0
			}
		}
		r := 0.0
		if loadState(state) {
			r = sp.Severity
			p.setLoad(p.load + time.Duration(float64(d)*sp.Severity))
		}
		p.updateRate(d, r)
	case state == posture.Upright:
		p.upright += d
		p.updateRate(d, 0)
		return p.checkUpright(end)
	}
	return nil
}

// drain applies the natural-break drain for an absence growing from a0 to
// a1: the drained fraction is a/AwayFullDrain once a >= AwayDrainAfter.
func (p *Policy) drain(a0, a1 time.Duration) {
	f := func(a time.Duration) float64 {
		if a < p.cfg.AwayDrainAfter {
			return 0
		}
		return math.Min(1, a.Seconds()/p.cfg.AwayFullDrain.Seconds())
	}
	f0, f1 := f(a0), f(a1)
	if f1 <= f0 {
		return
	}
	if f1 >= 1 {
		p.setLoad(0)
		return
	}
	p.setLoad(time.Duration(float64(p.load) * (1 - f1) / (1 - f0)))
}

// checkUpright applies the upright rules at time at: a long enough upright
// stretch resets an onset run, a sustained one ends the bad phase.
func (p *Policy) checkUpright(at time.Time) []Event {
	if !p.uprightActive {
		return nil
	}
	if p.inBad {
		if p.upright >= p.cfg.Recovery {
			return p.leaveBad(at)
		}
		return nil
	}
	if p.runActive && p.upright >= p.cfg.BlipTolerance {
		p.clearRun()
	}
	return nil
}

func (p *Policy) clearRun() {
	p.runActive = false
	p.onset = 0
	p.runBad = 0
	clear(p.stateTime)
	p.samples = p.samples[:0]
}

// resetPosture restarts the posture machine without events (pause, stale
// gap, natural break). The cooldown returns to base: the user moved on.
func (p *Policy) resetPosture() {
	p.inBad = false
	p.clearRun()
	p.uprightActive = false
	p.upright = 0
	p.alertsInPhase = 0
	p.cooldown = p.cfg.Cooldown
	if p.lastAlertID != 0 {
		p.nextAlertAt = p.lastAlertAt.Add(p.cooldown)
	}
}

func (p *Policy) leaveBad(at time.Time) []Event {
	alerted := p.alertsInPhase > 0
	p.inBad = false
	p.clearRun()
	p.alertsInPhase = 0
	// Correcting resets the back-off, but the base cooldown since the last
	// alert still applies so an oscillating user is not nagged every minute.
	p.cooldown = p.cfg.Cooldown
	if p.lastAlertID != 0 {
		p.nextAlertAt = p.lastAlertAt.Add(p.cooldown)
	}
	if !alerted {
		return nil
	}
	after := p.uprightStart.Sub(p.lastAlertAt)
	if after < 0 {
		after = 0
	}
	within := after <= p.cfg.CorrectionWindow
	ack := within && p.cfg.Acknowledge && !p.postureSilenced(at) &&
		(p.lastAckAt.IsZero() || at.Sub(p.lastAckAt) >= p.cfg.AckMinInterval)
	ev := p.newEvent(PostureCorrected, at)
	ev.Notify = ack
	ev.State = p.lastAlertState
	ev.AlertID = p.lastAlertID
	ev.AlertAt = p.lastAlertAt
	ev.CorrectedAfter = after
	ev.CorrectedWithinMinute = within
	ev.Title, ev.Body = correctionText(after, within, ack)
	if ack {
		p.lastAckAt = at
	}
	return []Event{ev}
}

// setHeld makes v the held sample.
func (p *Policy) setHeld(now time.Time, v posture.Verdict) []Event {
	// advance has accrued up to now: holding yields no span.
	_, st, sev := p.tl.Hold(now, v, nil)
	switch {
	case st == posture.Away:
		return nil
	case st.Bad():
		p.away = 0
		p.uprightActive = false
		p.upright = 0
		p.runActive = true
		p.lastBadState = st
		if len(p.samples) == maxRunSamples {
			copy(p.samples, p.samples[1:])
			p.samples = p.samples[:maxRunSamples-1]
		}
		p.samples = append(p.samples, runSample{
			forwardCM:  finite(v.ForwardCM),
			neckDeg:    finite(v.NeckAngleDeg),
			severity:   sev,
			calibrated: v.Calibrated,
		})
	case st == posture.Upright:
		p.away = 0
		if !p.uprightActive {
			p.uprightActive = true
			p.uprightStart = now
			p.upright = 0
		}
		return p.checkUpright(now)
	default: // uncertain: someone is there
		p.away = 0
	}
	return nil
}

func finite(x *float64) *float64 {
	if x == nil || math.IsNaN(*x) || math.IsInf(*x, 0) {
		return nil
	}
	v := *x
	return &v
}

// evaluate decides what to emit at now.
func (p *Policy) evaluate(now time.Time) []Event {
	if p.paused {
		return nil
	}
	var evs []Event

	// Resolve an open break window first: it may reset the load.
	if p.windowOpen {
		need := time.Duration(float64(p.cfg.BreakLength) * p.cfg.BreakTakenFraction)
		switch {
		case p.windowAway >= need:
			p.windowOpen = false
			ev := p.newEvent(BreakTaken, now)
			ev.Load, ev.Budget, ev.AwayFor = p.load, p.cfg.LoadBudget, p.windowAway
			ev.Title, ev.Body = breakTakenText(p.windowAway)
			p.setLoad(0)
			evs = append(evs, ev)
		case !now.Before(p.windowEnd):
			p.windowOpen = false
			ev := p.newEvent(BreakSkipped, now)
			ev.Load, ev.Budget, ev.AwayFor = p.load, p.cfg.LoadBudget, p.windowAway
			ev.Title, ev.Body = breakSkippedText(p.cfg.BreakWindow)
			// A skipped break starts a new budget cycle so the user is
			// not asked again at once; the skip is in the history.
			p.setLoad(0)
			evs = append(evs, ev)
		}
	}

	held := p.tl.Fresh(now)
	present := held != "" && held != posture.Away
	suggested := false

	if p.breaksToday < p.cfg.MaxBreaksPerDay && !p.windowOpen && present && !p.silenced(now) {
		lead := p.cfg.PreBreakNotice
		if lead > 0 && !p.noticeSent && p.load >= p.cfg.LoadBudget-lead {
			p.noticeSent, p.noticeAt = true, now
			ev := p.newEvent(PreBreakNotice, now)
			ev.Notify = true
			ev.Load, ev.Budget, ev.BreakLength = p.load, p.cfg.LoadBudget, p.cfg.BreakLength
			ev.Title, ev.Body = preBreakText(p.load, lead, p.cfg.BreakLength)
			evs = append(evs, ev)
		}
		// The suggestion waits for the load and, when there is a notice,
		// for the notice's lead time in wall time, so a notice delivered
		// late (after DND) still gives its warning.
		if p.load >= p.cfg.LoadBudget && (lead == 0 || (p.noticeSent && !now.Before(p.noticeAt.Add(lead)))) {
			evs = append(evs, p.suggestBreak(now))
			suggested = true
		}
	}

	// A break suggestion covers a posture reset due at the same moment:
	// one notification, not two (the alert comes later if still due).
	if p.inBad && present && held.Bad() && !suggested && !p.postureSilenced(now) &&
		(p.nextAlertAt.IsZero() || !now.Before(p.nextAlertAt)) {
		evs = append(evs, p.alert(now))
	}
	return evs
}

func (p *Policy) alert(now time.Time) Event {
	if p.alertsInPhase > 0 {
		// Ignored the previous one: back off.
		c := time.Duration(float64(p.cooldown) * p.cfg.CooldownGrowth)
		p.cooldown = min(c, p.cfg.MaxCooldown)
	}
	p.alertsInPhase++
	p.nextAlertAt = now.Add(p.cooldown)

	f := p.figures()
	ev := p.newEvent(PostureAlert, now)
	ev.Notify = true
	ev.State = f.state
	ev.Severity = f.severity
	ev.ForwardCM, ev.NeckAngleDeg, ev.BaselineNeckAngleDeg = f.forwardCM, f.neckDeg, f.baseline
	ev.BadFor = f.badFor
	ev.Cooldown = p.cooldown
	ev.Title, ev.Body = postureAlertText(f)

	p.lastAlertID, p.lastAlertAt, p.lastAlertState = ev.ID, now, f.state
	return ev
}

// figures summarises the current run for the alert.
func (p *Policy) figures() runFigures {
	f := runFigures{badFor: p.runBad, state: p.lastBadState}
	var best time.Duration
	for _, s := range []posture.State{posture.ForwardHead, posture.Slouch, posture.Lean} {
		if t := p.stateTime[s]; t > best {
			best, f.state = t, s
		}
	}
	var fwd, neck []float64
	calibrated, sev := 0, 0.0
	for _, s := range p.samples {
		if s.forwardCM != nil {
			fwd = append(fwd, *s.forwardCM)
		}
		if s.neckDeg != nil {
			neck = append(neck, *s.neckDeg)
		}
		if s.calibrated {
			calibrated++
		}
		sev += s.severity
	}
	if n := len(p.samples); n > 0 {
		f.severity = sev / float64(n)
	}
	f.forwardCM, f.neckDeg = median(fwd), median(neck)
	// Claim a baseline only if there is one and the verdicts were judged
	// against it (most samples calibrated).
	if p.baseline != nil && calibrated*2 > len(p.samples) {
		b := *p.baseline
		f.baseline = &b
	}
	return f
}

func median(xs []float64) *float64 {
	if len(xs) == 0 {
		return nil
	}
	sort.Float64s(xs)
	m := xs[len(xs)/2]
	if len(xs)%2 == 0 {
		m = (xs[len(xs)/2-1] + m) / 2
	}
	return &m
}

// StartBreak starts a break the user asked for (the tray's "start a
// traction break now"): it is announced like a suggested one, with the
// safety note the first time, and counts as taken or skipped the same way.
// It does not count against MaxBreaksPerDay: asking for a break is never
// too often.
//
// It returns the events of the time it advances over first (a pause that
// ended, a posture corrected: none is lost), then the break's own
// suggestion. While a break window is already open no second one is
// opened (it would have ended the first as skipped): only the advanced
// events come back, and ok is false.
func (p *Policy) StartBreak(now time.Time) (evs []Event, ok bool) {
	now = p.tl.Clamp(now)
	evs = append(p.advance(now), p.evaluate(now)...)
	if p.windowOpen {
		return evs, false
	}
	ev := p.suggestBreak(now)
	p.breaksToday-- // user-started: not one of the day's suggestions
	ev.Title, ev.Body = manualBreakText(p.cfg.BreakLength, ev.SafetyNote)
	return append(evs, ev), true
}

func (p *Policy) suggestBreak(now time.Time) Event {
	p.breaksToday++
	p.windowOpen = true
	p.windowEnd = now.Add(p.cfg.BreakWindow)
	p.windowAway = 0
	first := !p.firstBreakShown
	p.firstBreakShown = true

	ev := p.newEvent(BreakSuggested, now)
	ev.Notify = true
	ev.Load, ev.Budget, ev.BreakLength = p.load, p.cfg.LoadBudget, p.cfg.BreakLength
	ev.SafetyNote = first
	ev.Title, ev.Body = breakText(p.load, p.cfg.BreakLength, first)
	return ev
}
