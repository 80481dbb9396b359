package report

import (
	"bytes"
	"encoding/xml"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/history"
)

func TestWriteChartPNG(t *testing.T) {
	r := Build(seeded(), date(2), date(22))
	dir := t.TempDir()
	for _, size := range [][2]int{{900, 600}, {1001, 701}, {MinChartWidth, MinChartHeight}} {
		path := filepath.Join(dir, "posture.png")
		if err := r.WriteChart(path, size[0], size[1]); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != size[0] || b.Dy() != size[1] {
			t.Errorf("png is %dx%d, want %dx%d", b.Dx(), b.Dy(), size[0], size[1])
		}
		colours := map[[4]uint32]bool{}
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y += 2 {
			for x := b.Min.X; x < b.Max.X; x += 2 {
				r, g, bl, a := img.At(x, y).RGBA()
				colours[[4]uint32{r, g, bl, a}] = true
			}
		}
		if len(colours) < 10 {
			t.Errorf("%dx%d png has %d colours: blank?", size[0], size[1], len(colours))
		}
	}
	// Nothing left behind but the chart.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("dir holds %d files, want only the chart", len(entries))
	}
	if p := os.Getenv("REPORT_EXAMPLE"); p != "" {
		if err := r.WriteChart(p, 900, 600); err != nil {
			t.Fatal(err)
		}
	}
}

func TestWriteChartSVG(t *testing.T) {
	r := Build(seeded(), date(2), date(22))
	path := filepath.Join(t.TempDir(), "posture.SVG")
	if err := r.WriteChart(path, 800, 500); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	var root *xml.StartElement
	for {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("svg does not parse: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			root = &se
			break
		}
	}
	if root.Name.Local != "svg" {
		t.Errorf("root element <%s>, want <svg>", root.Name.Local)
	}
	for {
		if _, err := dec.Token(); err != nil {
			if err.Error() != "EOF" {
				t.Errorf("svg does not parse: %v", err)
			}
			break
		}
	}
	if !strings.Contains(string(data), `width="600pt"`) {
		t.Errorf("svg width is not 800 px (600 pt): %.200s", data)
	}
}

func TestWriteChartErrors(t *testing.T) {
	dir := t.TempDir()
	r := Build(seeded(), date(2), date(22))
	err := r.WriteChart(filepath.Join(dir, "posture.jpg"), 800, 600)
	if err == nil || !strings.Contains(err.Error(), ".png") || !strings.Contains(err.Error(), ".svg") {
		t.Errorf("jpg: %v, want an error naming .png and .svg", err)
	}
	if err := r.WriteChart(filepath.Join(dir, "tiny.png"), 10, 10); err == nil {
		t.Error("10x10 chart: no error")
	}

	empty := Build(nil, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))
	err = empty.WriteChart(filepath.Join(dir, "empty.png"), 800, 600)
	if err == nil || err.Error() != "no data to chart between 2026-11-01 and 2026-11-23" {
		t.Errorf("empty: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed charts left %d files", len(entries))
	}
	if err := r.WriteChart(filepath.Join(dir, "missing", "posture.png"), 800, 600); err == nil {
		t.Error("chart into a missing directory: no error")
	}
}

// TestWriteChartShapes draws charts of unusual periods: one day, a long
// period with pain never entered, a single data day among gaps.
func TestWriteChartShapes(t *testing.T) {
	dir := t.TempDir()
	one := Build(seeded()[:1], date(2), date(2))
	if err := one.WriteChart(filepath.Join(dir, "one.png"), 600, 400); err != nil {
		t.Error(err)
	}
	var long []history.Day
	start := time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 120; i++ {
		if i%7 == 5 || i%7 == 6 {
			continue
		}
		d := workDay(start.AddDate(0, 0, i), 20+i%40, 5, 200+i%100, 0, 45)
		d.Pain = nil
		long = append(long, d)
	}
	lr := Build(long, start, start.AddDate(0, 0, 119))
	if err := lr.WriteChart(filepath.Join(dir, "long.png"), 1200, 700); err != nil {
		t.Error(err)
	}
	if p := os.Getenv("REPORT_EXAMPLE_LONG"); p != "" {
		if err := lr.WriteChart(p, 1200, 700); err != nil {
			t.Fatal(err)
		}
		if err := one.WriteChart(strings.TrimSuffix(p, ".png")+"-one.png", 600, 400); err != nil {
			t.Fatal(err)
		}
	}
}

func TestTickStep(t *testing.T) {
	for _, c := range []struct {
		max  float64
		n    int
		want float64
	}{{80, 5, 20}, {100, 5, 20}, {10, 5, 2}, {120, 5, 30}, {150, 5, 30}, {250, 5, 50}, {600, 3, 200}, {80, 3, 40}} {
		if got := tickStep(c.max, c.n); got != c.want {
			t.Errorf("tickStep(%v, %d) = %v, want %v", c.max, c.n, got, c.want)
		}
	}
}
