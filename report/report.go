// Package report turns the posture history into reports people would
// rather look at than read: a per-day table for the terminal with totals,
// a first-week-vs-last-week trend in plain words and a next step or two,
// and a chart (PNG or SVG) of upright time, forward-head minutes and pain.
//
// The package takes plain data ([]history.Day); it never opens the
// history database itself.
//
// It reads history only: it must not import vision, coach, daemon or notify.
package report

import (
	"time"

	"github.com/neckwatch/neckwatch/history"
	"github.com/neckwatch/neckwatch/insights"
)

// Report is the posture history of one period, one row per calendar day.
type Report struct {
	// From and To are the first and last calendar day of the period
	// (local midnight, both included).
	From, To time.Time
	// Rows has one row per calendar day from From to To, days without
	// data included (HasData false) so gaps show.
	Rows []Row
	// Totals sums the whole period.
	Totals Summary
	// Trend compares the start of the period with its end; nil when fewer
	// than two days have data.
	Trend *Trend
	// Advice is one or two short encouraging or next-step lines derived
	// from the data (empty when the period has no data).
	Advice []string
	// Desk is the desk set-up advice of the period's last 7 days and
	// Pain the pain comparison over the period; nil until AddInsights.
	Desk *insights.Desk
	Pain *insights.Pain
	// Setup has the desk set-up figures per calendar day of the period
	// (AddInsights), for the HTML report's daily table.
	Setup []insights.SetupDay
}

// Row is one calendar day of the report.
type Row struct {
	Date    time.Time   // local midnight
	HasData bool        // false: nothing was recorded that day
	Day     history.Day // the day's figures (zero when HasData is false)
}

// PresentHours is the time spent in front of the camera, in hours.
func (r Row) PresentHours() float64 { return r.Day.Present.Hours() }

// UprightPct is the upright share of the present time in percent (0 when
// never present).
func (r Row) UprightPct() float64 { return 100 * r.Day.UprightFraction() }

// ForwardHeadMinutes is the time spent with the head forward, in minutes.
func (r Row) ForwardHeadMinutes() float64 { return r.Day.ForwardHead.Minutes() }

// Summary aggregates several days: the whole period (Report.Totals) or one
// side of a trend comparison.
type Summary struct {
	// First and Last are the first and last day with data (zero when
	// none); Days counts the calendar days covered, DaysWithData those
	// that had data.
	First, Last  time.Time
	Days         int
	DaysWithData int

	Present, Upright, ForwardHead, Slouch time.Duration
	ForwardHeadLoad                       time.Duration

	Alerts, Corrections           int
	BreaksSuggested, BreaksTaken  int
	NeckAngleMinutes              int
	neckAngleSum, neckAngleWeight float64

	// PainDays counts the days with a pain score; painSum sums their
	// daily mean scores.
	PainDays int
	painSum  float64
}

// add folds one day with data into the summary.
func (s *Summary) add(d history.Day) {
	if s.DaysWithData == 0 || d.Date.Before(s.First) {
		s.First = d.Date
	}
	if s.DaysWithData == 0 || d.Date.After(s.Last) {
		s.Last = d.Date
	}
	s.DaysWithData++
	s.Present += d.Present
	s.Upright += d.Upright
	s.ForwardHead += d.ForwardHead
	s.Slouch += d.Slouch
	s.ForwardHeadLoad += d.ForwardHeadLoad
	s.Alerts += d.Alerts
	s.Corrections += d.Corrections
	s.BreaksSuggested += d.BreaksSuggested
	s.BreaksTaken += d.BreaksTaken
	if w := neckWeight(d); w > 0 {
		s.NeckAngleMinutes += d.NeckAngleMinutes
		s.neckAngleSum += w * d.MeanNeckAngleDeg
		s.neckAngleWeight += w
	}
	if d.Pain != nil {
		s.PainDays++
		s.painSum += *d.Pain
	}
}

// neckWeight is how much a day's mean neck angle counts in a mean over
// days: its minutes with an angle, or 1 when it has an angle but no
// minute count.
func neckWeight(d history.Day) float64 {
	switch {
	case d.NeckAngleMinutes > 0:
		return float64(d.NeckAngleMinutes)
	case d.MeanNeckAngleDeg != 0:
		return 1
	}
	return 0
}

// PresentHours is the total time in front of the camera, in hours.
func (s Summary) PresentHours() float64 { return s.Present.Hours() }

// UprightPct is upright time over present time, in percent (0 when never
// present).
func (s Summary) UprightPct() float64 {
	if s.Present <= 0 {
		return 0
	}
	return 100 * float64(s.Upright) / float64(s.Present)
}

// ForwardHeadMinutes is the total forward-head time in minutes.
func (s Summary) ForwardHeadMinutes() float64 { return s.ForwardHead.Minutes() }

// MinRatePresent is the time at the desk a per-hour rate needs: from 12
// minutes, one alert would read "5.0/h", an extrapolation nobody
// measured.
const MinRatePresent = time.Hour

