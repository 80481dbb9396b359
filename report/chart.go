package report

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/neckwatch/neckwatch/internal/atomicfile"
)

// ChartDPI is the resolution charts are laid out at: a chart of width x
// height pixels is width/ChartDPI x height/ChartDPI inches, and a PNG has
// exactly width x height pixels. (An SVG is sized in points, width x
// height pixels at 96 pixels per inch.)
const ChartDPI = 96

// Chart size limits in pixels.
const (
	MinChartWidth, MinChartHeight = 320, 300
	MaxChartWidth, MaxChartHeight = 8000, 8000
)

// Chart colours.
var (
	colUpright     = color.RGBA{R: 0x2e, G: 0x8b, B: 0x57, A: 0xff} // sea green
	colForwardHead = color.RGBA{R: 0xe6, G: 0x7e, B: 0x22, A: 0xff} // orange
	colPain        = color.RGBA{R: 0x8e, G: 0x44, B: 0xad, A: 0xff} // purple
	colNoData      = color.RGBA{R: 0xee, G: 0xee, B: 0xee, A: 0xff} // light grey
	colGrid        = color.RGBA{R: 0xdd, G: 0xdd, B: 0xdd, A: 0xff}
)

// CheckChartSize says what is wrong with a chart size in pixels, nil when
// WriteChart can draw it.
func CheckChartSize(width, height int) error {
	if width < MinChartWidth || height < MinChartHeight || width > MaxChartWidth || height > MaxChartHeight {
		return fmt.Errorf("width must be %d-%d and height %d-%d", MinChartWidth, MaxChartWidth, MinChartHeight, MaxChartHeight)
	}
	return nil
}

// WriteChart draws the period's daily upright %, forward-head minutes and
// pain as three stacked panels sharing the date axis (days without data
// shaded grey) and writes it to path, width x height pixels. The format
// follows the extension: .png or .svg. The file is written atomically: a
// temporary file in the same directory renamed over path.
func (r Report) WriteChart(path string, width, height int) error {
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".png" && ext != ".svg" {
		return fmt.Errorf("chart %s: unsupported file extension %q: use .png or .svg", path, filepath.Ext(path))
	}
	if !r.HasData() {
		return fmt.Errorf("no data to chart between %s and %s", r.From.Format(isoLayout), r.To.Format(isoLayout))
	}
	if err := CheckChartSize(width, height); err != nil {
		return fmt.Errorf("chart size %dx%d pixels: %w", width, height, err)
	}
	var buf bytes.Buffer
	if err := r.renderChart(&buf, ext[1:], width, height); err != nil {
		return fmt.Errorf("chart %s: %w", path, err)
	}
	if fi, err := os.Stat(filepath.Dir(path)); err != nil || !fi.IsDir() {
		return fmt.Errorf("chart %s: there is no folder %s", path, filepath.Dir(path)) // not made by accident
	}
	if err := atomicfile.Write(path, buf.Bytes(), 0o644, 0o700); err != nil {
		return fmt.Errorf("chart %s: %w", path, err)
	}
	return nil
}

// renderChart draws the chart in format ("png" or "svg") to w.
func (r Report) renderChart(w io.Writer, format string, width, height int) (err error) {
	defer func() {
		// gonum panics on impossible layouts; report it as an error.
		if p := recover(); p != nil {
			err = fmt.Errorf("drawing the chart: %v", p)
		}
	}()
	wl := vg.Length(width) * vg.Inch / ChartDPI
	hl := vg.Length(height) * vg.Inch / ChartDPI

	var cw vg.CanvasWriterTo
	switch format {
	case "png":
		c := vgimg.NewWith(vgimg.UseWH(wl, hl), vgimg.UseDPI(ChartDPI), vgimg.UseBackgroundColor(color.White))
		cw = vgimg.PngCanvas{Canvas: c}
	case "svg":
		cw = vgsvg.New(wl, hl)
	default:
		return errors.New("unsupported format " + format)
	}
	dc := draw.New(cw)
	// The SVG canvas has no background: paint it white.
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())

	plots := r.chartPlots(width, height)
	pad := vg.Length(10)
	tiles := draw.Tiles{
		Rows: len(plots), Cols: 1,
		PadTop: pad, PadBottom: pad, PadLeft: pad, PadRight: pad + 6,
		PadY: pad,
	}
	rows := make([][]*plot.Plot, len(plots))
	for i, p := range plots {
		rows[i] = []*plot.Plot{p}
	}
	canvases := plot.Align(rows, tiles, dc)
	for i, p := range plots {
		p.Draw(canvases[i][0])
	}
	_, err = cw.WriteTo(w)
	return err
}

