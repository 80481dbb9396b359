package report

import (
	"bytes"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/history"
)

// date is local midnight of a day in November 2026 (UTC for the tests).
func date(day int) time.Time { return time.Date(2026, time.November, day, 0, 0, 0, 0, time.UTC) }

func fp(v float64) *float64 { return &v }

// workDay is a day of 6 present hours.
func workDay(t time.Time, fhMin, alerts, uprightMin int, pain float64, angle float64) history.Day {
	return history.Day{
		Date:             t,
		Present:          6 * time.Hour,
		Upright:          time.Duration(uprightMin) * time.Minute,
		ForwardHead:      time.Duration(fhMin) * time.Minute,
		Slouch:           10 * time.Minute,
		Alerts:           alerts,
		Corrections:      alerts / 2,
		BreaksSuggested:  4,
		MeanNeckAngleDeg: angle,
		NeckAngleMinutes: 300,
		Pain:             fp(pain),
	}
}

// seeded is 21 calendar days, Mon 02 Nov to Sun 22 Nov 2026, with the
// weekend of 07-08 Nov missing:
//   - 02-06 and 09-10 (the first 7 days with data): forward head 60 min,
//     12 alerts, upright 216 of 360 min (60%), pain 5, angle 44°, 1 of 4
//     breaks taken;
//   - 11-15: forward head 45 min, 9 alerts, upright 252 min (70%), pain 4,
//     angle 45.5°, 2 of 4 breaks;
//   - 16-22 (the last 7 days with data): forward head 30 min, 6 alerts,
//     upright 270 min (75%), pain 3, angle 47°, 3 of 4 breaks.
func seeded() []history.Day {
	var days []history.Day
	for d := 2; d <= 22; d++ {
		var day history.Day
		switch {
		case d == 7 || d == 8:
			continue
		case d <= 10:
			day = workDay(date(d), 60, 12, 216, 5, 44)
			day.BreaksTaken = 1
		case d <= 15:
			day = workDay(date(d), 45, 9, 252, 4, 45.5)
			day.BreaksTaken = 2
		default:
			day = workDay(date(d), 30, 6, 270, 3, 47)
			day.BreaksTaken = 3
		}
		days = append(days, day)
	}
	return days
}

func TestBuildRowsAndTotals(t *testing.T) {
	r := Build(seeded(), date(2).Add(13*time.Hour), date(22).Add(23*time.Hour))
	if len(r.Rows) != 21 {
		t.Fatalf("rows = %d, want 21", len(r.Rows))
	}
	if !r.From.Equal(date(2)) || !r.To.Equal(date(22)) {
		t.Errorf("period = %v..%v", r.From, r.To)
	}
	for i, row := range r.Rows {
		if !row.Date.Equal(date(2 + i)) {
			t.Errorf("row %d date %v", i, row.Date)
		}
		wantData := row.Date.Day() != 7 && row.Date.Day() != 8
		if row.HasData != wantData {
			t.Errorf("row %s HasData = %v", row.Date.Format(isoLayout), row.HasData)
		}
	}
	tot := r.Totals
	if tot.Days != 21 || tot.DaysWithData != 19 {
		t.Errorf("days %d with data %d, want 21 and 19", tot.Days, tot.DaysWithData)
	}
	if tot.Present != 114*time.Hour {
		t.Errorf("present %v", tot.Present)
	}
	if got := tot.ForwardHeadMinutes(); got != 855 {
		t.Errorf("forward head %v min, want 855", got)
	}
	if tot.Alerts != 171 || tot.BreaksSuggested != 76 || tot.BreaksTaken != 7+10+21 {
		t.Errorf("alerts %d breaks %d/%d", tot.Alerts, tot.BreaksTaken, tot.BreaksSuggested)
	}
	if p, ok := tot.MeanPain(); !ok || p != 4 {
		t.Errorf("mean pain %v %v, want 4", p, ok)
	}
	// Upright 7*216 + 5*252 + 7*270 = 4662 of 6840 minutes.
	if got, want := tot.UprightPct(), 100*4662.0/6840; math.Abs(got-want) > 1e-12 {
		t.Errorf("upright %v, want %v", got, want)
	}
	if a, ok := tot.MeanNeckAngle(); !ok || math.Abs(a-(7*44+5*45.5+7*47)/19) > 1e-12 {
		t.Errorf("neck angle %v %v", a, ok)
	}
}

