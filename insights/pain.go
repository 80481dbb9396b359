package insights

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/neckwatch/neckwatch/history"

	"github.com/neckwatch/neckwatch/internal/stats"
)

// When the pain comparison speaks.
const (
	// MinPainDays: a comparison needs at least this many days with both a
	// pain score and the posture figure it is compared with: a short
	// pain and posture journal shows patterns within about ten days.
	MinPainDays = 10
	// MinGroupDays: each side of a split ("days with more load", "days
	// with less") needs at least this many days, else only the rank
	// correlation is given.
	MinGroupDays = 3
	// ChanceP: a rank correlation whose two-sided p-value is at least
	// this is said to be possibly chance.
	ChanceP = 0.05
)

// PainDay is one day with a pain score, as the comparison uses it.
type PainDay struct {
	Date    time.Time
	Pain    float64 // the day's mean score, 0-10
	Posture bool    // the camera saw the user that day (present time)
	// LoadMin is the day's forward-head load in minutes: forward-head
	// minutes weighted by their severity (history.Day.ForwardHeadLoad).
	LoadMin float64
	// PrevLoadMin is the previous calendar day's load; PrevPosture says
	// whether that day had posture data (else there is no figure).
	PrevLoadMin float64
	PrevPosture bool
	BreaksTaken int
}

// Group is one side of a split.
type Group struct {
	Days     int
	MeanPain float64
}

// Comparison relates the daily pain score to one posture figure.
type Comparison struct {
	// Name is what pain is compared with, for headings.
	Name string
	// Days counts the days compared: a pain score and the figure.
	Days int
	// Enough: Days >= MinPainDays. Without it nothing else is set but
	// Text, which says so.
	Enough bool
	// ThresholdMin splits the days (loads only): High has the days with
	// more load than it, Low the rest. It is the median load rounded to
	// a whole minute. For breaks High has the days with a break taken.
	ThresholdMin float64
	High, Low    Group
	// Split: both groups have at least MinGroupDays days.
	Split bool
	// Rho is Spearman's rank correlation of the figure and pain (loads
	// only), with its two-sided p-value (t approximation); RhoOK is false
	// when either did not vary.
	Rho, P float64
	RhoOK  bool
	// Text is the comparison in one or two sentences.
	Text string
}

// Pain is pain against posture over a period.
type Pain struct {
	// PainDays counts the days with a pain score; Days are those days.
	PainDays int
	Days     []PainDay
	// SameDay: pain against that day's forward-head load; PrevDay:
	// against the previous day's; Breaks: days with a break taken
	// against days without.
	SameDay, PrevDay, Breaks Comparison
	// Enough: the same-day comparison had enough days.
	Enough bool
	// Text is the whole comparison in sentences, ending with the caveat
	// (or, with too few days, what to do).
	Text []string
}

// Caveat closes every pain comparison: days that go together are not a
// cause.
const Caveat = "These are days that go together, not proof that one causes the other: pain also follows sleep, stress, exercise and more."

// PainVsPosture relates each day's pain score to that day's and the
// previous day's forward-head load and to the breaks taken, over days
// (one history.Day per calendar day, in any order; days without a pain
// score count as the previous day of the next). A day has posture data
// when its present time is above 0.
func PainVsPosture(days []history.Day) Pain {
	type key [3]int
	keyOf := func(t time.Time) key { y, m, d := t.Date(); return key{y, int(m), d} }
	byDate := map[key]*history.Day{}
	for _, d := range days {
		k := keyOf(d.Date)
		m, ok := byDate[k]
		if !ok {
			d := d
			byDate[k] = &d
			continue
		}
		// Two records of one day: add up what adds up, average the pain.
		m.Present += d.Present
		m.ForwardHeadLoad += d.ForwardHeadLoad
		m.BreaksTaken += d.BreaksTaken
		switch {
		case m.Pain != nil && d.Pain != nil:
			v := (*m.Pain + *d.Pain) / 2
			m.Pain = &v
		case d.Pain != nil:
			m.Pain = d.Pain
		}
	}
	var p Pain
	for _, d := range byDate {
		if d.Pain == nil {
			continue
		}
		pd := PainDay{Date: d.Date, Pain: *d.Pain, Posture: d.Present > 0, LoadMin: d.ForwardHeadLoad.Minutes(), BreaksTaken: d.BreaksTaken}
		y, m, dd := d.Date.Date()
		if prev, ok := byDate[keyOf(time.Date(y, m, dd-1, 12, 0, 0, 0, d.Date.Location()))]; ok && prev.Present > 0 {
			pd.PrevPosture, pd.PrevLoadMin = true, prev.ForwardHeadLoad.Minutes()
		}
		p.Days = append(p.Days, pd)
	}
	sortDays(p.Days)
	p.PainDays = len(p.Days)

	var same, prevX, prevY, breaksOn, breaksOff, sameY []float64
	for _, d := range p.Days {
		if d.Posture {
			same = append(same, d.LoadMin)
			sameY = append(sameY, d.Pain)
			if d.BreaksTaken > 0 {
				breaksOn = append(breaksOn, d.Pain)
			} else {
				breaksOff = append(breaksOff, d.Pain)
			}
		}
		if d.PrevPosture {
			prevX = append(prevX, d.PrevLoadMin)
			prevY = append(prevY, d.Pain)
		}
	}
	p.SameDay = loadComparison("the same day's forward-head load", same, sameY, false)
	p.PrevDay = loadComparison("the previous day's forward-head load", prevX, prevY, true)
	p.Breaks = breakComparison(breaksOn, breaksOff)
	p.Enough = p.SameDay.Enough

	if !p.Enough {
		n := p.SameDay.Days
		p.Text = []string{fmt.Sprintf("Pain against posture: %d %s both a pain score and posture data; about %d are needed to see a pattern (%d more). "+
			"Add a score once a day, on good days too: `neckwatch journal add --pain N` (0-10).",
			n, plural(n, "day has", "days have"), MinPainDays, MinPainDays-n)}
		if extra := p.PainDays - n; extra > 0 {
			p.Text = append(p.Text, fmt.Sprintf("%d more %s a pain score but no posture data (neckwatch was not running).", extra, plural(extra, "day has", "days have")))
		}
		return p
	}
	p.Text = []string{p.SameDay.Text, p.PrevDay.Text, p.Breaks.Text, Caveat}
	return p
}

