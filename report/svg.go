package report

import (
	"fmt"
	"math"
	"strings"
)

// Inline SVG charts for the HTML report: plain shapes computed here and
// written by the template, so the page needs no script, no font and no
// network. Each chart has a title and a description (the values in
// words) for screen readers, and the daily table repeats its figures.

// svgChart is one chart, in viewBox units (the page scales it).
type svgChart struct {
	ID           string
	Title, Desc  string
	Caption      string // the visible caption after the title
	W, H         float64
	X0, X1       float64 // plot area, left to right
	Y0, Y1       float64 // plot area, top to bottom
	Gaps         []svgRect
	Bars         []svgRect
	Lines        []svgPath
	Dots         []svgDot
	YTicks       []svgTick // left axis
	Y2Ticks      []svgTick // right axis
	XLabels      []svgTick
	YLabel       string
	Y2Label      string
	Legend       []svgLegend
	Refs         []svgRef
	NoDataText   string // shown when the chart has nothing to draw
	NoDataX      float64
	NoDataY      float64
	AxisLabelY   float64
	LegendY      float64
	RightLabelX  float64
	LeftLabelX   float64
	XLabelY      float64
	BottomLabelY float64
}

type svgRect struct {
	X, Y, W, H float64
	Class      string
	Label      string // a tooltip (<title>)
}

type svgPath struct {
	D, Class string
}

type svgDot struct {
	X, Y  float64
	Class string
	Label string
}

type svgTick struct {
	Pos   float64
	Label string
}

type svgLegend struct {
	X     float64
	Class string // swatch class
	Label string
	Line  bool // a line-and-dot swatch instead of a block
}

type svgRef struct {
	Y     float64
	Label string
}

// chartDays is the x layout shared by the day charts: n slots across
// the plot area.
type chartDays struct {
	x0, x1 float64
	n      int
}

func (c chartDays) slot() float64 { return (c.x1 - c.x0) / float64(c.n) }

func (c chartDays) centre(i int) float64 { return c.x0 + (float64(i)+0.5)*c.slot() }

// newDayChart lays out a chart over the report's days: date labels on
// the x axis (every day, or every few days when there are many), grey
// slots for days without data.
func (r Report) newDayChart(id, title string) (*svgChart, chartDays) {
	c := &svgChart{ID: id, Title: title, W: 720, H: 240, X0: 56, X1: 664, Y0: 34, Y1: 196}
	c.AxisLabelY = 20
	c.LegendY = 16
	c.LeftLabelX = 8
	c.RightLabelX = 712
	c.XLabelY = c.Y1 + 18
	c.BottomLabelY = c.Y1 + 34
	days := chartDays{x0: c.X0, x1: c.X1, n: len(r.Rows)}
	every := 1
	for float64(every)*days.slot() < 44 {
		every++
	}
	for i, row := range r.Rows {
		if !row.HasData {
			c.Gaps = append(c.Gaps, svgRect{X: days.x0 + float64(i)*days.slot(), Y: c.Y0, W: days.slot(), H: c.Y1 - c.Y0, Class: "gap",
				Label: row.Date.Format(dayLayout) + ": no data"})
		}
		if (len(r.Rows)-1-i)%every == 0 { // the last day always labelled
			layout := "Mon 02"
			if every > 1 {
				layout = "02 Jan"
			}
			c.XLabels = append(c.XLabels, svgTick{Pos: days.centre(i), Label: row.Date.Format(layout)})
		}
	}
	c.NoDataX, c.NoDataY = (c.X0+c.X1)/2, (c.Y0+c.Y1)/2
	return c, days
}

// yScale maps a value in [0, max] to the plot area's height.
func (c *svgChart) yScale(v, max float64) float64 {
	if max <= 0 {
		return c.Y1
	}
	return c.Y1 - (c.Y1-c.Y0)*math.Max(0, math.Min(v, max))/max
}

// ticks puts value ticks on the left (or right) axis every step to max.
func (c *svgChart) ticks(max, step float64, unit string, right bool) {
	for v := 0.0; v <= max+step/1e6; v += step {
		t := svgTick{Pos: c.yScale(v, max), Label: fmt.Sprintf("%g%s", v, unit)}
		if right {
			c.Y2Ticks = append(c.Y2Ticks, t)
		} else {
			c.YTicks = append(c.YTicks, t)
		}
	}
}

// niceMax rounds a chart's top up to a round number with a step that
// gives 3 to 5 intervals.
func niceMax(v float64) (max, step float64) {
	if v <= 0 {
		return 10, 5
	}
	max = niceCeil(v * 1.05)
	for _, n := range []int{4, 5, 3, 2} {
		if s := tickStep(max, n); s > 0 && max/s >= 2 {
			return max, s
		}
	}
	return max, max / 2
}

