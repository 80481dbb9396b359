package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/history"
	"github.com/neckwatch/neckwatch/posture"
)

// seedShortDays writes a newcomer's first two sessions, today and three
// days ago (the two days between without data), each 12 minutes at the
// desk from 09:00 (0.2 h), 61% upright (the first 4 min 40 s forward
// head), with one posture alert; no pain score.
func seedShortDays(t *testing.T, path string) (today time.Time) {
	t.Helper()
	today, store := seedStore(t, path)
	defer store.Close()
	pitch, dist, yaw := 24.0, 40.0, -20.0
	for _, back := range []int{3, 0} {
		start := today.AddDate(0, 0, -back).Add(9 * time.Hour)
		rec := newSeeder(store, clock)
		for s := 0; s < 12*60; s += 10 {
			v := posture.Verdict{State: posture.Upright, Person: true, HeadPitchDeg: &pitch, DistanceCM: &dist, HeadYawDeg: &yaw}
			if s < 280 {
				v = posture.Verdict{State: posture.ForwardHead, Severity: 0.5, Person: true, HeadPitchDeg: &pitch, DistanceCM: &dist, HeadYawDeg: &yaw}
			}
			rec.Sample(start.Add(time.Duration(s)*time.Second), v)
		}
		rec.AddEvent(history.Event{At: start.Add(2 * time.Minute), Kind: history.EventPostureAlert})
		if err := rec.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return today
}

// The HTML report of a newcomer's first 24 minutes, in Chromium: no rate
// per hour extrapolated from them (the counts, and why), a desk strip
// that counts no more upright minutes than were sat upright, commands set
// as code (no backticks), and a day without data said across its row, not
// under the Pain column (measured in the browser's layout).
func TestReportHTMLShortDayInBrowser(t *testing.T) {
	db := isolateData(t)
	today := seedShortDays(t, db)
	page := filepath.Join(t.TempDir(), "report.html")
	if code, out, stderr := runCLI(t, "report", "--html", page); code != 0 {
		t.Fatalf("report --html: exit %d %s %s", code, out, stderr)
	}
	r, _, err := readReport(db, today.AddDate(0, 0, -13), today.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	last := r.Rows[len(r.Rows)-1].Day
	uprightMin := int(last.Upright / time.Minute)
	wk := r.WeekAtAGlance()
	present := fmt.Sprintf("%.0f min", wk.Present.Minutes())

	dom, console := renderInChromium(t, page)
	if len(console) > 0 {
		t.Errorf("the page logged to the console:\n%s", strings.Join(console, "\n"))
	}
	text := domText(dom)
	for _, w := range []string{
		"Forward head " + fmt.Sprintf("%.0f min", wk.ForwardHeadMinutes()) + " in " + present + " at the desk (a rate per hour needs an hour)",
		"Posture alerts 2 0 corrected within a minute; in " + present + " at the desk (a rate per hour needs an hour)",
		// The desk strip's minutes for today: the time sat upright.
		fmt.Sprintf("24° down %d min", uprightMin),
	} {
		if !strings.Contains(text, w) {
			t.Errorf("the page lacks %q", w)
		}
	}
	week := text[strings.Index(text, "The week at a glance"):strings.Index(text, "Trend")]
	if strings.Contains(week, "/h") {
		t.Errorf("a rate per hour from %s at the desk: %s", present, week)
	}
	if strings.Contains(text, "`") || !strings.Contains(dom, "<code>neckwatch journal add --pain N</code>") {
		t.Errorf("commands are not set as code:\n%s", text)
	}

	// Where the browser puts "no data": a copy of the page with a script
	// (the report itself allows none) that writes the column under which
	// the text of the first day without data starts.
	data, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	probe := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy"[^>]*>`).ReplaceAllString(string(data), "")
	probe = strings.Replace(probe, "</body>", `<script>
const cell = document.querySelector("tr.nodata td:nth-child(2)");
let under = "no day without data in the table";
if (cell) {
  const range = document.createRange(); range.selectNodeContents(cell);
  const x = range.getBoundingClientRect().left + 1;
  const th = [...document.querySelectorAll("#days thead th")].find(h => { const b = h.getBoundingClientRect(); return b.left <= x && x <= b.right; });
  under = th ? th.textContent : "none";
}
document.body.setAttribute("data-nodata-under", under);
</script></body>`, 1)
	probePage := filepath.Join(t.TempDir(), "probe.html")
	if err := os.WriteFile(probePage, []byte(probe), 0o600); err != nil {
		t.Fatal(err)
	}
	pdom, _ := renderInChromium(t, probePage)
	m := regexp.MustCompile(`data-nodata-under="([^"]*)"`).FindStringSubmatch(pdom)
	if m == nil || m[1] != "At desk" {
		t.Errorf("\"no data\" starts under column %v, want At desk (next to the day)", m)
	}
}