func sortDays(ds []PainDay) {
	sort.Slice(ds, func(i, j int) bool { return ds[i].Date.Before(ds[j].Date) })
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// loadComparison compares pain on days with more load against days with
// less (split at the median load, rounded to a minute) and ranks them.
func loadComparison(name string, loads, pain []float64, prev bool) Comparison {
	c := Comparison{Name: name, Days: len(loads), Enough: len(loads) >= MinPainDays}
	if !c.Enough {
		what := "a pain score and posture data"
		if prev {
			what = "a pain score after a day with posture data"
		}
		c.Text = fmt.Sprintf("Against %s: %d %s %s; about %d are needed.", name, c.Days, plural(c.Days, "day has", "days have"), what, MinPainDays)
		return c
	}
	c.ThresholdMin = math.Round(stats.Median(loads))
	var hi, lo []float64
	for i, l := range loads {
		if l > c.ThresholdMin {
			hi = append(hi, pain[i])
		} else {
			lo = append(lo, pain[i])
		}
	}
	c.High, c.Low = Group{len(hi), mean(hi)}, Group{len(lo), mean(lo)}
	c.Split = len(hi) >= MinGroupDays && len(lo) >= MinGroupDays
	c.Rho, c.RhoOK = spearman(loads, pain)
	if c.RhoOK {
		c.P = correlationP(c.Rho, c.Days)
	}
	thr := whole(c.ThresholdMin)
	var s string
	switch {
	case c.Split && prev:
		s = fmt.Sprintf("On the %d days after a day with more than %d min of forward-head load your pain averaged %.1f; after the %d days with %d min or less, %.1f",
			c.High.Days, thr, c.High.MeanPain, c.Low.Days, thr, c.Low.MeanPain)
	case c.Split:
		s = fmt.Sprintf("On the %d days with more than %d min of forward-head load your pain averaged %.1f; on the %d days with %d min or less, %.1f",
			c.High.Days, thr, c.High.MeanPain, c.Low.Days, thr, c.Low.MeanPain)
	default:
		s = fmt.Sprintf("Against %s: the load was about the same on most of the %d days, so there is no split into more and less", name, c.Days)
	}
	switch {
	case !c.RhoOK:
		s += " (no rank correlation: the load or the pain did not vary)."
	default:
		s += fmt.Sprintf(" (rank correlation %.2f over %d days, p %s: %s).", c.Rho, c.Days, pText(c.P), rhoWords(c.Rho, c.P, prev))
	}
	c.Text = s
	return c
}

// pText writes a p-value after its "p": "= 0.63" (two decimals, three
// below 0.01) or "< 0.001".
func pText(p float64) string {
	switch {
	case p < 0.001:
		return "< 0.001"
	case p < 0.01:
		return fmt.Sprintf("= %.3f", p)
	}
	return fmt.Sprintf("= %.2f", p)
}

// rhoWords says what a rank correlation shows, and no more.
func rhoWords(rho, p float64, prev bool) string {
	load := "more load"
	if prev {
		load = "more load the day before"
	}
	switch {
	case p >= ChanceP:
		return "this could well be chance"
	case rho > 0:
		return load + " went with more pain"
	default:
		return load + " went with less pain"
	}
}

// breakComparison compares pain on days with a break taken against days
// without.
func breakComparison(on, off []float64) Comparison {
	c := Comparison{Name: "breaks taken", Days: len(on) + len(off)}
	c.Enough = c.Days >= MinPainDays
	c.High, c.Low = Group{len(on), mean(on)}, Group{len(off), mean(off)}
	c.Split = c.High.Days >= MinGroupDays && c.Low.Days >= MinGroupDays
	switch {
	case !c.Enough:
		c.Text = fmt.Sprintf("Against breaks taken: %d %s a pain score and posture data; about %d are needed.", c.Days, plural(c.Days, "day has", "days have"), MinPainDays)
	case !c.Split:
		c.Text = fmt.Sprintf("Breaks: %d of the %d days had a break taken, too few on one side (at least %d each) to compare.", c.High.Days, c.Days, MinGroupDays)
	default:
		c.Text = fmt.Sprintf("On the %d days you took a break your pain averaged %.1f; on the %d days without, %.1f.",
			c.High.Days, c.High.MeanPain, c.Low.Days, c.Low.MeanPain)
	}
	return c
}
