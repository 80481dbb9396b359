package coach

import (
	"time"
)

// silencing is what holds notifications back: a pause (nothing accrues,
// nothing fires), a snooze (posture notices only), quiet hours and the
// desktop's do-not-disturb (nothing is shown). Every notification passes
// the same filter (policy.Silenced, postureSilenced for posture notices).
type silencing struct {
	quiet        bool
	quietStart   int // minutes after local midnight
	quietEnd     int
	paused       bool
	pausedAt     time.Time
	pausedUntil  time.Time // zero: until Resume
	snoozedUntil time.Time
	dnd          bool
}

func (p *silencing) snoozed(now time.Time) bool {
	return !p.snoozedUntil.IsZero() && now.Before(p.snoozedUntil)
}

func (p *silencing) inQuiet(now time.Time) bool {
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
func (p *silencing) silenced(now time.Time) bool { return p.dnd || p.inQuiet(now) }

// postureSilenced: no posture notification (also while snoozed).
func (p *silencing) postureSilenced(now time.Time) bool { return p.silenced(now) || p.snoozed(now) }
