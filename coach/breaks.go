package coach

import (
	"math"
	"time"

	"github.com/neckwatch/neckwatch/posture"
)

// rateTau is the time constant of the load-rate moving average used for
// Status.TimeToBreak.
const rateTau = 10 * time.Minute

// breaks is the load budget: severity-weighted forward-head time that
// earns a traction or mobility break, a heads-up before it, the break
// window in which the user is seen to take it or skip it, and the day's
// count.
type breaks struct {
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

// rollDay starts a new local day at t if needed: the break count and the
// load reset (a night away is the best break; the budget is per day).
func (p *policy) rollDay(t time.Time) {
	d := localDay(t)
	if d == p.day {
		return
	}
	p.day = d
	p.breaksToday = 0
	p.setLoad(0)
}

func (p *policy) setLoad(l time.Duration) {
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

func (p *policy) updateRate(d time.Duration, r float64) {
	a := 1 - math.Exp(-d.Seconds()/rateTau.Seconds())
	p.rate += a * (r - p.rate)
	p.rateWeight += a * (1 - p.rateWeight)
}

// loadRate is the bias-corrected moving average: without the correction
// the average starts at 0 and the first estimates would be far too long.
func (p *policy) loadRate() float64 {
	if p.rateWeight <= 0 {
		return 0
	}
	return p.rate / p.rateWeight
}

// drain applies the natural-break drain for an absence growing from a0 to
// a1: the drained fraction is a/AwayFullDrain once a >= AwayDrainAfter.
func (p *policy) drain(a0, a1 time.Duration) {
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
func (p *policy) StartBreak(now time.Time) (evs []Event, ok bool) {
	now = p.tl.Clamp(now)
	evs = append(p.advance(now), p.evaluate(now)...)
	if p.windowOpen {
		return evs, false
	}
	ev := p.openBreak(now) // user-started: not one of the day's suggestions
	ev.Manual = true
	return append(evs, ev), true
}

// suggestBreak opens a break window the load budget called for: one of
// the day's suggestions (MaxBreaksPerDay).
func (p *policy) suggestBreak(now time.Time) BreakStart {
	p.breaksToday++
	return p.openBreak(now)
}

// openBreak opens a break window, suggested or started by the user.
func (p *policy) openBreak(now time.Time) BreakStart {
	p.windowOpen = true
	p.windowEnd = now.Add(p.cfg.BreakWindow)
	p.windowAway = 0
	first := !p.firstBreakShown
	p.firstBreakShown = true

	return BreakStart{EventMeta: p.newEvent(BreakSuggested, now),
		Load: p.load, Budget: p.cfg.LoadBudget, BreakLength: p.cfg.BreakLength, SafetyNote: first}
}