// uprightChart: the upright share of each day with data, a line
// (broken across days without data) with a dot a day.
func (r Report) uprightChart() *svgChart {
	c, days := r.newDayChart("chart-upright", "Upright share of the time at the desk, per day")
	c.YLabel = "upright"
	c.ticks(100, 25, "%", false)
	var desc []string
	var run []string
	flush := func() {
		if len(run) > 1 {
			c.Lines = append(c.Lines, svgPath{D: "M " + strings.Join(run, " L "), Class: "upright"})
		}
		run = nil
	}
	for i, row := range r.Rows {
		if !row.HasData || row.Day.Present <= 0 {
			flush()
			continue
		}
		x, y := days.centre(i), c.yScale(row.UprightPct(), 100)
		run = append(run, fmt.Sprintf("%.1f %.1f", x, y))
		label := fmt.Sprintf("%s: %s upright", row.Date.Format(dayLayout), pct(row.UprightPct()))
		c.Dots = append(c.Dots, svgDot{X: x, Y: y, Class: "upright", Label: label})
		desc = append(desc, label)
	}
	flush()
	c.describe(desc)
	return c
}

// describe gives a day chart its text alternative (one phrase a day, or
// that there was no data) and its caption.
func (c *svgChart) describe(desc []string) {
	if len(desc) == 0 {
		c.NoDataText = "no time at the desk in this period"
		desc = append(desc, "no time at the desk in this period")
	}
	c.Desc = strings.Join(desc, "; ") + "."
	c.Caption = "Grey: days without data; the figures are in the table Day by day"
}

// forwardChart: the forward-head minutes of each day, bars.
func (r Report) forwardChart() *svgChart {
	c, days := r.newDayChart("chart-forward", "Forward-head minutes per day")
	c.YLabel = "minutes"
	top := 0.0
	for _, row := range r.Rows {
		top = math.Max(top, row.ForwardHeadMinutes())
	}
	max, step := niceMax(top)
	c.ticks(max, step, "", false)
	var desc []string
	for i, row := range r.Rows {
		if !row.HasData || row.Day.Present <= 0 {
			continue
		}
		v := row.ForwardHeadMinutes()
		y := c.yScale(v, max)
		label := fmt.Sprintf("%s: %s forward head", row.Date.Format(dayLayout), minutes(v))
		c.Bars = append(c.Bars, svgRect{X: days.centre(i) - 0.32*days.slot(), Y: y, W: 0.64 * days.slot(), H: c.Y1 - y, Class: "forward", Label: label})
		desc = append(desc, label)
	}
	c.describe(desc)
	return c
}

// painChart: each day's forward-head load (bars, left axis) with the
// day's pain score beside it (dots joined on consecutive days, right
// axis 0-10): pain next to the load it is compared with.
func (r Report) painChart() *svgChart {
	c, days := r.newDayChart("chart-pain", "Pain beside the forward-head load it is compared with")
	c.YLabel = "load (min)"
	c.Y2Label = "pain (0-10)"
	top := 0.0
	for _, row := range r.Rows {
		top = math.Max(top, row.Day.ForwardHeadLoad.Minutes())
	}
	max, step := niceMax(top)
	c.ticks(max, step, "", false)
	c.ticks(10, 2.5, "", true)
	c.Legend = []svgLegend{
		{X: c.X0, Class: "load", Label: "forward-head load: minutes × severity"},
		{X: c.X0 + 300, Class: "pain", Label: "pain score that day", Line: true},
	}
	var desc []string
	var run []string
	prev := -2
	flush := func() {
		if len(run) > 1 {
			c.Lines = append(c.Lines, svgPath{D: "M " + strings.Join(run, " L "), Class: "pain"})
		}
		run = nil
	}
	for i, row := range r.Rows {
		if !row.HasData {
			continue
		}
		d := row.Day
		parts := []string{row.Date.Format(dayLayout)}
		if d.Present > 0 {
			v := d.ForwardHeadLoad.Minutes()
			y := c.yScale(v, max)
			label := fmt.Sprintf("%s: forward-head load %.0f min", row.Date.Format(dayLayout), v)
			c.Bars = append(c.Bars, svgRect{X: days.centre(i) - 0.32*days.slot(), Y: y, W: 0.64 * days.slot(), H: c.Y1 - y, Class: "load", Label: label})
			parts = append(parts, fmt.Sprintf("load %.0f min", v))
		}
		if d.Pain != nil {
			x, y := days.centre(i), c.yScale(*d.Pain, 10)
			if i != prev+1 {
				flush()
			}
			run = append(run, fmt.Sprintf("%.1f %.1f", x, y))
			prev = i
			c.Dots = append(c.Dots, svgDot{X: x, Y: y, Class: "pain", Label: fmt.Sprintf("%s: pain %.1f", row.Date.Format(dayLayout), *d.Pain)})
			parts = append(parts, fmt.Sprintf("pain %.1f", *d.Pain))
		}
		if len(parts) > 1 {
			desc = append(desc, strings.Join(parts, ", "))
		}
	}
	flush()
	if len(c.Dots) == 0 {
		c.NoDataText = "no pain scores in this period: neckwatch journal add --pain N"
	}
	if len(desc) == 0 {
		desc = append(desc, "no data in this period")
	}
	c.Desc = strings.Join(desc, "; ") + "."
	c.Caption = "Bars: the day's forward-head load (left scale); dots: the day's pain score (right scale, 0-10); the figures are in the table Day by day"
	return c
}
