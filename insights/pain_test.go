package insights

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/history"
)

func fp(v float64) *float64 { return &v }

// painDay is a calendar day of November 2026 with posture data (an hour
// present, the given forward-head load in minutes), a pain score (nil:
// none) and breaks taken.
func painDay(d int, loadMin float64, pain *float64, breaks int) history.Day {
	return history.Day{
		Date: nov(d), Present: time.Hour, ForwardHeadLoad: time.Duration(loadMin * float64(time.Minute)),
		Pain: pain, BreaksTaken: breaks,
	}
}

// Ten days of the published Spearman example (IQ as the minutes of
// load, television hours / 5 as the pain), consecutive: the same-day
// comparison has exactly the 10 days it needs, the previous-day one 9.
func TestPainVsPostureTenDays(t *testing.T) {
	iq := []float64{106, 100, 86, 101, 99, 103, 97, 113, 112, 110}
	tv := []float64{7, 27, 2, 50, 28, 29, 20, 12, 6, 17}
	var days []history.Day
	for i := range iq {
		breaks := 0
		if i%3 == 0 { // days 0, 3, 6, 9
			breaks = 1
		}
		days = append(days, painDay(2+i, iq[i], fp(tv[i]/5), breaks))
	}
	p := PainVsPosture(days)
	if !p.Enough || p.PainDays != 10 || len(p.Days) != 10 || !p.Days[0].Date.Equal(nov(2)) {
		t.Fatalf("pain %+v", p)
	}
	s := p.SameDay
	// Median load 102: above it 103, 106, 110, 112, 113 (pain 5.8, 1.4,
	// 3.4, 1.2, 2.4: mean 2.84); at or below 86-101 (0.4, 4, 5.6, 5.4,
	// 10: mean 5.08). rho = -29/165, p = 0.627.
	if s.Days != 10 || s.ThresholdMin != 102 || s.High.Days != 5 || math.Abs(s.High.MeanPain-2.84) > 1e-9 ||
		s.Low.Days != 5 || math.Abs(s.Low.MeanPain-5.08) > 1e-9 || !s.Split || math.Abs(s.Rho+29.0/165) > 1e-12 {
		t.Errorf("same day %+v", s)
	}
	if want := "On the 5 days with more than 102 min of forward-head load your pain averaged 2.8; on the 5 days with 102 min or less, 5.1 (rank correlation -0.18 over 10 days, p = 0.63: this could well be chance)."; s.Text != want {
		t.Errorf("same day text %q\nwant %q", s.Text, want)
	}
	if want := "Against the previous day's forward-head load: 9 days have a pain score after a day with posture data; about 10 are needed."; p.PrevDay.Enough || p.PrevDay.Text != want {
		t.Errorf("previous day %+v\nwant %q", p.PrevDay, want)
	}
	// Breaks on days 0, 3, 6, 9: pain 1.4, 10, 4, 3.4 (mean 4.7); the
	// other six 5.4, 0.4, 5.6, 5.8, 2.4, 1.2 (mean 3.4667).
	b := p.Breaks
	if b.High.Days != 4 || math.Abs(b.High.MeanPain-4.7) > 1e-9 || b.Low.Days != 6 || math.Abs(b.Low.MeanPain-20.8/6) > 1e-9 {
		t.Errorf("breaks %+v", b)
	}
	if want := "On the 4 days you took a break your pain averaged 4.7; on the 6 days without, 3.5."; b.Text != want {
		t.Errorf("breaks text %q\nwant %q", b.Text, want)
	}
	if len(p.Text) != 4 || p.Text[0] != s.Text || p.Text[3] != Caveat {
		t.Errorf("text %q", p.Text)
	}
}

