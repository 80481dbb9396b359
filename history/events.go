package history

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/neckwatch/neckwatch/coach"
)

// EventFromAlert maps a coach event to the journal event the daemon
// records, and false for the kinds the journal does not keep
// (pre_break_notice). Mapped kinds: posture_alert, posture_corrected
// (Corrected = CorrectedWithinMinute, AlertAt = the alert's time, so the
// Recorder marks that alert), break_suggested, break_taken, break_skipped,
// and the user's commands: paused, resumed (also a timed pause that
// expired), snoozed, calibrated. Detail carries the numbers in words.
func EventFromAlert(e coach.Event) (Event, bool) {
	h := Event{At: e.At, State: string(e.State)}
	switch e.Kind {
	case coach.PostureAlert:
		h.Kind = e.Kind
		h.Severity = e.Severity
		parts := []string{"bad for " + roundDur(e.BadFor)}
		if e.NeckAngleDeg != nil {
			parts = append(parts, fmt.Sprintf("neck angle %.0f°", *e.NeckAngleDeg))
		}
		if e.ForwardCM != nil {
			parts = append(parts, fmt.Sprintf("head forward %.1f cm", *e.ForwardCM))
		}
		h.Detail = strings.Join(parts, ", ")
	case coach.PostureCorrected:
		h.Kind = e.Kind
		h.Corrected = e.CorrectedWithinMinute
		h.AlertAt = e.AlertAt
		h.Detail = "upright " + roundDur(e.CorrectedAfter) + " after the alert"
	case coach.BreakSuggested:
		h.Kind = e.Kind
		h.Detail = fmt.Sprintf("load %s of %s, break %s", roundDur(e.Load), roundDur(e.Budget), roundDur(e.BreakLength))
	case coach.BreakTaken:
		h.Kind = e.Kind
		h.Detail = "away " + roundDur(e.AwayFor)
	case coach.BreakSkipped:
		h.Kind = e.Kind
		h.Detail = "away " + roundDur(e.AwayFor)
	case coach.Resumed, coach.Paused, coach.Snoozed, coach.Calibrated:
		h.Kind = e.Kind
		h.Detail = e.Detail
	default:
		return Event{}, false
	}
	return h, true
}

func roundDur(d time.Duration) string { return d.Round(time.Second).String() }

// ParsePainArea returns the PainArea named s (neck, upper-back, shoulders,
// head; case-insensitive). The empty string is the unspecified area.
func ParsePainArea(s string) (PainArea, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch a := PainArea(s); a {
	case "", AreaNeck, AreaUpperBack, AreaShoulders, AreaHead:
		return a, nil
	}
	return "", fmt.Errorf("unknown pain area %q: use neck, upper-back, shoulders or head", s)
}

// MaxNoteLen is the longest pain note, in characters: a few words, not a
// diary.
const MaxNoteLen = 500

// CleanNote is how a pain note is kept: its runs of spaces, tabs and line
// breaks as single spaces, without spaces at either end.
func CleanNote(s string) string { return strings.Join(strings.Fields(s), " ") }

// Validate checks the score (0..10), the area and the note: at most
// MaxNoteLen characters of UTF-8 text on one line, without control
// characters (an escape sequence would drive the terminal that lists it).
func (p PainEntry) Validate() error {
	if p.Score < 0 || p.Score > 10 {
		return fmt.Errorf("pain score %d out of range: use 0 (none) to 10 (worst)", p.Score)
	}
	switch {
	case !utf8.ValidString(p.Note):
		return errors.New("the note is not UTF-8 text")
	case utf8.RuneCountInString(p.Note) > MaxNoteLen:
		return fmt.Errorf("the note has %d characters: at most %d", utf8.RuneCountInString(p.Note), MaxNoteLen)
	case strings.IndexFunc(p.Note, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) >= 0:
		return errors.New("the note has control characters (line breaks, tabs, escapes): write it on one line")
	}
	switch p.Area {
	case "", AreaNeck, AreaUpperBack, AreaShoulders, AreaHead:
		return nil
	}
	return fmt.Errorf("unknown pain area %q: use neck, upper-back, shoulders or head", p.Area)
}
