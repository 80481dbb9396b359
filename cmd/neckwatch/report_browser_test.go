package main

import (
	"bytes"
	"context"
	"errors"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/insights"
)

// chromiumPath finds Debian's chromium; the browser test fails (it is
// part of the suite) with what to do when it is missing.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("chromium is not installed: run `make deps` (scripts/install-deps.sh installs Debian's chromium package) to run the HTML report's browser test")
	return ""
}

// renderInChromium loads page headless in a fresh profile, with no
// network activity of its own, and returns the DOM after loading and the
// console messages the page caused (its errors, and any resource the
// page's content security policy refused: a script, a style sheet, an
// image or a font from anywhere but the page itself).
func renderInChromium(t *testing.T, page string) (dom string, console []string) {
	t.Helper()
	bin := chromiumPath(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	home := t.TempDir()
	url := fileURL(page)
	cmd := exec.CommandContext(ctx, bin,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(home, "profile"),
		"--enable-logging=stderr", "--v=0",
		"--dump-dom", url)
	cmd.Env = append(os.Environ(), "HOME="+home)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			t.Fatalf("chromium did not finish rendering %s within 90 s", page)
		}
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	// Console messages are logged as `...:CONSOLE:N] "message", source: URL (line)`.
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, ":CONSOLE") && strings.Contains(line, url) {
			console = append(console, line)
		}
	}
	return stdout.String(), console
}

var (
	headRE  = regexp.MustCompile(`(?s)<head>.*?</head>`)
	tagRE   = regexp.MustCompile(`<[^>]*>`)
	spaceRE = regexp.MustCompile(`\s+`)
)

// domText is the text of a page's body as the browser built it: tags
// dropped, character references decoded, white space collapsed.
func domText(dom string) string {
	s := headRE.ReplaceAllString(dom, " ")
	s = tagRE.ReplaceAllString(s, " ")
	return normSpace(html.UnescapeString(s))
}

func normSpace(s string) string { return strings.TrimSpace(spaceRE.ReplaceAllString(s, " ")) }

// TestReportHTMLInBrowser renders `neckwatch report --html` of the
// seeded history in headless Chromium: the page loads without a console
// message (no error, nothing refused: the page needs no network, script
// or external file), and the text the browser built holds the figures the
// report computed: the week at a glance, each desk check with its
// evidence and assumption, the pain comparison, and the daily table; the
// three charts are there with their text alternatives.
func TestReportHTMLInBrowser(t *testing.T) {
	db := isolateData(t)
	today := seedInsightsHistory(t, db)
	page := filepath.Join(t.TempDir(), "report.html")
	if code, out, stderr := runCLI(t, "report", "--html", page); code != 0 || !strings.Contains(out, "HTML report: "+page) {
		t.Fatalf("report --html: exit %d %s %s", code, out, stderr)
	}
	// The report the command computed, for its figures.
	r, _, err := readReport(db, today.AddDate(0, 0, -13), today.AddDate(0, 0, 1))
	if err != nil || r.Desk == nil || r.Pain == nil {
		t.Fatal(err)
	}

	dom, console := renderInChromium(t, page)
	if len(console) > 0 {
		t.Errorf("the page logged to the console:\n%s", strings.Join(console, "\n"))
	}
	if !strings.Contains(dom, "<title>Posture report "+r.Period()+"</title>") {
		t.Fatalf("the browser's DOM has not the report's title:\n%.500s", dom)
	}
	text := domText(dom)
	var want []string
	wk := r.WeekAtAGlance()
	want = append(want,
		"The week at a glance ("+today.AddDate(0, 0, -6).Format("Mon 02 Jan")+" – "+today.Format("Mon 02 Jan")+")",
		"At the desk 10.6 h on 7 of 7 days", "Upright 76% of the time at the desk", "Forward head 14.6 min/h 154 min in all",
		"Breaks taken 2 of 2", "Pain 4.3 average of 7 days with a score (0-10)")
	if wk.DaysWithData != 7 || wk.ForwardHeadMinutes() != 154 {
		t.Errorf("week at a glance %+v", wk)
	}
	for _, f := range r.Trend.Figures() {
		want = append(want, f.Text)
	}
	for _, c := range r.Desk.Checks {
		if c.Status != insights.Advise {
			t.Errorf("%s: %s, want advice from the seeded history", c.ID, c.Status)
		}
		want = append(want, c.Text, c.Evidence, c.Assumption, "neckwatch report --dismiss "+string(c.ID))
	}
	want = append(want, r.Pain.Text...)
	want = append(want,
		// The same figures, as the report states them (see
		// TestReportInsightsOnSeededHistory).
		"raise the screen by about 7 cm", "move it back by about 10 cm", "its centre is about 15 cm to your right",
		"On the 7 days with more than 11 min of forward-head load your pain averaged 5.3; on the 7 days with 11 min or less, 2.6",
		// The daily table: today's row and the totals.
		today.Format("Mon 02 Jan")+" 1.5 h 71% 26 min 13 min 0 0 0/0 – 24° down 40 cm 20° right 6.0",
		today.AddDate(0, 0, -3).Format("Mon 02 Jan")+" 1.5 h 78% 20 min 10 min 0 0 0/0 – 12° down 60 cm 1° left 3.0",
		"Total 21.1 h 77% 290 min 145 min 0 0 5/5 – 3.9",
		// The charts' text alternatives.
		"Upright share of the time at the desk, per day",
		"Pain beside the forward-head load it is compared with",
		today.Format("Mon 02 Jan")+", load 13 min, pain 6.0",
	)
	for _, w := range want {
		// A `command` in the report's text is set as code on the page.
		if !strings.Contains(text, normSpace(strings.ReplaceAll(w, "`", ""))) {
			t.Errorf("the rendered page lacks %q", w)
		}
	}
	if strings.Contains(text, "`") {
		t.Errorf("the page shows backticks instead of code")
	}
	if !strings.Contains(dom, "<code>--set camera_hfov_deg</code>") {
		t.Errorf("a command in the desk advice is not set as code")
	}
	for _, id := range []string{"chart-upright", "chart-forward", "chart-pain"} {
		if !regexp.MustCompile(`<svg[^>]*role="img"[^>]*aria-labelledby="` + id + `-title ` + id + `-desc"`).MatchString(dom) {
			t.Errorf("chart %s is not an image labelled by its title and description", id)
		}
	}
	// One pain dot a day, one load bar a day.
	pain := dom[strings.Index(dom, `id="chart-pain"`):]
	pain = pain[:strings.Index(pain, "</svg>")]
	if n, b := strings.Count(pain, `<circle class="pain"`), strings.Count(pain, `<rect class="load"`); n != 14 || b != 14 {
		t.Errorf("pain chart: %d pain dots and %d load bars, want 14 each", n, b)
	}
	if t.Failed() {
		t.Logf("page text:\n%s", text)
	}

	// The check catches a page that reaches out: the same report with an
	// image from the network is refused, and said so on the console.
	data, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "reaching-out.html")
	if err := os.WriteFile(bad, bytes.Replace(data, []byte("</main>"), []byte(`<img src="https://example.invalid/pixel.png" alt=""></main>`), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, console := renderInChromium(t, bad); len(console) != 1 || !strings.Contains(console[0], "example.invalid") {
		t.Errorf("a page loading a network image gave console messages %q, want one refusing it", console)
	}
}