// HasRates reports whether the per-hour rates (ForwardHeadPerHour,
// AlertsPerHour) stand on at least MinRatePresent at the desk; below it
// the report gives the counts instead.
func (s Summary) HasRates() bool { return s.Present >= MinRatePresent }

// ForwardHeadPerHour is forward-head minutes per present hour (0 when
// never present).
func (s Summary) ForwardHeadPerHour() float64 {
	if s.Present <= 0 {
		return 0
	}
	return s.ForwardHead.Minutes() / s.Present.Hours()
}

// AlertsPerHour is posture alerts per present hour (0 when never present).
func (s Summary) AlertsPerHour() float64 {
	if s.Present <= 0 {
		return 0
	}
	return float64(s.Alerts) / s.Present.Hours()
}

// MeanNeckAngle is the mean neck angle in degrees, days weighted by their
// minutes with an angle; ok is false when no angle was measured.
func (s Summary) MeanNeckAngle() (deg float64, ok bool) {
	if s.neckAngleWeight <= 0 {
		return 0, false
	}
	return s.neckAngleSum / s.neckAngleWeight, true
}

// MeanPain is the mean of the daily pain scores; ok is false when no
// pain was entered.
func (s Summary) MeanPain() (score float64, ok bool) {
	if s.PainDays == 0 {
		return 0, false
	}
	return s.painSum / float64(s.PainDays), true
}

// hasData reports whether anything was recorded on a day.
func hasData(d history.Day) bool {
	return d.Present > 0 || d.Upright > 0 || d.ForwardHead > 0 || d.Slouch > 0 ||
		d.Alerts > 0 || d.Corrections > 0 || d.BreaksSuggested > 0 || d.BreaksTaken > 0 ||
		d.NeckAngleMinutes > 0 || d.Pain != nil
}

// dateKey is a calendar date independent of the time zone.
type dateKey struct {
	y int
	m time.Month
	d int
}

func keyOf(t time.Time) dateKey {
	y, m, d := t.Date()
	return dateKey{y, m, d}
}

// midnight is the start of t's calendar day in t's location.
func midnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// merge combines two records of the same calendar day: durations and
// counts add up, the neck angle and pain are averaged.
func merge(a, b history.Day) history.Day {
	out := a
	out.Present += b.Present
	out.Upright += b.Upright
	out.ForwardHead += b.ForwardHead
	out.Slouch += b.Slouch
	out.ForwardHeadLoad += b.ForwardHeadLoad
	out.Alerts += b.Alerts
	out.Corrections += b.Corrections
	out.BreaksSuggested += b.BreaksSuggested
	out.BreaksTaken += b.BreaksTaken
	wa, wb := neckWeight(a), neckWeight(b)
	if wa+wb > 0 {
		out.MeanNeckAngleDeg = (wa*a.MeanNeckAngleDeg + wb*b.MeanNeckAngleDeg) / (wa + wb)
	}
	out.NeckAngleMinutes = a.NeckAngleMinutes + b.NeckAngleMinutes
	switch {
	case a.Pain != nil && b.Pain != nil:
		p := (*a.Pain + *b.Pain) / 2
		out.Pain = &p
	case b.Pain != nil:
		p := *b.Pain
		out.Pain = &p
	}
	return out
}

// Build makes the report of the calendar days from from to to, both
// included (the time of day is ignored; the calendar follows from's
// location). Days outside the period are ignored; several records of the
// same day are merged. Every calendar day gets a row, days without data
// too.
//
// The trend compares the first 7 days with data with the last 7 days with
// data; with fewer than 14 days of data it compares the first half of
// those days with the second half (the middle day of an odd count left
// out); with fewer than 2 there is no trend.
func Build(days []history.Day, from, to time.Time) Report {
	loc := from.Location()
	start := midnight(from)
	ty, tm, td := to.Date()
	end := time.Date(ty, tm, td, 0, 0, 0, 0, loc)
	if end.Before(start) {
		start, end = end, start
	}

	byDate := make(map[dateKey]history.Day, len(days))
	for _, d := range days {
		k := keyOf(d.Date)
		if prev, ok := byDate[k]; ok {
			byDate[k] = merge(prev, d)
		} else {
			byDate[k] = d
		}
	}

	r := Report{From: start, To: end}
	var withData []history.Day
	for t := start; !t.After(end); t = t.AddDate(0, 0, 1) {
		row := Row{Date: t}
		if d, ok := byDate[keyOf(t)]; ok && hasData(d) {
			d.Date = t
			row.HasData = true
			row.Day = d
			r.Totals.add(d)
			withData = append(withData, d)
		}
		r.Rows = append(r.Rows, row)
	}
	r.Totals.Days = len(r.Rows)
	r.Trend = buildTrend(withData)
	r.Advice = advice(r)
	return r
}

// HasData reports whether any day of the period has data.
func (r Report) HasData() bool { return r.Totals.DaysWithData > 0 }
