package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
	"time"

	"github.com/neckwatch/neckwatch/insights"
)

//go:embed report.html.tmpl
var htmlSource string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"add":   func(a, b float64) float64 { return a + b },
	"sub":   func(a, b float64) float64 { return a - b },
	"prose": prose,
}).Parse(htmlSource))

// prose puts a sentence of the report's text on the page: what the
// terminal report marks as a command between backticks is set as code,
// everything escaped.
func prose(s string) template.HTML {
	parts := strings.Split(s, "`")
	if len(parts)%2 == 0 { // an odd backtick: not markup
		return template.HTML(template.HTMLEscapeString(s))
	}
	var b strings.Builder
	for i, p := range parts {
		if i%2 == 1 {
			b.WriteString("<code>" + template.HTMLEscapeString(p) + "</code>")
		} else {
			b.WriteString(template.HTMLEscapeString(p))
		}
	}
	return template.HTML(b.String())
}

// htmlCard is one figure of the week at a glance.
type htmlCard struct {
	Label, Value, Note string
}

// htmlCheck is one desk check as the page shows it.
type htmlCheck struct {
	insights.Check
	Badge, Class string
	DismissHint  string
	Daily        []htmlDayFigure
}

type htmlDayFigure struct {
	Day, Value, Minutes string
	Counted             bool
}

// htmlRow is one line of the daily table.
type htmlRow struct {
	Day                             string
	NoData                          bool
	Present, Upright, Forward, Load string
	Alerts, Corrected, Breaks, Neck string
	Pitch, Distance, Yaw, Pain      string
}

type htmlPage struct {
	Title, Period, Generated string
	HasData                  bool
	NoDataText               string
	WeekLabel                string
	Cards                    []htmlCard
	TrendLabel               string
	TrendFigures             []string
	TrendNote                string
	Advice                   []string
	Charts                   []*svgChart
	DeskFrom, DeskTo         string
	Checks                   []htmlCheck
	DeskRules                []string
	PainText                 []string
	PainChart                *svgChart
	Rows                     []htmlRow
	Total                    htmlRow
	MinMinutes               int
}

// WriteHTML writes the report as one self-contained HTML page: the week
// at a glance, the trend with charts, the desk advice with its evidence
// and assumptions, pain against posture with its chart, and the daily
// table; no script, no external file, charts as inline SVG with text
// alternatives, printable. generated is the time printed on it. The desk
// and pain sections need AddInsights first (without it they say so).
func (r Report) WriteHTML(w io.Writer, generated time.Time) error {
	return htmlTemplate.Execute(w, r.htmlPage(generated))
}

