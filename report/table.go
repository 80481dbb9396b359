package report

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Date layouts of the report.
const (
	dayLayout  = "Mon 02 Jan"
	isoLayout  = "2006-01-02"
	longLayout = "Mon 02 Jan 2006"
)

// none marks a value that was not measured.
const none = "–"

// NoDataText is the report of a period without data.
func (r Report) NoDataText() string {
	return fmt.Sprintf("No posture history between %s and %s: is `neckwatch run` running? Data appears after the first minute.",
		r.From.Format(isoLayout), r.To.Format(isoLayout))
}

// Period is the period in words, e.g. "Mon 02 Nov – Sun 22 Nov 2026".
func (r Report) Period() string {
	if r.From.Equal(r.To) {
		return r.From.Format(longLayout)
	}
	if r.From.Year() == r.To.Year() {
		return r.From.Format(dayLayout) + " – " + r.To.Format(longLayout)
	}
	return r.From.Format(longLayout) + " – " + r.To.Format(longLayout)
}

// WriteTable writes the report for a terminal: a header line, one aligned
// row per calendar day (days without data marked "no data"), a totals
// row, the trend one figure per line and a next step or two. A period
// without data gets one plain sentence saying so.
func (r Report) WriteTable(w io.Writer) error {
	ew := &errWriter{w: w}
	if !r.HasData() {
		ew.println(r.NoDataText())
		return ew.err
	}
	t := r.Totals
	ew.println(fmt.Sprintf("Posture %s: %d %s, %d with data", r.Period(), t.Days, plural(t.Days, "day", "days"), t.DaysWithData))
	ew.println("")

	tb := table{
		header: []string{"Day", "Present", "Upright", "Fwd head", "Alerts", "Corrected", "Breaks", "Neck", "Pain"},
		left:   map[int]bool{0: true},
	}
	for _, row := range r.Rows {
		if !row.HasData {
			tb.add([]string{row.Date.Format(dayLayout)}, "no data")
			continue
		}
		d := row.Day
		upright := none
		if d.Present > 0 {
			upright = pct(row.UprightPct())
		}
		neck := none
		if neckWeight(d) > 0 {
			neck = deg(d.MeanNeckAngleDeg)
		}
		pain := none
		if d.Pain != nil {
			pain = fmt.Sprintf("%.1f", *d.Pain)
		}
		tb.add([]string{
			row.Date.Format(dayLayout),
			hours(row.PresentHours()),
			upright,
			minutes(row.ForwardHeadMinutes()),
			fmt.Sprint(d.Alerts),
			fmt.Sprint(d.Corrections),
			fmt.Sprintf("%d/%d", d.BreaksTaken, d.BreaksSuggested),
			neck,
			pain,
		}, "")
	}
	tb.rule()
	upright := none
	if t.Present > 0 {
		upright = pct(t.UprightPct())
	}
	neck := none
	if a, ok := t.MeanNeckAngle(); ok {
		neck = deg(a)
	}
	pain := none
	if p, ok := t.MeanPain(); ok {
		pain = fmt.Sprintf("%.1f", p)
	}
	tb.add([]string{
		"Total",
		hours(t.PresentHours()),
		upright,
		minutes(t.ForwardHeadMinutes()),
		fmt.Sprint(t.Alerts),
		fmt.Sprint(t.Corrections),
		fmt.Sprintf("%d/%d", t.BreaksTaken, t.BreaksSuggested),
		neck,
		pain,
	}, "")
	tb.write(ew)

	ew.println("")
	if tr := r.Trend; tr != nil {
		ew.println(fmt.Sprintf("%s (%s vs %s, %d %s each):", tr.Label,
			span(tr.Before), span(tr.After), tr.Before.Days, plural(tr.Before.Days, "day", "days")))
		figs := tr.Figures()
		if len(figs) == 0 {
			ew.println("  nothing to compare yet.")
		}
		for _, f := range figs {
			ew.println("  " + f.Text)
		}
	} else {
		ew.println("Trend: one day of data so far; a comparison needs at least two.")
	}
	if len(r.Advice) > 0 {
		ew.println("")
		for _, a := range r.Advice {
			ew.println(a)
		}
	}
	r.writeInsights(ew)
	return ew.err
}

