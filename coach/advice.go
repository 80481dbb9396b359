package coach

import (
	"time"
)

// The occasional desk-setup advice: at most once every AdviceEvery (a
// week by default), while the user is at the desk and nothing silences
// notices, the session asks its shell for the advice the history supports
// (CheckAdvice; the figures are the history's, the timing is the coach's)
// and shows the first piece it gets, with a button to dismiss that piece
// for good (DismissAdvice). When the history supports none yet, it asks
// again a day later.

// AdviceCategory is the notice category of the desk advice.
const AdviceCategory = "neckwatch.advice"

// ActionDismissAdvice is the advice notice's "don't show this again".
const ActionDismissAdvice = "dismiss"

// DefaultAdviceEvery is the least time between two advice notices.
const DefaultAdviceEvery = 7 * 24 * time.Hour

// adviceRetry is how long the session waits before asking again when the
// history supported no advice (too few days, mixed evidence).
const adviceRetry = 24 * time.Hour

// Advice is one piece of desk advice the shell found in the history: its
// stable ID (for dismissing it), a one-line title and the text with its
// evidence.
type Advice struct{ ID, Title, Text string }

// CheckAdvice asks the shell for the advice the history supports now (not
// dismissed), answered with Session.AdviceFound.
type CheckAdvice struct{}

// DismissAdvice asks the shell to keep the advice ID from being offered
// again (the user chose "don't show this again").
type DismissAdvice struct{ ID string }

func (CheckAdvice) isEffect()   {}
func (DismissAdvice) isEffect() {}

type advice struct {
	every     time.Duration // 0: off
	shownAt   time.Time     // last advice notice (persisted in the Snapshot)
	prevShown time.Time     // shownAt before the last notice, for AdviceNotShown
	nextAsk   time.Time     // not before: a retry after an empty answer
	asking    bool          // CheckAdvice out, no answer yet
	shownID   string        // the advice on screen, for its dismiss button
}

// tick asks for advice when it is due and the notice could be shown now.
func (a *advice) tick(s *Session, now time.Time, out []Effect) []Effect {
	if a.every <= 0 || a.asking || now.Before(a.nextAsk) || now.Sub(a.shownAt) < a.every ||
		!s.present(now) || s.held(now) {
		return out
	}
	a.asking = true
	return append(out, CheckAdvice{})
}

// AdviceFound answers CheckAdvice with the advice the history supports
// now, most useful first (none: too little or mixed evidence). The first
// is shown, if notices are still allowed.
func (s *Session) AdviceFound(now time.Time, found []Advice) []Effect {
	a := &s.advice
	a.asking = false
	if len(found) == 0 || s.held(now) {
		a.nextAsk = now.Add(adviceRetry)
		return nil
	}
	first := found[0]
	a.prevShown = a.shownAt
	a.shownAt, a.shownID = now, first.ID
	// Saved at once: a crash must not bring the same advice back at the
	// next start.
	return []Effect{SaveState{s.Snapshot()}, Show{Notice{
		Title:    first.Title,
		Body:     first.Text + "\nThe figures behind it: `neckwatch report --html FILE`.",
		Category: AdviceCategory, Low: true,
		Actions: []Action{{Key: ActionDismissAdvice, Label: "Don't show this again"}},
	}}}
}

// AdviceNotShown says the advice notice just asked for could not be shown
// (no notification service): it does not count as this week's advice, and
// the session asks again a day later.
func (s *Session) AdviceNotShown(now time.Time) []Effect {
	a := &s.advice
	a.shownAt, a.shownID = a.prevShown, ""
	a.nextAsk = now.Add(adviceRetry)
	return []Effect{SaveState{s.Snapshot()}}
}

// dismiss answers the advice notice's button.
func (a *advice) dismiss() []Effect {
	if a.shownID == "" {
		return nil
	}
	id := a.shownID
	a.shownID = ""
	return []Effect{DismissAdvice{ID: id}}
}
