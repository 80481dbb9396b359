package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// dayRow is a row of the report's daily table ("Tue 01 Dec    1.0 h ...").
var dayRow = regexp.MustCompile(`(?m)^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d [A-Z][a-z]{2} `)

// TestReportPeriodBounded: the period is checked before anything is read
// and bounded by the history's first day and today: a huge --days is the
// whole history (not a minute of empty rows, not an overflow into the
// future), a day after today or a number too large for a flag is a usage
// error of one line, and a bad chart size fails before the table is
// printed (issue 15 item 2).
func TestReportPeriodBounded(t *testing.T) {
	db := isolateData(t)
	today := seedHistory(t, db) // the 14 days up to today
	first := today.AddDate(0, 0, -13)
	whole := fmt.Sprintf("Posture %s – %s: 14 days, 14 with data", first.Format("Mon 02 Jan"), today.Format("Mon 02 Jan 2006"))
	chart := filepath.Join(t.TempDir(), "c.png")
	cases := []struct {
		name   string
		args   []string
		code   int
		want   string // in stdout for 0, stderr otherwise
		rows   int    // day rows for 0
		listed bool   // journal list rather than report
	}{
		{"ten million days", []string{"--days", "10000000"}, 0, whole, 14, false},
		{"max int days", []string{"--days", "9223372036854775807"}, 0, whole, 14, false},
		{"since 1900", []string{"--since", "1900-01-01"}, 0, whole, 14, false},
		{"three days", []string{"--days", "3"}, 0, "3 days, 3 with data", 3, false},
		{"since the first day", []string{"--since", first.Format("2006-01-02")}, 0, whole, 14, false},
		{"since tomorrow", []string{"--since", today.AddDate(0, 0, 1).Format("2006-01-02")}, 2, "is after today", 0, false},
		{"since 2030", []string{"--since", "2030-01-01"}, 2, "--since 2030-01-01 is after today", 0, false},
		{"22 digits", []string{"--days", "1234567890123456789012"}, 2, "--days 1234567890123456789012: too large a number", 0, false},
		{"zero days", []string{"--days", "0"}, 2, "--days must be at least 1", 0, false},
		{"chart width 0", []string{"--chart", chart, "--width", "0"}, 2, "width must be 320-8000", 0, false},
		{"chart height too big", []string{"--chart", chart, "--height", "100000"}, 2, "height 300-8000", 0, false},
		{"width without chart", []string{"--width", "500"}, 2, "give --chart", 0, false},
		{"journal max int days", []string{"--days", "9223372036854775807"}, 0, "No journal entries from " + first.Format("Mon 02 Jan 2006") + " to today", 0, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"report"}, tc.args...)
			if tc.listed {
				args = append([]string{"journal", "list"}, tc.args...)
			}
			code, out, stderr := runCLI(t, args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stdout %q, stderr %q", code, tc.code, out, stderr)
			}
			if tc.code != 0 {
				if out != "" || !strings.Contains(stderr, tc.want) || strings.Contains(stderr, "strconv") {
					t.Errorf("stdout %q, stderr %q; want only %q on stderr", out, stderr, tc.want)
				}
				if _, err := os.Stat(chart); err == nil {
					t.Errorf("a chart was written")
				}
				return
			}
			if tc.listed {
				if !strings.Contains(out, tc.want) {
					t.Errorf("journal list:\n%s", out)
				}
				return
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("report does not say %q:\n%s", tc.want, out)
			}
			if n := len(dayRow.FindAllString(out, -1)); n != tc.rows {
				t.Errorf("%d day rows, want %d:\n%s", n, tc.rows, out)
			}
		})
	}
}