func TestTrendFirstVsLastWeek(t *testing.T) {
	r := Build(seeded(), date(2), date(22))
	tr := r.Trend
	if tr == nil {
		t.Fatal("no trend")
	}
	if tr.Label != "First week vs last week" {
		t.Errorf("label %q", tr.Label)
	}
	if !tr.Before.First.Equal(date(2)) || !tr.Before.Last.Equal(date(10)) || tr.Before.DaysWithData != 7 {
		t.Errorf("before window %v..%v (%d days)", tr.Before.First, tr.Before.Last, tr.Before.DaysWithData)
	}
	if !tr.After.First.Equal(date(16)) || !tr.After.Last.Equal(date(22)) || tr.After.DaysWithData != 7 {
		t.Errorf("after window %v..%v (%d days)", tr.After.First, tr.After.Last, tr.After.DaysWithData)
	}
	check := func(name string, f *Figure, before, after, change, changePct float64, dir Direction, text string) {
		t.Helper()
		if f == nil {
			t.Fatalf("%s: no figure", name)
		}
		if f.Before != before || f.After != after || f.Change != change || f.ChangePct != changePct || f.Direction != dir {
			t.Errorf("%s = %v → %v change %v (%v%%) %v; want %v → %v change %v (%v%%) %v",
				name, f.Before, f.After, f.Change, f.ChangePct, f.Direction, before, after, change, changePct, dir)
		}
		if f.Text != text {
			t.Errorf("%s text %q, want %q", name, f.Text, text)
		}
	}
	check("forward head", tr.ForwardHead, 10, 5, -5, -50, Better, "forward-head minutes down 50% (10.0 → 5.0 per present hour)")
	check("alerts", tr.Alerts, 2, 1, -1, -50, Better, "alerts per hour down from 2.0 to 1.0")
	check("upright", tr.Upright, 60, 75, 15, 25, Better, "upright time up 15 points (60% → 75%)")
	check("pain", tr.Pain, 5, 3, -2, -40, Better, "pain down from 5.0 to 3.0")
	check("neck angle", tr.NeckAngle, 44, 47, 3, 100*3.0/44, Better, "mean neck angle up from 44.0° to 47.0° (head more upright)")

	want := "First week vs last week: forward-head minutes down 50% (10.0 → 5.0 per present hour), alerts per hour down from 2.0 to 1.0, upright time up 15 points (60% → 75%), pain down from 5.0 to 3.0, mean neck angle up from 44.0° to 47.0° (head more upright)."
	if got := tr.Text(); got != want {
		t.Errorf("trend text\n got %q\nwant %q", got, want)
	}
	if b, w, f := tr.Count(); b != 5 || w != 0 || f != 0 {
		t.Errorf("count %d/%d/%d", b, w, f)
	}
}

// TestTrendWorse reverses the history: everything got worse, and the text
// says so plainly.
func TestTrendWorse(t *testing.T) {
	days := seeded()
	n := len(days)
	rev := make([]history.Day, n)
	for i, d := range days {
		rd := days[n-1-i]
		rd.Date = d.Date
		rev[i] = rd
	}
	r := Build(rev, date(2), date(22))
	tr := r.Trend
	for _, f := range tr.Figures() {
		if f.Direction != Worse {
			t.Errorf("%s: direction %v, want worse", f.Metric, f.Direction)
		}
	}
	if tr.ForwardHead.ChangePct != 100 || tr.ForwardHead.Text != "forward-head minutes up 100% (5.0 → 10.0 per present hour): the head drifted forward more often lately" {
		t.Errorf("forward head %v %q", tr.ForwardHead.ChangePct, tr.ForwardHead.Text)
	}
	if tr.Alerts.Text != "alerts per hour up from 1.0 to 2.0: more posture resets than before" {
		t.Errorf("alerts %q", tr.Alerts.Text)
	}
	if tr.Upright.Change != -15 || tr.Upright.Text != "upright time down 15 points (75% → 60%): a little less upright than before" {
		t.Errorf("upright %v %q", tr.Upright.Change, tr.Upright.Text)
	}
	if !strings.HasPrefix(tr.Pain.Text, "pain up from 3.0 to 5.0") {
		t.Errorf("pain %q", tr.Pain.Text)
	}
	if len(r.Advice) == 0 || !strings.Contains(r.Advice[0], "slipped") {
		t.Errorf("advice %q", r.Advice)
	}
}

