package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/history"
	"github.com/neckwatch/neckwatch/insights"
)

// deskMinutes are n minutes from 09:00 on each of the days with the
// given desk figures.
func deskMinutes(days []time.Time, n int, pitch, dist, yaw float64) []history.Minute {
	var out []history.Minute
	for _, d := range days {
		for i := 0; i < n; i++ {
			out = append(out, history.Minute{
				Start: d.Add(9*time.Hour + time.Duration(i)*time.Minute), Present: time.Minute, Upright: time.Minute, Samples: 6,
				HeadPitchDeg: pitch, HeadPitchSamples: 6, DistanceCM: dist, DistanceSamples: 6, HeadYawDeg: yaw, HeadYawSamples: 6,
			})
		}
	}
	return out
}

func lastWeek() []time.Time {
	var ds []time.Time
	for d := 16; d <= 22; d++ {
		ds = append(ds, date(d))
	}
	return ds
}

// The terminal report adds the desk advice (with evidence, assumption
// and how to dismiss) and the pain comparison after the trend.
func TestWriteTableInsights(t *testing.T) {
	r := Build(seeded(), date(2), date(22))
	r.AddInsights(deskMinutes(lastWeek(), 80, 26, 62, 2), []string{"screen-distance"})
	var b bytes.Buffer
	if err := r.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	want := []string{
		"Desk set-up (Mon 16 Nov – Sun 22 Nov, from the camera):",
		// 62 × (tan 26° − tan 15°) = 13.6 cm.
		"  You look down about 26° on average while sitting upright: raise the screen by about 14 cm.",
		"    Evidence: Head pitch while sitting upright, the median of the daily medians: 26° down; more than 20° on 7 of the 7 days with at least 60 measured minutes in the last 7 days (560 minutes in all).",
		"    Done, or not for you? `neckwatch report --dismiss screen-height`",
		// Dismissed, but it had nothing to say anyway: the finding stays.
		"  Screen distance: about 62 cm on average (advice under 45 or beyond 85 cm): nothing to change.",
		"  Screen to one side: you face the camera within 15° most days: nothing to change.",
		"Pain against posture:",
		// 19 days with pain; the loads are 0 (the seeded days have none).
		"  Against the same day's forward-head load: the load was about the same on most of the 19 days, so there is no split into more and less (no rank correlation: the load or the pain did not vary).",
		"  " + insights.Caveat,
	}
	for _, w := range want {
		if !strings.Contains(out, w+"\n") {
			t.Errorf("table lacks %q", w)
		}
	}
	if t.Failed() {
		t.Logf("\n%s", out)
	}
	// Without AddInsights, no such sections.
	b.Reset()
	Build(seeded(), date(2), date(22)).WriteTable(&b)
	if strings.Contains(b.String(), "Desk set-up") || strings.Contains(b.String(), "Pain against posture") {
		t.Errorf("insights without AddInsights:\n%s", b.String())
	}
}

