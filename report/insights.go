package report

// Beside the table, the trend and the chart, a report carries the desk
// advice and pain against posture of package insights (AddInsights, from
// the history's []history.Minute as well as its days), writes them as a
// self-contained HTML page (WriteHTML, html.go) and sums a week up in
// three lines (BuildWeekly).

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/neckwatch/neckwatch/history"
	"github.com/neckwatch/neckwatch/insights"
)

// AddInsights adds to r the desk set-up advice of the period's last 7
// days (insights.DeskAdvice over the history's minutes, which must cover
// them; others are ignored), the pain comparison over the period's days
// (insights.PainVsPosture) and the daily set-up figures. dismissed lists
// the advice IDs the user dismissed for good.
func (r *Report) AddInsights(minutes []history.Minute, dismissed []string) {
	d := insights.DeskAdvice(minutes, r.To, dismissed)
	r.Desk = &d
	var days []history.Day
	for _, row := range r.Rows {
		if row.HasData {
			days = append(days, row.Day)
		}
	}
	p := insights.PainVsPosture(days)
	r.Pain = &p
	r.Setup = insights.SetupByDay(minutes, r.From, r.To)
}

// DismissHint is how the user dismisses a piece of advice for good.
func DismissHint(id insights.AdviceID) string {
	return "neckwatch report --dismiss " + string(id)
}

// writeInsights writes the desk advice and the pain comparison for a
// terminal: each piece of advice with its evidence, assumption and how
// to dismiss it; the other checks in a line; the pain comparison.
func (r Report) writeInsights(ew *errWriter) {
	if d := r.Desk; d != nil {
		ew.println("")
		ew.println(fmt.Sprintf("Desk set-up (%s – %s, from the camera):", d.From.Format(dayLayout), d.To.Format(dayLayout)))
		for _, c := range d.Checks {
			switch {
			case c.Status == insights.Advise && c.Dismissed:
				ew.println(fmt.Sprintf("  %s: advice dismissed (`neckwatch report --undismiss %s` brings it back).", c.Title, c.ID))
			case c.Status == insights.Advise:
				ew.println("  " + c.Text)
				ew.println("    Evidence: " + c.Evidence)
				ew.println("    Assumption: " + c.Assumption)
				ew.println("    Done, or not for you? `" + DismissHint(c.ID) + "`")
			default:
				ew.println("  " + c.Text)
			}
		}
	}
	if p := r.Pain; p != nil {
		ew.println("")
		ew.println(painHeading + ":")
		for _, s := range p.Text {
			ew.println("  " + underHeading(painHeading, s))
		}
	}
}

// painHeading heads the pain comparison in the table (and, written out,
// in the page's template).
const painHeading = "Pain against posture"

// underHeading is text shown under a heading that already names it: a
// leading "Heading: " is said once, by the heading ("Screen height: not
// enough data yet" under "Screen height" is "Not enough data yet").
func underHeading(heading, text string) string {
	rest, ok := strings.CutPrefix(text, heading+": ")
	if !ok || rest == "" {
		return text
	}
	r, n := utf8.DecodeRuneInString(rest)
	return string(unicode.ToUpper(r)) + rest[n:]
}

// Weekly is a week in three lines and a link to the full report: what
// `neckwatch report --weekly` prints and the daemon's weekly notification
// sends.
type Weekly struct {
	// From and To are the week's first and last day (local midnight).
	From, To time.Time
	// Title is a notification title: "Your posture week: Mon 16 – Sun 22 Nov".
	Title string
	// Lines: the week at a glance; against the week before; the next
	// step (a piece of desk advice, the pain journal, or nothing to
	// change).
	Lines [3]string
	// Link is the full report's address, as given.
	Link string
	// HasData: the week has posture data.
	HasData bool
	// AdviceID is the desk advice the third line gives ("" when none):
	// the daemon remembers it to send a piece of advice at most weekly.
	AdviceID insights.AdviceID
}

// Text is the lines and the link, one a line.
func (w Weekly) Text() string {
	s := strings.Join(w.Lines[:], "\n")
	if w.Link != "" {
		s += "\nFull report: " + w.Link
	}
	return s
}