func TestTrendDeadBand(t *testing.T) {
	var days []history.Day
	for d := 1; d <= 4; d++ {
		// Forward head 60 → 62 min (10 → 10.33 per hour, 3%), upright
		// 60% → 60.5%, pain 4 → 4.2, angle 45 → 45.5: all flat.
		fh, up, pain, angle := 60, 216, 4.0, 45.0
		if d > 2 {
			fh, up, pain, angle = 62, 218, 4.2, 45.5
		}
		days = append(days, workDay(date(d), fh, 12, up, pain, angle))
	}
	r := Build(days, date(1), date(4))
	for _, f := range r.Trend.Figures() {
		if f.Direction != Flat {
			t.Errorf("%s: %v → %v is %v, want flat", f.Metric, f.Before, f.After, f.Direction)
		}
		if !strings.Contains(f.Text, "about the same") {
			t.Errorf("%s: text %q", f.Metric, f.Text)
		}
	}
}

func TestTrendHalfVsHalf(t *testing.T) {
	var days []history.Day
	for d := 1; d <= 10; d++ {
		if d <= 5 {
			days = append(days, workDay(date(d), 90, 18, 180, 6, 43))
		} else {
			days = append(days, workDay(date(d), 54, 9, 252, 4.5, 46))
		}
	}
	r := Build(days, date(1), date(10))
	tr := r.Trend
	if tr == nil || tr.Label != "First half vs second half" {
		t.Fatalf("trend %+v", tr)
	}
	if tr.Before.DaysWithData != 5 || tr.After.DaysWithData != 5 || !tr.Before.Last.Equal(date(5)) || !tr.After.First.Equal(date(6)) {
		t.Errorf("windows %v..%v / %v..%v", tr.Before.First, tr.Before.Last, tr.After.First, tr.After.Last)
	}
	if f := tr.ForwardHead; f.Before != 15 || f.After != 9 || f.ChangePct != -40 || f.Direction != Better {
		t.Errorf("forward head %+v", *f)
	}
	if f := tr.Alerts; f.Before != 3 || f.After != 1.5 || f.Text != "alerts per hour down from 3.0 to 1.5" {
		t.Errorf("alerts %+v", *f)
	}
	if f := tr.Upright; f.Before != 50 || f.After != 70 || f.Change != 20 {
		t.Errorf("upright %+v", *f)
	}
	if f := tr.Pain; f.Before != 6 || f.After != 4.5 || f.Text != "pain down from 6.0 to 4.5" {
		t.Errorf("pain %+v", *f)
	}

	// An odd count leaves the middle day out: 3 days → day 1 vs day 3.
	r = Build(days[:3], date(1), date(3))
	if r.Trend.Before.DaysWithData != 1 || !r.Trend.After.First.Equal(date(3)) {
		t.Errorf("odd windows %+v", r.Trend)
	}
}

func TestNoTrendForOneDay(t *testing.T) {
	r := Build(seeded()[:1], date(2), date(2))
	if r.Trend != nil {
		t.Errorf("trend for one day: %+v", r.Trend)
	}
	var b bytes.Buffer
	if err := r.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "one day of data so far") {
		t.Errorf("table:\n%s", b.String())
	}
}

func TestWriteTable(t *testing.T) {
	r := Build(seeded(), date(2), date(22))
	var b bytes.Buffer
	if err := r.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	t.Logf("\n%s", out)

	dayLine := regexp.MustCompile(`^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d Nov\s`)
	var days, gaps int
	for _, line := range strings.Split(out, "\n") {
		if dayLine.MatchString(line) {
			days++
			if strings.Contains(line, "no data") {
				gaps++
			}
		}
	}
	if days != 21 || gaps != 2 {
		t.Errorf("%d day lines, %d gap lines; want 21 and 2", days, gaps)
	}
	for _, want := range []string{
		"Posture Mon 02 Nov – Sun 22 Nov 2026: 21 days, 19 with data",
		"Sat 07 Nov  no data",
		"Mon 02 Nov    6.0 h      60%    60 min      12          6     1/4  44.0°   5.0",
		"Sun 22 Nov    6.0 h      75%    30 min       6          3     3/4  47.0°   3.0",
		"Total",
		"First week vs last week (Mon 02 Nov–Tue 10 Nov vs Mon 16 Nov–Sun 22 Nov, 7 days each):",
		"  forward-head minutes down 50% (10.0 → 5.0 per present hour)",
		"  alerts per hour down from 2.0 to 1.0",
		"  upright time up 15 points (60% → 75%)",
		"  pain down from 5.0 to 3.0",
		"Good progress",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q", want)
		}
	}
	// The totals line: 114 h present, 68% upright, 855 min forward, 171
	// alerts, 38/76 breaks, pain 4.0.
	var total string
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "Total") {
			total = line
		}
	}
	if got := strings.Fields(total); strings.Join(got, " ") != "Total 114.0 h 68% 855 min 171 83 38/76 45.5° 4.0" {
		t.Errorf("totals line %q", total)
	}
}