// The HTML page on its own (the browser test in cmd/neckwatch renders
// it): self-contained, the no-data days shaded, every value escaped, the
// charts labelled.
func TestWriteHTML(t *testing.T) {
	r := Build(seeded(), date(2), date(22))
	r.AddInsights(deskMinutes(lastWeek()[:3], 80, 26, 62, 2), nil) // too little desk data
	page, err := r.HTML(time.Date(2026, 11, 22, 18, 5, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	for _, w := range []string{
		"<!DOCTYPE html>", `<html lang="en">`,
		`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`,
		"<title>Posture report Mon 02 Nov – Sun 22 Nov 2026</title>",
		"made by neckwatch on Sun 22 Nov 2026 18:05",
		`<h3>Screen height<span class="badge">too little data</span></h3>
<p class="text">Not enough data yet: 3 of the 5 days needed`,
		`<tr class="nodata"><td>Sat 07 Nov</td><td colspan="12">no data</td></tr>`,
		`<title>Sat 07 Nov: no data</title>`,
		// Pain 5, 4, 3 on 19 days: the load never varies.
		"the load was about the same on most of the 19 days",
		"Mon 16 Nov: 75% upright",
	} {
		if !strings.Contains(s, w) {
			t.Errorf("page lacks %q", w)
		}
	}
	for _, bad := range []string{"<script", "<link", "http://", "https://", "@import", "url("} {
		if strings.Contains(strings.ReplaceAll(s, `xmlns="http://www.w3.org/2000/svg"`, ""), bad) {
			t.Errorf("page contains %q: it must need nothing from outside", bad)
		}
	}
	if n := strings.Count(s, `<rect class="gap"`); n != 3*2 {
		t.Errorf("%d no-data shades, want 2 per chart", n)
	}
	if n := len(regexp.MustCompile(`<svg class="chart"[^>]*role="img"`).FindAllString(s, -1)); n != 3 {
		t.Errorf("%d charts, want 3", n)
	}
	// Text from the data is escaped (a day's figures are numbers, but the
	// advice text carries "<" in "p < 0.001" and "&" nowhere else).
	r2 := Build(seeded(), date(2), date(22))
	r2.Advice = []string{`<b>"tags" & such</b>`}
	page, _ = r2.HTML(time.Now())
	if !strings.Contains(string(page), "&lt;b&gt;&#34;tags&#34; &amp; such&lt;/b&gt;") {
		t.Error("report text not escaped")
	}
	// No data: one sentence.
	empty := Build(nil, date(1), date(3))
	page, _ = empty.HTML(time.Now())
	if !strings.Contains(string(page), "No posture history between 2026-11-01 and 2026-11-03") || strings.Contains(string(page), "<svg") {
		t.Errorf("empty report page:\n%s", page)
	}
}

// The weekly summary: three lines against the week before, the advice or
// the pain journal, and the link.
func TestBuildWeekly(t *testing.T) {
	days := seeded()
	link := "file:///home/me/.local/state/neckwatch/report.html"
	w := BuildWeekly(days, deskMinutes(lastWeek(), 80, 26, 40, 2), nil, date(22).Add(20*time.Hour), link)
	// The week 16-22 Nov: 7 days of 6 h, upright 270 of 360 min, 30
	// forward minutes a day (5 per hour), 3 of 4 breaks a day; the week
	// before (9-15 Nov): 9-10 Nov at 60 min, 11-15 at 45 min: 345 over
	// 42 h, 8.21 per hour (down 39%); pain (2×5 + 5×4)/7 = 4.29 against
	// 3. The desk: 40 × (tan 26° − tan 15°) = 8.8 cm.
	want := [3]string{
		"42.0 h at the desk on 7 days, 75% upright, 5.0 forward-head minutes per hour, 21 of 28 breaks taken.",
		"Against the week before: forward-head minutes down 39% (8.2 → 5.0 per present hour), pain down from 4.3 to 3.0.",
		"Desk: You look down about 26° on average while sitting upright: raise the screen by about 9 cm.",
	}
	if w.Lines != want || w.AdviceID != insights.ScreenHeight || !w.HasData || w.Title != "Your posture week: Mon 16 – Sun 22 Nov" {
		t.Errorf("weekly %+v\nwant lines %q", w, want)
	}
	if w.Text() != strings.Join(want[:], "\n")+"\nFull report: "+link {
		t.Errorf("text %q", w.Text())
	}
	// The height dismissed, the distance fine: no desk advice left; the
	// pain comparison has its days but the seeded load never varies, so
	// there is no split to tell: the desk needs nothing.
	w = BuildWeekly(days, deskMinutes(lastWeek(), 80, 26, 62, 2), []string{"screen-height"}, date(22), link)
	if w.AdviceID != "" || w.Lines[2] != "Desk set-up: nothing to change from this week's measurements." {
		t.Errorf("dismissed: %q (%s)", w.Lines[2], w.AdviceID)
	}
	// No desk figures at all (a side-view camera): no reassurance that
	// nothing backs, the check says it has too little.
	w = BuildWeekly(days, nil, nil, date(22), link)
	if !strings.HasPrefix(w.Lines[2], "Screen height: ") || strings.Contains(w.Lines[2], "nothing to change") {
		t.Errorf("no desk figures: %q", w.Lines[2])
	}
	// The first week of use: nothing to compare, the journal to keep.
	var first []history.Day
	for _, d := range days[len(days)-3:] {
		d.Pain = nil
		first = append(first, d)
	}
	w = BuildWeekly(first, nil, nil, date(22), "")
	if w.Lines[1] != "No week before to compare with yet." ||
		w.Lines[2] != "Pain journal: 0 of the 10 days a comparison with your posture needs; add a score daily: `neckwatch journal add --pain N`." ||
		strings.Contains(w.Text(), "Full report") {
		t.Errorf("first week %q", w.Lines)
	}
	// No data this week.
	w = BuildWeekly(days, nil, nil, date(30), "")
	if w.HasData || w.Lines[0] != "No posture data this week: is `neckwatch run` running?" || w.Title != "Your posture week: Tue 24 – Mon 30 Nov" {
		t.Errorf("empty week %+v", w)
	}
	// Across a month and a year.
	if s := weekSpan(date(28), time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)); s != "Sat 28 Nov – Fri 04 Dec" {
		t.Errorf("weekSpan %q", s)
	}
	if s := weekSpan(time.Date(2026, 12, 29, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC)); s != "Tue 29 Dec 2026 – Mon 04 Jan 2027" {
		t.Errorf("weekSpan %q", s)
	}
}
