package coach

import (
	"math"
	"time"

	"github.com/neckwatch/neckwatch/posture"

	"github.com/neckwatch/neckwatch/internal/stats"
)

// maxRunSamples bounds the figures kept per bad run; the median of the
// most recent samples is what the text needs.
const maxRunSamples = 256

type runSample struct {
	forwardCM  *float64
	neckDeg    *float64
	severity   float64
	calibrated bool
}

// postureRun is the posture-run machine: bad time adds up toward the
// onset (short upright blips tolerated), a sustained bad phase alerts with
// a cooldown that grows while ignored, and sustained upright time ends the
// phase (acknowledged when it follows an alert closely).
type postureRun struct {
	inBad         bool
	runActive     bool          // a bad sample was seen since the last reset
	onset         time.Duration // bad time toward Onset
	runBad        time.Duration // bad time in the whole run
	stateTime     map[posture.State]time.Duration
	lastBadState  posture.State
	samples       []runSample
	uprightActive bool
	uprightStart  time.Time // the first upright sample of the stretch
	// uprightSeen is the latest upright sample of the stretch: a blip is
	// judged on upright seen, from the first such sample to the latest,
	// not on the time one sample's verdict is held. With bursts 6 s apart
	// a single upright sample is held for 6 s, longer than the 5 s
	// tolerance, and one misread or a glance up restarted the onset.
	uprightSeen    time.Time
	upright        time.Duration
	alertsInPhase  int
	lastAlertID    int
	lastAlertAt    time.Time
	lastAlertState posture.State
	cooldown       time.Duration
	nextAlertAt    time.Time
	lastAckAt      time.Time
	away           time.Duration // current absence
}

// checkUpright applies the upright rules at time at: a long enough upright
// stretch resets an onset run, a sustained one ends the bad phase.
func (p *policy) checkUpright(at time.Time) []Event {
	if !p.uprightActive {
		return nil
	}
	if p.inBad {
		if p.upright >= p.cfg.Recovery {
			return p.leaveBad(at)
		}
		return nil
	}
	if p.runActive && p.uprightSeen.Sub(p.uprightStart) >= p.cfg.BlipTolerance {
		p.clearRun()
	}
	return nil
}

func (p *policy) clearRun() {
	p.runActive = false
	p.onset = 0
	p.runBad = 0
	clear(p.stateTime)
	p.samples = p.samples[:0]
}

// resetPosture restarts the posture machine without events (pause, stale
// gap, natural break). The cooldown returns to base: the user moved on.
func (p *policy) resetPosture() {
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

func (p *policy) leaveBad(at time.Time) []Event {
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
	ev := Correction{EventMeta: p.newEvent(PostureCorrected, at), State: p.lastAlertState,
		AlertID: p.lastAlertID, AlertAt: p.lastAlertAt, CorrectedAfter: after, CorrectedWithinMinute: within, Ack: ack}
	if ack {
		p.lastAckAt = at
	}
	return []Event{ev}
}

func (p *policy) alert(now time.Time) Alert {
	if p.alertsInPhase > 0 {
		// Ignored the previous one: back off.
		c := time.Duration(float64(p.cooldown) * p.cfg.CooldownGrowth)
		p.cooldown = min(c, p.cfg.MaxCooldown)
	}
	p.alertsInPhase++
	p.nextAlertAt = now.Add(p.cooldown)

	f := p.figures()
	ev := Alert{EventMeta: p.newEvent(PostureAlert, now), State: f.state, Severity: f.severity,
		ForwardCM: f.forwardCM, NeckAngleDeg: f.neckDeg, BaselineNeckAngleDeg: f.baseline,
		BadFor: f.badFor, Cooldown: p.cooldown}

	p.lastAlertID, p.lastAlertAt, p.lastAlertState = ev.ID, now, f.state
	return ev
}

// figures summarises the current run for the alert.
func (p *policy) figures() runFigures {
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
	m := stats.Median(xs)
	return &m
}

func finite(x *float64) *float64 {
	if x == nil || math.IsNaN(*x) || math.IsInf(*x, 0) {
		return nil
	}
	v := *x
	return &v
}