func TestWriteTableNoData(t *testing.T) {
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	// Days outside the period do not count.
	r := Build(seeded()[:1][:0], from, to)
	r2 := Build([]history.Day{workDay(date(24), 1, 1, 1, 1, 1)}, from, to)
	for _, r := range []Report{r, r2} {
		if len(r.Rows) != 23 || r.HasData() || r.Trend != nil || len(r.Advice) != 0 {
			t.Errorf("empty report: %d rows, data %v", len(r.Rows), r.HasData())
		}
		var b bytes.Buffer
		if err := r.WriteTable(&b); err != nil {
			t.Fatal(err)
		}
		want := "No posture history between 2026-11-01 and 2026-11-23: is `neckwatch run` running? Data appears after the first minute.\n"
		if b.String() != want {
			t.Errorf("got %q, want %q", b.String(), want)
		}
	}
}

func TestAdvice(t *testing.T) {
	// No pain entered, breaks rarely taken.
	var days []history.Day
	for d := 1; d <= 4; d++ {
		day := workDay(date(d), 60, 12, 216, 0, 45)
		day.Pain = nil
		day.BreaksTaken = 0
		days = append(days, day)
	}
	r := Build(days, date(1), date(4))
	if r.Trend.Pain != nil {
		t.Errorf("pain figure without pain entries")
	}
	joined := strings.Join(r.Advice, "\n")
	if len(r.Advice) > 2 || !strings.Contains(joined, "neckwatch journal add --pain N") || !strings.Contains(joined, "0 of 16 suggested breaks") {
		t.Errorf("advice %q", r.Advice)
	}
}

func TestBuildMergesAndSwaps(t *testing.T) {
	a := workDay(date(3).Add(2*time.Hour), 30, 2, 100, 2, 40)
	b := workDay(date(3), 30, 4, 100, 4, 50)
	r := Build([]history.Day{a, b}, date(4), date(2)) // from after to: swapped
	if len(r.Rows) != 3 || !r.From.Equal(date(2)) {
		t.Fatalf("rows %d from %v", len(r.Rows), r.From)
	}
	d := r.Rows[1].Day
	if d.Present != 12*time.Hour || d.Alerts != 6 || *d.Pain != 3 || d.MeanNeckAngleDeg != 45 || d.NeckAngleMinutes != 600 {
		t.Errorf("merged day %+v", d)
	}
}

func TestBuildAcrossDST(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	// Summer time ends on Sun 25 Oct 2026.
	from := time.Date(2026, 10, 23, 0, 0, 0, 0, loc)
	to := time.Date(2026, 10, 28, 0, 0, 0, 0, loc)
	day := workDay(time.Date(2026, 10, 26, 0, 0, 0, 0, loc), 1, 1, 1, 1, 1)
	r := Build([]history.Day{day}, from, to)
	if len(r.Rows) != 6 {
		t.Fatalf("rows %d, want 6", len(r.Rows))
	}
	for i, row := range r.Rows {
		if row.Date.Day() != 23+i || row.Date.Hour() != 0 {
			t.Errorf("row %d: %v", i, row.Date)
		}
	}
	if !r.Rows[3].HasData {
		t.Errorf("Mon 26 Oct has no data")
	}
}

// A rate per hour needs an hour at the desk: a trend between two halves
// of minutes compares no rates (one alert in 10 minutes is not "6/h"),
// only the upright share; with an hour each, the rates are compared.
func TestTrendRatesNeedAnHour(t *testing.T) {
	for _, tc := range []struct {
		present   time.Duration
		wantRates bool
	}{{10 * time.Minute, false}, {59 * time.Minute, false}, {time.Hour, true}} {
		day := func(d int) history.Day {
			wd := workDay(date(d), 3, 1, 5, 2, 45)
			wd.Present, wd.Upright, wd.ForwardHead, wd.Slouch = tc.present, tc.present/2, tc.present/4, 0
			return wd
		}
		r := Build([]history.Day{day(2), day(3)}, date(2), date(3))
		if r.Trend == nil || r.Trend.Upright == nil {
			t.Fatalf("%v a day: no trend or no upright figure: %+v", tc.present, r.Trend)
		}
		if got := r.Trend.ForwardHead != nil && r.Trend.Alerts != nil; got != tc.wantRates {
			t.Errorf("%v a day: rates compared %v, want %v (%v)", tc.present, got, tc.wantRates, r.Trend.Figures())
		}
		if got := r.Totals.HasRates(); got != (2*tc.present >= time.Hour) {
			t.Errorf("%v in all: HasRates %v", 2*tc.present, got)
		}
	}
}
