package coach

import (
	"errors"
	"math"
	"time"

	"github.com/neckwatch/neckwatch/posture"
	"github.com/neckwatch/neckwatch/timeline"
)

// policy is the alert state machine. Create it with New: the zero policy
// is not usable. It is not safe for concurrent use (the daemon calls it
// from one loop).
type policy struct {
	cfg      Config
	baseline *float64
	lastID   int

	tl  timeline.Timeline // the held sample and the time accrued up to
	day string            // local date of the time accrued up to
	// accrued are the timeline's spans since the session last took them:
	// the history credits the same spans (time is accrued once).
	accrued []Span

	silencing  // pause, snooze, quiet hours, do-not-disturb (silence.go)
	postureRun // onset, recovery, cooldown, acknowledgement (posturerun.go)
	breaks     // load budget and break windows (breaks.go)
}

// New returns a policy with cfg (which must be valid) and the user's
// calibrated upright neck angle, or nil when not calibrated. now is the
// start of time for the policy.
func newPolicy(cfg Config, baselineNeckAngleDeg *float64, now time.Time) (*policy, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p := &policy{
		cfg:        cfg,
		tl:         timeline.NewTimeline(now, cfg.MaxSampleGap),
		day:        localDay(now),
		postureRun: postureRun{cooldown: cfg.Cooldown, stateTime: map[posture.State]time.Duration{}},
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
func (p *policy) Config() Config { return p.cfg }

// SetBaseline replaces the baseline neck angle after a (re)calibration;
// nil means uncalibrated. The value is copied.
func (p *policy) SetBaseline(deg *float64) {
	if deg == nil || math.IsNaN(*deg) || math.IsInf(*deg, 0) {
		p.baseline = nil
		return
	}
	v := *deg
	p.baseline = &v
}

// Observe feeds one verdict taken at now and returns the events it causes.
func (p *policy) Observe(now time.Time, v posture.Verdict) []Event {
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
func (p *policy) Tick(now time.Time) []Event {
	now = p.tl.Clamp(now)
	evs := p.advance(now)
	return append(evs, p.evaluate(now)...)
}

// Snooze suppresses posture alerts (and acknowledgements) until now+d;
// load still accrues. d <= 0 cancels a snooze.
func (p *policy) Snooze(now time.Time, d time.Duration) {
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
func (p *policy) Pause(now time.Time, d time.Duration) {
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
func (p *policy) Resume(now time.Time) {
	p.snoozedUntil = time.Time{}
	if p.paused {
		p.resume(now)
	}
}

// SetDoNotDisturb sets the desktop's do-not-disturb state. While on,
// nothing is notified (see the package doc for what happens after).
func (p *policy) SetDoNotDisturb(on bool) { p.dnd = on }

// Status reports the state as of the last Observe or Tick, with pause,
// snooze and quiet hours evaluated at now. It does not change the policy.
func (p *policy) Status(now time.Time) Status {
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
	s.Paused = p.isPaused(now)
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

// isPaused reports whether a pause is in force at now (one with an end
// is over at its end, whether or not a Tick has seen it yet).
func (p *policy) isPaused(now time.Time) bool {
	return p.paused && (p.pausedUntil.IsZero() || now.Before(p.pausedUntil))
}

// carryOver takes over old's state (a configuration reload): the held
// sample and the time accounted, the pause, snooze and do-not-disturb,
// the posture run, the load and the break window, the day. Only the
// configuration (with its quiet hours and the timeline's max gap) and the
// baseline are the new policy's.
func (p *policy) carryOver(old *policy) {
	tl := old.tl.WithMaxGap(p.cfg.MaxSampleGap)
	quiet, qs, qe := p.quiet, p.quietStart, p.quietEnd
	p.tl, p.day, p.lastID = tl, old.day, old.lastID
	p.silencing = old.silencing
	p.quiet, p.quietStart, p.quietEnd = quiet, qs, qe
	p.postureRun = old.postureRun
	p.breaks = old.breaks
	// The new cooldown applies to the run under way at once: the new base,
	// grown as often as alerts were ignored in this bad phase, and the
	// next alert time follows from it.
	p.cooldown = p.cfg.Cooldown
	for i := 1; i < p.alertsInPhase; i++ {
		p.cooldown = min(time.Duration(float64(p.cooldown)*p.cfg.CooldownGrowth), p.cfg.MaxCooldown)
	}
	if p.lastAlertID != 0 {
		p.nextAlertAt = p.lastAlertAt.Add(p.cooldown)
	}
}

// Snapshot returns the persistent state.
func (p *policy) Snapshot() Snapshot {
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
func (p *policy) Restore(s Snapshot, now time.Time) error {
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

func (p *policy) newEvent(kind Kind, at time.Time) EventMeta {
	p.lastID++
	return EventMeta{ID: p.lastID, Kind: kind, At: at}
}

func localDay(t time.Time) string { return t.Format("2006-01-02") }

// Silenced reports whether notifications are held now (do-not-disturb or
// quiet hours): the rule the daemon's own notices (the end of a break, the
// pain prompt) follow too, so that every notification passes the same
// silencing.
func (p *policy) Silenced(now time.Time) bool { return p.silenced(now) }

func (p *policy) resume(at time.Time) {
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
func (p *policy) advance(now time.Time) []Event {
	var evs []Event
	for p.tl.Accounted().Before(now) {
		if p.paused {
			if p.pausedUntil.IsZero() || now.Before(p.pausedUntil) {
				p.tl.Drop(now)
				p.rollDay(now)
				break
			}
			at := p.pausedUntil
			length := at.Sub(p.pausedAt)
			p.resume(at)
			evs = append(evs, Command{EventMeta: p.newEvent(Resumed, at), For: length})
			continue
		}
		for _, sp := range p.tl.Advance(now, nil) {
			p.accrued = append(p.accrued, sp)
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

// accrue credits a span to its state.
func (p *policy) accrue(sp Span) []Event {
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

// setHeld makes v the held sample.
func (p *policy) setHeld(now time.Time, v posture.Verdict) []Event {
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
		p.uprightSeen = now
		return p.checkUpright(now)
	default: // uncertain: someone is there
		p.away = 0
	}
	return nil
}

// evaluate decides what to emit at now.
func (p *policy) evaluate(now time.Time) []Event {
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
			ev := BreakEnd{EventMeta: p.newEvent(BreakTaken, now), Load: p.load, Budget: p.cfg.LoadBudget, AwayFor: p.windowAway}
			p.setLoad(0)
			evs = append(evs, ev)
		case !now.Before(p.windowEnd):
			p.windowOpen = false
			ev := BreakEnd{EventMeta: p.newEvent(BreakSkipped, now), Load: p.load, Budget: p.cfg.LoadBudget, AwayFor: p.windowAway}
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
			evs = append(evs, BreakNotice{EventMeta: p.newEvent(PreBreakNotice, now),
				Load: p.load, Budget: p.cfg.LoadBudget, BreakLength: p.cfg.BreakLength, Lead: lead})
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