// chartPlots builds the three panels: upright %, forward-head minutes,
// pain. Only the bottom one labels the dates.
func (r Report) chartPlots(widthPx, heightPx int) []*plot.Plot {
	n := len(r.Rows)
	var gaps []float64
	var upright, pain plotter.XYs
	var fhX, fhY []float64
	var uprightRuns []plotter.XYs
	maxFH := 0.0
	for i, row := range r.Rows {
		x := float64(i)
		if !row.HasData {
			gaps = append(gaps, x)
		}
		if row.HasData && row.Day.Present > 0 {
			pt := plotter.XY{X: x, Y: row.UprightPct()}
			upright = append(upright, pt)
			if i > 0 && r.Rows[i-1].HasData && r.Rows[i-1].Day.Present > 0 && len(uprightRuns) > 0 {
				uprightRuns[len(uprightRuns)-1] = append(uprightRuns[len(uprightRuns)-1], pt)
			} else {
				uprightRuns = append(uprightRuns, plotter.XYs{pt})
			}
			fhX = append(fhX, x)
			fhY = append(fhY, row.ForwardHeadMinutes())
			maxFH = math.Max(maxFH, row.ForwardHeadMinutes())
		}
		if row.HasData && row.Day.Pain != nil {
			pain = append(pain, plotter.XY{X: x, Y: *row.Day.Pain})
		}
	}

	panel := func(label string) *plot.Plot {
		p := plot.New()
		p.X.Min, p.X.Max = -0.5, float64(n)-0.5
		p.X.Padding, p.Y.Padding = 0, 0
		p.Y.Label.Text = label
		p.Y.Label.TextStyle.Font.Size = 10
		p.Y.Tick.Label.Font.Size = 9
		p.X.Tick.Label.Font.Size = 9
		p.Add(&shade{xs: gaps, color: colNoData})
		g := plotter.NewGrid()
		g.Vertical.Color = nil
		g.Horizontal.Color = colGrid
		p.Add(g)
		return p
	}

	// Short panels get their axis labels on two lines.
	labels := []string{"Upright %", "Forward head (min)", "Pain (0-10)"}
	// Panels under about 110 pixels get fewer value ticks.
	short := heightPx < 440
	if heightPx < 540 {
		labels = []string{"Upright\n%", "Forward head\n(min)", "Pain\n(0-10)"}
	}
	up := panel(labels[0])
	up.Title.TextStyle.Font.Size = 12
	up.Title.Padding = 6
	up.Title.Text = fitTitle(up.Title.TextStyle, vg.Length(widthPx-30)*vg.Inch/ChartDPI, r.titles(len(gaps) > 0))
	up.Y.Min, up.Y.Max = 0, 100
	up.Y.Tick.Marker = plot.ConstantTicks(valueTicks(0, 100, 25))
	if short {
		up.Y.Tick.Marker = plot.ConstantTicks(valueTicks(0, 100, 50))
	}
	for _, run := range uprightRuns {
		if len(run) < 2 {
			continue
		}
		l, err := plotter.NewLine(run)
		if err == nil {
			l.LineStyle.Color = colUpright
			l.LineStyle.Width = vg.Points(1.5)
			up.Add(l)
		}
	}
	if len(upright) > 0 {
		if s, err := plotter.NewScatter(upright); err == nil {
			s.GlyphStyle = draw.GlyphStyle{Color: colUpright, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
			up.Add(s)
		}
	}

	fh := panel(labels[1])
	fh.Y.Min, fh.Y.Max = 0, niceCeil(maxFH*1.1)
	maxTicks := 5
	if short {
		maxTicks = 3
	}
	if step := tickStep(fh.Y.Max, maxTicks); step > 0 {
		fh.Y.Tick.Marker = plot.ConstantTicks(valueTicks(0, fh.Y.Max, step))
	}
	fh.Add(&bars{xs: fhX, ys: fhY, width: 0.7, color: colForwardHead})

	pn := panel(labels[2])
	pn.Y.Min, pn.Y.Max = 0, 10
	pn.Y.Tick.Marker = plot.ConstantTicks(valueTicks(0, 10, 2))
	if short {
		pn.Y.Tick.Marker = plot.ConstantTicks(valueTicks(0, 10, 5))
	}
	// Solid between entries on consecutive days, dashed across days
	// without an entry.
	for i := 1; i < len(pain); i++ {
		seg := plotter.XYs{pain[i-1], pain[i]}
		if l, err := plotter.NewLine(seg); err == nil {
			l.LineStyle.Color = colPain
			l.LineStyle.Width = vg.Points(1.5)
			if pain[i].X-pain[i-1].X > 1 {
				l.LineStyle.Width = vg.Points(1)
				l.LineStyle.Dashes = []vg.Length{vg.Points(3), vg.Points(3)}
			}
			pn.Add(l)
		}
	}
	if len(pain) > 0 {
		if s, err := plotter.NewScatter(pain); err == nil {
			s.GlyphStyle = draw.GlyphStyle{Color: colPain, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
			pn.Add(s)
		}
	} else {
		pn.Add(&note{text: "no pain entered: neckwatch journal add --pain N"})
	}

	plots := []*plot.Plot{up, fh, pn}
	dates := make([]time.Time, n)
	for i, row := range r.Rows {
		dates[i] = row.Date
	}
	// Roughly the width of the data area, for spacing the date labels.
	dataPx := float64(widthPx) - 90
	for i, p := range plots {
		p.X.Tick.Marker = dayTicks{dates: dates, labels: i == len(plots)-1, dataPx: dataPx}
	}
	return plots
}

// titles are the chart titles from the most to the least detailed.
func (r Report) titles(gaps bool) []string {
	full := "Posture " + r.Period()
	short := r.From.Format("02 Jan") + " – " + r.To.Format("02 Jan 2006")
	if r.From.Equal(r.To) {
		short = r.From.Format("02 Jan 2006")
	}
	var ts []string
	if gaps {
		ts = append(ts, full+" (grey: no data)")
	}
	return append(ts, full, "Posture "+short, short)
}

// fitTitle is the first title that fits in width, else the last one.
func fitTitle(sty text.Style, width vg.Length, titles []string) string {
	for _, t := range titles {
		if sty.Width(t) <= width {
			return t
		}
	}
	return titles[len(titles)-1]
}

// valueTicks are major ticks from min to max every step.
func valueTicks(min, max, step float64) []plot.Tick {
	var ts []plot.Tick
	for v := min; v <= max+step/1e6; v += step {
		ts = append(ts, plot.Tick{Value: v, Label: fmt.Sprintf("%g", v)})
	}
	return ts
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten (at least 10).
func niceCeil(v float64) float64 {
	if v <= 10 {
		return 10
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

// tickStep is the smallest round step (1, 2, 2.5, 3, 4, 5, 6 or 8 times
// a power of ten) that divides max into at most n intervals, or 0 when
// none divides it evenly.
func tickStep(max float64, n int) float64 {
	p := math.Pow(10, math.Floor(math.Log10(max/float64(n))))
	for _, scale := range []float64{p, 10 * p} {
		for _, m := range []float64{1, 2, 2.5, 3, 4, 5, 6, 8} {
			step := m * scale
			k := max / step
			if k <= float64(n) && math.Abs(k-math.Round(k)) < 1e-9 {
				return step
			}
		}
	}
	return 0
}

// dayTicks puts a tick on every day of the period and labels some of them
// (every day, every other day, or Mondays, by how much room there is);
// labels false draws only the small day ticks, no labels.
type dayTicks struct {
	dates  []time.Time
	labels bool
	dataPx float64
}

func (t dayTicks) Ticks(min, max float64) []plot.Tick {
	n := len(t.dates)
	// A "Mon 02 Nov" label is about 70 pixels wide at 9 points, "02 Nov"
	// about 45.
	layout, labelPx := "Mon 02 Jan", 78.0
	if float64(n)*labelPx > t.dataPx {
		layout, labelPx = "02 Jan", 52.0
	}
	step := 1
	for float64(n)*labelPx/float64(step) > t.dataPx {
		switch {
		case step < 2:
			step = 2
		case step < 7:
			step = 7
		default:
			step += 7
		}
	}
	ts := make([]plot.Tick, 0, n)
	for i, d := range t.dates {
		tick := plot.Tick{Value: float64(i)}
		label := false
		if step < 7 {
			label = i%step == 0
		} else {
			// Weekly labels on Mondays (or every step/7 Mondays).
			if d.Weekday() == time.Monday {
				weeks := int(d.Sub(t.dates[0]).Hours()/24+0.5) / 7
				label = weeks%(step/7) == 0
			}
		}
		if label && t.labels {
			tick.Label = d.Format(layout)
		}
		ts = append(ts, tick)
	}
	return ts
}

// maxBarHalfWidth keeps the bars of a short period from turning into
// slabs.
const maxBarHalfWidth = vg.Length(16)

// bars draws one bar per x, width in data units (days), from 0 to y.
type bars struct {
	xs, ys []float64
	width  float64
	color  color.Color
}

func (b *bars) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	for i, x := range b.xs {
		if b.ys[i] <= 0 {
			continue
		}
		half := (tx(x+b.width/2) - tx(x-b.width/2)) / 2
		if half > maxBarHalfWidth {
			half = maxBarHalfWidth
		}
		x0, x1 := tx(x)-half, tx(x)+half
		y0, y1 := ty(0), ty(b.ys[i])
		pts := c.ClipPolygonXY([]vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
		c.FillPolygon(b.color, pts)
	}
}

func (b *bars) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = math.Inf(1), math.Inf(-1)
	for i, x := range b.xs {
		xmin = math.Min(xmin, x-b.width/2)
		xmax = math.Max(xmax, x+b.width/2)
		ymax = math.Max(ymax, b.ys[i])
	}
	if len(b.xs) == 0 {
		xmin, xmax = 0, 0
	}
	return xmin, xmax, 0, ymax
}

// shade fills the full height of each day in xs (days without data).
type shade struct {
	xs    []float64
	color color.Color
}

func (s *shade) Plot(c draw.Canvas, p *plot.Plot) {
	tx, _ := p.Transforms(&c)
	for _, x := range s.xs {
		x0, x1 := tx(x-0.5), tx(x+0.5)
		pts := c.ClipPolygonXY([]vg.Point{{X: x0, Y: c.Min.Y}, {X: x1, Y: c.Min.Y}, {X: x1, Y: c.Max.Y}, {X: x0, Y: c.Max.Y}})
		c.FillPolygon(s.color, pts)
	}
}

// note writes a grey line of text in the middle of a panel.
type note struct{ text string }

func (n *note) Plot(c draw.Canvas, p *plot.Plot) {
	sty := p.Y.Tick.Label
	sty.Color = color.Gray{Y: 0x80}
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
	sty.Rotation = 0
	c.FillText(sty, c.Center(), n.text)
}