// span is the dates a trend window covers, e.g. "Mon 02 Nov–Tue 10 Nov".
func span(s Summary) string {
	if s.First.Equal(s.Last) {
		return s.First.Format(dayLayout)
	}
	return s.First.Format(dayLayout) + "–" + s.Last.Format(dayLayout)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func pct(v float64) string     { return fmt.Sprintf("%.0f%%", v) }
func deg(v float64) string     { return fmt.Sprintf("%.1f°", v) }
func hours(v float64) string   { return fmt.Sprintf("%.1f h", v) }
func minutes(v float64) string { return fmt.Sprintf("%.0f min", v) }

// advice derives one or two short encouraging or next-step lines.
func advice(r Report) []string {
	if !r.HasData() {
		return nil
	}
	t := r.Totals
	var out []string
	if tr := r.Trend; tr != nil {
		better, worse, _ := tr.Count()
		switch {
		case worse == 0 && better > 0:
			out = append(out, "Good progress: keep the posture resets and breaks going.")
		case worse > 0 && better > worse:
			out = append(out, "Mostly progress. Where a number slipped, a look at the screen height and chair often helps.")
		case worse > 0:
			out = append(out, "Some numbers slipped; that happens in busy weeks. Check the screen height and chair, and run `neckwatch calibrate` again if the desk changed.")
		}
	}
	if t.PainDays == 0 {
		out = append(out, "No pain scores yet: `neckwatch journal add --pain N` (0-10) once a day shows patterns within about 10 days.")
	}
	if t.BreaksSuggested >= 3 && 2*t.BreaksTaken < t.BreaksSuggested {
		out = append(out, fmt.Sprintf("You took %d of %d suggested breaks: even a short one rests the neck, so try taking the next one.", t.BreaksTaken, t.BreaksSuggested))
	}
	if tr := r.Trend; tr != nil {
		if better, worse, flat := tr.Count(); better == 0 && worse == 0 && flat > 0 {
			out = append(out, "Steady so far: small daily habits (chin tucks, a short break every hour) are what move these numbers.")
		}
	} else {
		out = append(out, "A few more days of data will show a trend.")
	}
	if len(out) > 2 {
		out = out[:2]
	}
	return out
}

// table aligns cells in columns: numbers to the right, the columns in left
// to the left. A row may end in a note that spans the remaining columns.
type table struct {
	header []string
	left   map[int]bool
	rows   []tableRow
}

type tableRow struct {
	cells []string
	note  string
	rule  bool
}

func (t *table) add(cells []string, note string) {
	t.rows = append(t.rows, tableRow{cells: cells, note: note})
}

func (t *table) rule() { t.rows = append(t.rows, tableRow{rule: true}) }

func (t *table) write(ew *errWriter) {
	widths := make([]int, len(t.header))
	measure := func(cells []string) {
		for i, c := range cells {
			if n := utf8.RuneCountInString(c); n > widths[i] {
				widths[i] = n
			}
		}
	}
	measure(t.header)
	for _, r := range t.rows {
		measure(r.cells)
	}
	const gap = "  "
	total := 0
	for _, w := range widths {
		total += w
	}
	total += len(gap) * (len(widths) - 1)

	format := func(cells []string, note string) string {
		var b strings.Builder
		for i, c := range cells {
			if i > 0 {
				b.WriteString(gap)
			}
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			if t.left[i] {
				b.WriteString(c + pad)
			} else {
				b.WriteString(pad + c)
			}
		}
		if note != "" {
			b.WriteString(gap + note)
		}
		return strings.TrimRight(b.String(), " ")
	}
	ew.println(format(t.header, ""))
	for _, r := range t.rows {
		if r.rule {
			ew.println(strings.Repeat("─", total))
			continue
		}
		ew.println(format(r.cells, r.note))
	}
}

// errWriter keeps the first write error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) println(s string) {
	if e.err != nil {
		return
	}
	_, e.err = io.WriteString(e.w, s+"\n")
}