// HTML is WriteHTML into memory.
func (r Report) HTML(generated time.Time) ([]byte, error) {
	var b bytes.Buffer
	if err := r.WriteHTML(&b, generated); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// WeekAtAGlance summarises the report's last 7 days (all of it when
// shorter).
func (r Report) WeekAtAGlance() Summary {
	var s Summary
	from := r.To.AddDate(0, 0, -6)
	for _, row := range r.Rows {
		if row.Date.Before(from) {
			continue
		}
		s.Days++
		if row.HasData {
			s.add(row.Day)
		}
	}
	return s
}

func (r Report) htmlPage(generated time.Time) htmlPage {
	p := htmlPage{
		Title:      "Posture report " + r.Period(),
		Period:     r.Period(),
		Generated:  generated.Format("Mon 02 Jan 2006 15:04"),
		HasData:    r.HasData(),
		MinMinutes: insights.MinDayMinutes,
	}
	if !r.HasData() {
		p.NoDataText = r.NoDataText()
		return p
	}
	wk := r.WeekAtAGlance()
	from := r.To.AddDate(0, 0, -6)
	if from.Before(r.From) {
		from = r.From
	}
	p.WeekLabel = from.Format(dayLayout) + " – " + r.To.Format(dayLayout)
	p.Cards = weekCards(wk)
	if tr := r.Trend; tr != nil {
		p.TrendLabel = fmt.Sprintf("%s (%s vs %s, %d %s each)", tr.Label, span(tr.Before), span(tr.After), tr.Before.Days, plural(tr.Before.Days, "day", "days"))
		for _, f := range tr.Figures() {
			p.TrendFigures = append(p.TrendFigures, f.Text)
		}
		if len(p.TrendFigures) == 0 {
			p.TrendNote = "Nothing to compare yet."
		}
	} else {
		p.TrendNote = "One day of data so far; a trend needs at least two."
	}
	p.Advice = r.Advice
	p.Charts = []*svgChart{r.uprightChart(), r.forwardChart()}

	if d := r.Desk; d != nil {
		p.DeskFrom, p.DeskTo = d.From.Format(dayLayout), d.To.Format(dayLayout)
		for _, c := range d.Checks {
			hc := htmlCheck{Check: c, DismissHint: DismissHint(c.ID)}
			hc.Text = underHeading(c.Title, c.Text) // under its <h3>
			switch {
			case c.Status == insights.Advise && c.Dismissed:
				hc.Badge, hc.Class = "dismissed", "quiet"
				hc.DismissHint = "neckwatch report --undismiss " + string(c.ID)
			case c.Status == insights.Advise:
				hc.Badge, hc.Class = "advice", "advice"
			case c.Status == insights.Fine:
				hc.Badge, hc.Class = "nothing to change", "fine"
			case c.Status == insights.Mixed:
				hc.Badge, hc.Class = "mixed evidence", "quiet"
			default:
				hc.Badge, hc.Class = "too little data", "quiet"
			}
			for _, df := range c.Daily {
				f := htmlDayFigure{Day: df.Date.Format("Mon 02"), Value: none, Counted: df.Enough}
				if df.Minutes > 0 {
					f.Value, f.Minutes = setupValue(c.ID, df.Value), fmt.Sprintf("%d min", df.Minutes)
				}
				hc.Daily = append(hc.Daily, f)
			}
			p.Checks = append(p.Checks, hc)
		}
		p.DeskRules = []string{
			fmt.Sprintf("A day counts with at least %d minutes of sitting upright in front of the camera; a check needs %d such days of the last %d.",
				insights.MinDayMinutes, insights.MinDays, insights.WindowDays),
			"A day's figure is the median of its minutes; the week's, the median of the days'. Advice needs three quarters of the days beyond the limit the same way; with a quarter or fewer there is nothing to change; in between the evidence is mixed and there is no advice.",
		}
	}
	if pn := r.Pain; pn != nil {
		for _, t := range pn.Text {
			p.PainText = append(p.PainText, underHeading(painHeading, t))
		}
		p.PainChart = r.painChart()
	}
	var setup map[dateKey]insights.SetupDay
	if len(r.Setup) > 0 {
		setup = map[dateKey]insights.SetupDay{}
		for _, s := range r.Setup {
			setup[keyOf(s.Date)] = s
		}
	}
	for _, row := range r.Rows {
		hr := htmlRow{Day: row.Date.Format(dayLayout)}
		if !row.HasData {
			hr.NoData = true
			p.Rows = append(p.Rows, hr)
			continue
		}
		d := row.Day
		hr.Present = hours(row.PresentHours())
		hr.Upright = none
		if d.Present > 0 {
			hr.Upright = pct(row.UprightPct())
		}
		hr.Forward = minutes(row.ForwardHeadMinutes())
		hr.Load = minutes(d.ForwardHeadLoad.Minutes())
		hr.Alerts, hr.Corrected = fmt.Sprint(d.Alerts), fmt.Sprint(d.Corrections)
		hr.Breaks = fmt.Sprintf("%d/%d", d.BreaksTaken, d.BreaksSuggested)
		hr.Neck = none
		if neckWeight(d) > 0 {
			hr.Neck = deg(d.MeanNeckAngleDeg)
		}
		hr.Pitch, hr.Distance, hr.Yaw = none, none, none
		if s, ok := setup[keyOf(row.Date)]; ok {
			if s.Pitch.Minutes > 0 {
				hr.Pitch = setupValue(insights.ScreenHeight, s.Pitch.Value)
			}
			if s.Distance.Minutes > 0 {
				hr.Distance = setupValue(insights.ScreenDistance, s.Distance.Value)
			}
			if s.Yaw.Minutes > 0 {
				hr.Yaw = setupValue(insights.ScreenSide, s.Yaw.Value)
			}
		}
		hr.Pain = none
		if d.Pain != nil {
			hr.Pain = fmt.Sprintf("%.1f", *d.Pain)
		}
		p.Rows = append(p.Rows, hr)
	}
	t := r.Totals
	p.Total = htmlRow{Day: "Total", Present: hours(t.PresentHours()), Upright: none, Forward: minutes(t.ForwardHeadMinutes()),
		Load: minutes(t.ForwardHeadLoad.Minutes()), Alerts: fmt.Sprint(t.Alerts), Corrected: fmt.Sprint(t.Corrections),
		Breaks: fmt.Sprintf("%d/%d", t.BreaksTaken, t.BreaksSuggested), Neck: none, Pitch: "", Distance: "", Yaw: "", Pain: none}
	if t.Present > 0 {
		p.Total.Upright = pct(t.UprightPct())
	}
	if a, ok := t.MeanNeckAngle(); ok {
		p.Total.Neck = deg(a)
	}
	if pm, ok := t.MeanPain(); ok {
		p.Total.Pain = fmt.Sprintf("%.1f", pm)
	}
	return p
}

// setupValue writes a desk set-up figure: "24° down", "58 cm", "20°
// right".
func setupValue(id insights.AdviceID, v float64) string {
	switch id {
	case insights.ScreenDistance:
		return fmt.Sprintf("%.0f cm", v)
	case insights.ScreenSide:
		switch r := math.Round(v); {
		case r > 0:
			return fmt.Sprintf("%.0f° left", r)
		case r < 0:
			return fmt.Sprintf("%.0f° right", -r)
		}
		return "0°"
	}
	if r := math.Round(v); r < 0 {
		return fmt.Sprintf("%.0f° up", -r)
	}
	return fmt.Sprintf("%.0f° down", math.Round(v))
}

// weekCards are the week at a glance.
func weekCards(s Summary) []htmlCard {
	cards := []htmlCard{
		{"At the desk", hours(s.PresentHours()), fmt.Sprintf("on %d of %d days", s.DaysWithData, s.Days)},
		{"Upright", none, "of the time at the desk"},
		{"Forward head", fmt.Sprintf("%.1f min/h", s.ForwardHeadPerHour()), minutes(s.ForwardHeadMinutes()) + " in all"},
		{"Posture alerts", fmt.Sprintf("%.1f/h", s.AlertsPerHour()), fmt.Sprintf("%d in all, %d corrected within a minute", s.Alerts, s.Corrections)},
		{"Breaks taken", fmt.Sprintf("%d of %d", s.BreaksTaken, s.BreaksSuggested), "suggested by the load"},
		{"Pain", none, "no scores"},
	}
	if s.Present > 0 {
		cards[1].Value = pct(s.UprightPct())
	}
	if !s.HasRates() {
		// Counts, not rates extrapolated from minutes.
		few := fmt.Sprintf("in %s at the desk (a rate per hour needs an hour)", minutes(s.Present.Minutes()))
		cards[2].Value, cards[2].Note = minutes(s.ForwardHeadMinutes()), few
		cards[3].Value, cards[3].Note = fmt.Sprint(s.Alerts), fmt.Sprintf("%d corrected within a minute; %s", s.Corrections, few)
	}
	if p, ok := s.MeanPain(); ok {
		cards[5].Value = fmt.Sprintf("%.1f", p)
		cards[5].Note = fmt.Sprintf("average of %d %s with a score (0-10)", s.PainDays, plural(s.PainDays, "day", "days"))
	}
	return cards
}
