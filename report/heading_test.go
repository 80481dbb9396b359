package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestSaidOnce: a heading is not repeated by the text under it, in the
// table, the page and the weekly lines (issue 15 item 8).
func TestSaidOnce(t *testing.T) {
	few := Build(seeded()[:3], date(2), date(22)) // too few pain days and desk days
	few.AddInsights(deskMinutes(lastWeek()[:3], 80, 26, 62, 2), nil)
	var b bytes.Buffer
	if err := few.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	page, err := few.HTML(time.Date(2026, 11, 22, 18, 5, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	w := BuildWeekly(seeded(), nil, nil, time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC), "file:///r.html")
	tags := regexp.MustCompile(`<[^>]*>`)
	badge := regexp.MustCompile(`<span class="badge">[^<]*</span>`)
	for _, tc := range []struct{ name, text string }{
		{"table", b.String()},
		{"page", tags.ReplaceAllString(badge.ReplaceAllString(string(page), ""), "\n")},
		{"weekly", strings.Join(w.Lines[:], "\n")},
	} {
		for _, h := range []string{"Pain against posture", "Screen height", "Screen distance", "Screen to one side"} {
			twice := regexp.MustCompile(regexp.QuoteMeta(h) + `:?\s*` + regexp.QuoteMeta(h))
			if m := twice.FindString(tc.text); m != "" {
				t.Errorf("%s says %q twice: %q", tc.name, h, m)
			}
		}
	}
	if !regexp.MustCompile(`Pain against posture:\n  \d+ days have both a pain score and posture data`).MatchString(b.String()) {
		t.Errorf("table:\n%s", b.String())
	}
}
