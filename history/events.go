package history

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

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
