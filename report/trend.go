package report

import (
	"fmt"
	"math"
	"strings"

	"github.com/neckwatch/neckwatch/history"
)

// Direction says whether a trend figure moved the good way.
type Direction int

// Directions of a trend figure.
const (
	Flat   Direction = iota // within the dead band: about the same
	Better                  // moved the good way
	Worse                   // moved the bad way
)

func (d Direction) String() string {
	switch d {
	case Better:
		return "better"
	case Worse:
		return "worse"
	}
	return "flat"
}

// Metric names a trend figure.
type Metric string

// The trend figures.
const (
	MetricForwardHead Metric = "forward-head minutes per present hour"
	MetricAlerts      Metric = "alerts per present hour"
	MetricUpright     Metric = "upright %"
	MetricPain        Metric = "pain"
	MetricNeckAngle   Metric = "mean neck angle"
)

// Dead bands: a change smaller than these counts as flat.
const (
	// Forward-head minutes per present hour: 5% of the earlier value,
	// and at least half a minute per hour.
	forwardHeadBandRel = 0.05
	forwardHeadBandAbs = 0.5
	// Alerts per present hour: 5% of the earlier value, and at least 0.1.
	alertsBandRel = 0.05
	alertsBandAbs = 0.1
	// Upright time: one percentage point.
	uprightBand = 1.0
	// Pain (0-10): 0.3 points.
	painBand = 0.3
	// Neck angle: one degree (the smallest real change clinicians
	// measure is about 1.3-5.5 degrees).
	neckAngleBand = 1.0
)

// Figure is one trend figure: a value before, a value after and how it
// moved.
type Figure struct {
	Metric Metric
	// Before and After are the values in the earlier and the later window:
	// minutes or alerts per present hour, upright percent, mean pain
	// score (0-10), mean neck angle in degrees.
	Before, After float64
	// Change is After - Before (percentage points for upright time).
	Change float64
	// ChangePct is the relative change in percent, (After-Before)/Before
	// x 100; 0 when Before is 0.
	ChangePct float64
	Direction Direction
	// Text is the figure in words, e.g. "forward-head minutes down 50%
	// (10.0 → 5.0 per present hour)", with a remark when it got worse;
	// Plain is the same without the remark.
	Text, Plain string
}

// Trend compares the start of a period with its end.
type Trend struct {
	// Label names the comparison: "First week vs last week" or "First
	// half vs second half".
	Label string
	// Before and After summarise the two windows of days with data.
	Before, After Summary
	// The figures; nil when they cannot be computed (no present time in
	// a window, no pain entered in either window, no angle measured).
	ForwardHead, Alerts, Upright, Pain, NeckAngle *Figure
}

// Figures lists the available figures in reading order.
func (t *Trend) Figures() []Figure {
	if t == nil {
		return nil
	}
	var out []Figure
	for _, f := range []*Figure{t.ForwardHead, t.Alerts, t.Upright, t.Pain, t.NeckAngle} {
		if f != nil {
			out = append(out, *f)
		}
	}
	return out
}

// Count returns how many figures moved in each direction.
func (t *Trend) Count() (better, worse, flat int) {
	for _, f := range t.Figures() {
		switch f.Direction {
		case Better:
			better++
		case Worse:
			worse++
		default:
			flat++
		}
	}
	return
}

// Text is the trend in one line: "First week vs last week: forward-head
// minutes down 50% (10.0 → 5.0 per present hour), alerts per hour down
// from 2.0 to 1.0, ...".
func (t *Trend) Text() string {
	if t == nil {
		return ""
	}
	var parts []string
	for _, f := range t.Figures() {
		parts = append(parts, f.Text)
	}
	if len(parts) == 0 {
		return t.Label + ": nothing to compare yet."
	}
	return t.Label + ": " + strings.Join(parts, ", ") + "."
}

// trendWeek is the number of days with data per side of the week-vs-week
// comparison.
const trendWeek = 7

// buildTrend compares the first and last days with data (sorted by date).
func buildTrend(days []history.Day) *Trend {
	n := len(days)
	if n < 2 {
		return nil
	}
	t := &Trend{}
	k := trendWeek
	if n >= 2*trendWeek {
		t.Label = "First week vs last week"
	} else {
		k = n / 2
		t.Label = "First half vs second half"
	}
	for _, d := range days[:k] {
		t.Before.add(d)
	}
	for _, d := range days[n-k:] {
		t.After.add(d)
	}
	t.Before.Days = k
	t.After.Days = k
	b, a := &t.Before, &t.After

	if b.HasRates() && a.HasRates() {
		t.ForwardHead = forwardHeadFigure(b.ForwardHeadPerHour(), a.ForwardHeadPerHour())
		t.Alerts = alertsFigure(b.AlertsPerHour(), a.AlertsPerHour())
	}
	if b.Present > 0 && a.Present > 0 {
		t.Upright = uprightFigure(b.UprightPct(), a.UprightPct())
	}
	if pb, ok := b.MeanPain(); ok {
		if pa, ok := a.MeanPain(); ok {
			t.Pain = painFigure(pb, pa)
		}
	}
	if nb, ok := b.MeanNeckAngle(); ok {
		if na, ok := a.MeanNeckAngle(); ok {
			t.NeckAngle = neckAngleFigure(nb, na)
		}
	}
	return t
}