// BuildWeekly summarises the 7 days ending with lastDay (its time of day
// is ignored; the calendar follows its location) against the 7 before
// them, from the history's days (covering both weeks; others are
// ignored) and minutes (covering the week, for the desk advice);
// dismissed lists the dismissed advice IDs, link the full report.
func BuildWeekly(days []history.Day, minutes []history.Minute, dismissed []string, lastDay time.Time, link string) Weekly {
	to := midnight(lastDay)
	from := to.AddDate(0, 0, -6)
	this := Build(days, from, to)
	before := Build(days, from.AddDate(0, 0, -7), from.AddDate(0, 0, -1))
	w := Weekly{From: from, To: to, Link: link, HasData: this.HasData()}
	w.Title = "Your posture week: " + weekSpan(from, to)
	t := this.Totals
	if !this.HasData() {
		w.Lines[0] = "No posture data this week: is `neckwatch run` running?"
	} else {
		l := fmt.Sprintf("%s at the desk on %d %s, %s upright, %.1f forward-head minutes per hour",
			hours(t.PresentHours()), t.DaysWithData, plural(t.DaysWithData, "day", "days"), pct(t.UprightPct()), t.ForwardHeadPerHour())
		if !t.HasRates() {
			l = fmt.Sprintf("%s at the desk on %d %s, %s upright, %s of forward head",
				hours(t.PresentHours()), t.DaysWithData, plural(t.DaysWithData, "day", "days"), pct(t.UprightPct()), fmt.Sprintf("%.0f min", t.ForwardHeadMinutes()))
		}
		if t.BreaksSuggested > 0 {
			l += fmt.Sprintf(", %d of %d breaks taken", t.BreaksTaken, t.BreaksSuggested)
		}
		w.Lines[0] = l + "."
	}
	b := before.Totals
	var figs []string
	if b.HasRates() && t.HasRates() {
		figs = append(figs, forwardHeadFigure(b.ForwardHeadPerHour(), t.ForwardHeadPerHour()).Plain)
	}
	pb, okB := b.MeanPain()
	pa, okA := t.MeanPain()
	switch {
	case okB && okA:
		figs = append(figs, painFigure(pb, pa).Plain)
	case b.Present > 0 && t.Present > 0:
		figs = append(figs, uprightFigure(b.UprightPct(), t.UprightPct()).Plain)
	}
	if len(figs) == 0 {
		w.Lines[1] = "No week before to compare with yet."
	} else {
		w.Lines[1] = "Against the week before: " + strings.Join(figs, ", ") + "."
	}
	desk := insights.DeskAdvice(minutes, to, dismissed)
	both := Build(days, from.AddDate(0, 0, -7), to)
	var bothDays []history.Day
	for _, row := range both.Rows {
		if row.HasData {
			bothDays = append(bothDays, row.Day)
		}
	}
	pain := insights.PainVsPosture(bothDays)
	switch adv := desk.Advice(); {
	case len(adv) > 0:
		w.Lines[2] = "Desk: " + adv[0].Text
		w.AdviceID = adv[0].ID
	case !pain.Enough:
		w.Lines[2] = fmt.Sprintf("Pain journal: %d of the %d days a comparison with your posture needs; add a score daily: `neckwatch journal add --pain N`.",
			pain.SameDay.Days, insights.MinPainDays)
	case pain.SameDay.Split:
		w.Lines[2] = fmt.Sprintf("Pain: %.1f on days with more than %.0f min of forward-head load, %.1f on the others (days that go together, not a cause).",
			pain.SameDay.High.MeanPain, pain.SameDay.ThresholdMin, pain.SameDay.Low.MeanPain)
	default:
		// "Nothing to change" only when the checks measured and found
		// nothing; one that could not tell (too few days, mixed days)
		// says so instead of a reassurance nothing backs.
		w.Lines[2] = "Desk set-up: nothing to change from this week's measurements."
		for _, c := range desk.Checks {
			if c.Status == insights.TooLittleData || c.Status == insights.Mixed {
				w.Lines[2] = c.Title + ": " + underHeading(c.Title, c.Text)
				break
			}
		}
	}
	return w
}

// weekSpan is "Mon 16 – Sun 22 Nov" (months and years written only
// where they change).
func weekSpan(from, to time.Time) string {
	switch {
	case from.Year() != to.Year():
		return from.Format("Mon 02 Jan 2006") + " – " + to.Format("Mon 02 Jan 2006")
	case from.Month() != to.Month():
		return from.Format("Mon 02 Jan") + " – " + to.Format("Mon 02 Jan")
	}
	return from.Format("Mon 02") + " – " + to.Format("Mon 02 Jan")
}
