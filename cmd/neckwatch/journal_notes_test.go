package main

import (
	"database/sql"
	"strings"
	"testing"
	"time"
)

// TestJournalNotesBoundedAndPrintedSafely: a note is kept on one line and
// bounded; one with escape sequences is refused; a note that reached the
// database otherwise prints escaped, never acting on the terminal (issue 15
// item 10).
func TestJournalNotesBoundedAndPrintedSafely(t *testing.T) {
	db := isolateData(t)
	pinClock(t)
	adds := []struct {
		name, note string
		code       int
		want       string // in stdout for 0, stderr for 2
	}{
		{"words on lines", "long\tcall\n\n  then  rest", 0, "Noted"},
		{"escape sequence", "red \x1b[31malert", 2, "--note: the note has control characters"},
		{"direction override", "abc\u202edef", 2, "--note: the note has control characters"},
		{"bell", "ding\a", 2, "control characters"},
		{"too long", strings.Repeat("é", 501), 2, "--note: the note has 501 characters: at most 500"},
		{"at the limit", strings.Repeat("é", 500), 0, "Noted"},
	}
	for _, tc := range adds {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runCLI(t, "journal", "add", "--pain", "3", "--note", tc.note)
			got := out
			if tc.code != 0 {
				got = stderr
			}
			if code != tc.code || !strings.Contains(got, tc.want) {
				t.Errorf("exit %d (want %d), stdout %q, stderr %q; want %q", code, tc.code, out, stderr, tc.want)
			}
		})
	}
	// Notes another program (or an older neckwatch) wrote.
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	at := clock().Add(-time.Hour).UnixMilli()
	for _, note := range []string{"tab\there\nnext line", "\x1b[2J\x1b[31mcleared", "bad \xff byte"} {
		if _, err := raw.Exec("INSERT INTO pain(at, score, note) VALUES (?, 5, ?)", at, note); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	code, out, stderr := runCLI(t, "journal", "list")
	if code != 0 {
		t.Fatalf("journal list: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"long call then rest", `tab\there\nnext line`, `\x1b[2J\x1b[31mcleared`, `bad \xff byte`, strings.Repeat("é", 500)} {
		if !strings.Contains(out, want) {
			t.Errorf("journal list does not show %q:\n%s", want, out)
		}
	}
	if strings.ContainsAny(out, "\x1b\t\a\u202e") || strings.Count(out, "\n") != 6 {
		t.Errorf("journal list prints control characters or breaks lines (%d lines):\n%q", strings.Count(out, "\n"), out)
	}
}