// Two weeks where pain follows the load: days 1-14 of load 10..140 min
// and pain rising with it but for one swapped pair.
func TestPainVsPostureFollowsLoad(t *testing.T) {
	var days []history.Day
	for i := 0; i < 14; i++ {
		pain := 1 + 0.5*float64(i)
		switch i {
		case 4:
			pain = 1 + 0.5*5
		case 5:
			pain = 1 + 0.5*4
		}
		days = append(days, painDay(1+i, float64(10*(i+1)), fp(pain), 0))
	}
	// A day with pain but no posture data (the weekend) and a day with
	// posture but no pain: neither is compared the same day, but the
	// first is compared against the day before.
	days = append(days, history.Day{Date: nov(15), Pain: fp(8)})
	days = append(days, painDay(16, 50, nil, 0))
	p := PainVsPosture(days)
	s := p.SameDay
	// rho = 1 - 6·Σd²/(n(n²-1)) = 1 - 12/2730.
	if !s.Enough || s.Days != 14 || s.ThresholdMin != 75 || s.High.Days != 7 || s.Low.Days != 7 ||
		math.Abs(s.Rho-(1-12.0/2730)) > 1e-12 || s.P >= 0.001 {
		t.Errorf("same day %+v", s)
	}
	// High: pain 4.5..7.5 (mean 6); low: 1, 1.5, 2, 2.5, 3.5, 3, 4 (mean 2.5).
	if want := "On the 7 days with more than 75 min of forward-head load your pain averaged 6.0; on the 7 days with 75 min or less, 2.5 (rank correlation 1.00 over 14 days, p < 0.001: more load went with more pain)."; s.Text != want {
		t.Errorf("same day text %q\nwant %q", s.Text, want)
	}
	// Previous day: days 2-15 against days 1-14's load: 14 pairs.
	pd := p.PrevDay
	if !pd.Enough || pd.Days != 14 || !strings.HasPrefix(pd.Text, "On the 7 days after a day with more than 75 min of forward-head load your pain averaged") ||
		!strings.Contains(pd.Text, "more load the day before went with more pain") {
		t.Errorf("previous day %+v", pd)
	}
	if want := "Breaks: 0 of the 14 days had a break taken, too few on one side (at least 3 each) to compare."; p.Breaks.Text != want {
		t.Errorf("breaks %q\nwant %q", p.Breaks.Text, want)
	}
	if p.PainDays != 15 || len(p.Days) != 15 || p.Days[14].Posture || !p.Days[14].PrevPosture || p.Days[14].PrevLoadMin != 140 {
		t.Errorf("days %+v", p.Days)
	}
}

// Too few days: the comparison says how many more and what to do.
func TestPainVsPostureTooFewDays(t *testing.T) {
	var days []history.Day
	for d := 1; d <= 9; d++ {
		days = append(days, painDay(d, float64(d*7), fp(float64(d%4)), 0))
	}
	days = append(days, history.Day{Date: nov(10), Pain: fp(3)}, history.Day{Date: nov(12), Pain: fp(2)})
	p := PainVsPosture(days)
	if p.Enough || p.PainDays != 11 || p.SameDay.Days != 9 {
		t.Fatalf("pain %+v", p)
	}
	want := []string{
		"Pain against posture: 9 days have both a pain score and posture data; about 10 are needed to see a pattern (1 more). Add a score once a day, on good days too: `neckwatch journal add --pain N` (0-10).",
		"2 more days have a pain score but no posture data (neckwatch was not running).",
	}
	if strings.Join(p.Text, "\n") != strings.Join(want, "\n") {
		t.Errorf("text %q\nwant %q", p.Text, want)
	}
	// Nothing at all.
	p = PainVsPosture(nil)
	if p.Enough || len(p.Text) != 1 || !strings.HasPrefix(p.Text[0], "Pain against posture: 0 days have both") {
		t.Errorf("no data: %q", p.Text)
	}
}

// A load that never varies gives no split and no correlation, and says so.
func TestPainVsPostureFlatLoad(t *testing.T) {
	var days []history.Day
	for d := 1; d <= 12; d++ {
		days = append(days, painDay(d, 0, fp(float64(d%5)), d%2))
	}
	s := PainVsPosture(days).SameDay
	if s.Split || s.RhoOK || s.High.Days != 0 || s.Low.Days != 12 {
		t.Fatalf("%+v", s)
	}
	if want := "Against the same day's forward-head load: the load was about the same on most of the 12 days, so there is no split into more and less (no rank correlation: the load or the pain did not vary)."; s.Text != want {
		t.Errorf("text %q\nwant %q", s.Text, want)
	}
}

// Two records of one day are merged: loads and breaks add, pain averages.
func TestPainVsPostureMergesADay(t *testing.T) {
	days := []history.Day{painDay(3, 10, fp(2), 0), painDay(3, 20, fp(6), 1), painDay(2, 5, nil, 0)}
	p := PainVsPosture(days)
	if len(p.Days) != 1 {
		t.Fatalf("days %+v", p.Days)
	}
	d := p.Days[0]
	if d.Pain != 4 || d.LoadMin != 30 || d.BreaksTaken != 1 || !d.PrevPosture || d.PrevLoadMin != 5 {
		t.Errorf("merged day %+v", d)
	}
}