// newFigure fills the numbers of a figure and judges its direction:
// within band of no change it is flat, otherwise better when it moved the
// way lowerIsBetter says is good.
func newFigure(m Metric, before, after, band float64, lowerIsBetter bool) *Figure {
	f := &Figure{Metric: m, Before: before, After: after, Change: after - before}
	if before != 0 {
		f.ChangePct = 100 * f.Change / before
	}
	switch {
	case math.Abs(f.Change) < band:
		f.Direction = Flat
	case (f.Change < 0) == lowerIsBetter:
		f.Direction = Better
	default:
		f.Direction = Worse
	}
	return f
}

// upDown is "up" or "down" by the sign of a change.
func upDown(change float64) string {
	if change < 0 {
		return "down"
	}
	return "up"
}

func forwardHeadFigure(before, after float64) *Figure {
	band := math.Max(forwardHeadBandAbs, forwardHeadBandRel*before)
	f := newFigure(MetricForwardHead, before, after, band, true)
	vals := fmt.Sprintf("%.1f → %.1f per present hour", before, after)
	switch {
	case f.Direction == Flat:
		f.Text = fmt.Sprintf("forward-head minutes about the same (%s)", vals)
	case before == 0:
		f.Text = fmt.Sprintf("forward-head minutes up from 0 to %.1f per present hour", after)
	default:
		f.Text = fmt.Sprintf("forward-head minutes %s %.0f%% (%s)", upDown(f.Change), math.Abs(f.ChangePct), vals)
	}
	f.Plain = f.Text
	if f.Direction == Worse {
		f.Text += ": the head drifted forward more often lately"
	}
	return f
}

func alertsFigure(before, after float64) *Figure {
	band := math.Max(alertsBandAbs, alertsBandRel*before)
	f := newFigure(MetricAlerts, before, after, band, true)
	if f.Direction == Flat {
		f.Text = fmt.Sprintf("alerts per hour about the same (%.1f → %.1f)", before, after)
	} else {
		f.Text = fmt.Sprintf("alerts per hour %s from %.1f to %.1f", upDown(f.Change), before, after)
	}
	f.Plain = f.Text
	if f.Direction == Worse {
		f.Text += ": more posture resets than before"
	}
	return f
}

func uprightFigure(before, after float64) *Figure {
	f := newFigure(MetricUpright, before, after, uprightBand, false)
	vals := fmt.Sprintf("%.0f%% → %.0f%%", before, after)
	if f.Direction == Flat {
		f.Text = fmt.Sprintf("upright time about the same (%s)", vals)
	} else {
		// Points as the difference of the shown percentages, so the
		// sentence adds up.
		pts := math.Abs(math.Round(after) - math.Round(before))
		unit := "points"
		if pts == 1 {
			unit = "point"
		}
		f.Text = fmt.Sprintf("upright time %s %.0f %s (%s)", upDown(f.Change), pts, unit, vals)
	}
	f.Plain = f.Text
	if f.Direction == Worse {
		f.Text += ": a little less upright than before"
	}
	return f
}

func painFigure(before, after float64) *Figure {
	f := newFigure(MetricPain, before, after, painBand, true)
	if f.Direction == Flat {
		f.Text = fmt.Sprintf("pain about the same (%.1f → %.1f)", before, after)
	} else {
		f.Text = fmt.Sprintf("pain %s from %.1f to %.1f", upDown(f.Change), before, after)
	}
	f.Plain = f.Text
	if f.Direction == Worse {
		f.Text += ": worth watching; see a clinician if it keeps rising"
	}
	return f
}

func neckAngleFigure(before, after float64) *Figure {
	// The angle is a craniovertebral-angle proxy: larger is more upright.
	f := newFigure(MetricNeckAngle, before, after, neckAngleBand, false)
	if f.Direction == Flat {
		f.Text = fmt.Sprintf("mean neck angle about the same (%.1f° → %.1f°)", before, after)
	} else {
		f.Text = fmt.Sprintf("mean neck angle %s from %.1f° to %.1f°", upDown(f.Change), before, after)
	}
	f.Plain = f.Text
	switch f.Direction {
	case Better:
		f.Text += " (head more upright)"
	case Worse:
		f.Text += " (head further forward)"
	}
	return f
}
