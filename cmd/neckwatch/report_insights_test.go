package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/config"
	"github.com/neckwatch/neckwatch/history"
	"github.com/neckwatch/neckwatch/posture"
)

// The insights history: 21 days up to and including today (the clock
// pinned at 18:00, see pinClock), each a 90-minute session from 09:00
// written through the daemon's recorder, a sample every 10 s. Each day
// starts with its forward-head minutes (severity 0.5: half a minute of
// load each), then sits upright. The upright samples carry the desk
// set-up: in the last 7 days a laptop too low, too near and to the right
// (24° down, 40 cm, 20° to the right) except 3 days ago (12° down, 60 cm,
// 1° left: another desk); before that a good desk (10°, 60 cm, 0°). The
// 14 days of the report have a pain score each (17:00) and a break taken
// every third day.
var insightsSeed = struct {
	fwd  []int // forward-head minutes, oldest (13 days ago) to today
	pain []int
}{
	fwd:  []int{12, 30, 16, 26, 10, 28, 14, 24, 18, 24, 20, 30, 12, 26},
	pain: []int{2, 6, 3, 5, 1, 5, 3, 4, 4, 4, 3, 7, 2, 6},
}

func seedInsightsHistory(t *testing.T, path string) (today time.Time) {
	t.Helper()
	today, store := seedStore(t, path)
	defer store.Close()
	y, mo, dd := today.Date()
	for back := 20; back >= 0; back-- {
		day := time.Date(y, mo, dd-back, 9, 0, 0, 0, time.Local)
		fwd, pitch, dist, yaw := 20, 10.0, 60.0, 0.0
		if back < 14 {
			fwd = insightsSeed.fwd[13-back]
		}
		if back < 7 {
			pitch, dist, yaw = 24, 40, -20
			if back == 3 {
				pitch, dist, yaw = 12, 60, 1
			}
		}
		rec := newSeeder(store, clock)
		for m := 0; m < 90; m++ {
			v := posture.Verdict{State: posture.Upright, Person: true, HeadPitchDeg: &pitch, DistanceCM: &dist, HeadYawDeg: &yaw}
			if m < fwd {
				v = posture.Verdict{State: posture.ForwardHead, Severity: 0.5, Person: true, HeadPitchDeg: &pitch, DistanceCM: &dist, HeadYawDeg: &yaw}
			}
			for s := 0; s < 60; s += 10 {
				rec.Sample(day.Add(time.Duration(m)*time.Minute+time.Duration(s)*time.Second), v)
			}
		}
		if back < 14 {
			i := 13 - back
			if err := rec.AddPain(history.PainEntry{At: day.Add(8 * time.Hour), Score: insightsSeed.pain[i], Area: history.AreaNeck}); err != nil {
				t.Fatal(err)
			}
			if i%3 == 0 {
				rec.AddEvent(history.Event{At: day.Add(time.Hour), Kind: history.EventBreakSuggested})
				rec.AddEvent(history.Event{At: day.Add(time.Hour + time.Minute), Kind: history.EventBreakTaken})
			}
		}
		if err := rec.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return today
}

// The desk advice and the pain comparison of the seeded history, exactly.
//
// Desk (the last 7 days, 90 − forward minutes upright each: 66, 72, 66,
// 70, 60, 78, 64, 476 in all, every day counted, the 60 exactly at the
// limit): 6 of 7 days at 24° down, 40 cm, 20° right. Rise 40 × (tan 24° −
// tan 15°) = 7.09 cm; back 50 − 40 = 10 cm; offset 40 × tan 20° = 14.6
// cm.
//
// Pain (14 days; load = forward minutes × 0.5: 6, 15, 8, 13, 5, 14, 7,
// 12, 9, 12, 10, 15, 6, 13 min): median load 11; the 7 days above it
// averaged (6+5+5+4+4+7+6)/7 = 5.29, the 7 others (2+3+1+3+4+3+2)/7 =
// 2.57. Against the previous day's load (13 pairs: the day before the
// period is not in the report; median 10): after the 6 days above it
// (3+1+3+4+3+2)/6 = 2.67, after the 7 others (6+5+5+4+4+7+6)/7 = 5.29.
// Breaks on days 0, 3, 6, 9, 12: pain (2+5+3+4+2)/5 = 3.2 against 39/9 =
// 4.3. The rank correlations and p-values are those of
// insights.PainVsPosture (checked against published values there).
func TestReportInsightsOnSeededHistory(t *testing.T) {
	db := isolateData(t)
	seedInsightsHistory(t, db)
	code, out, stderr := runCLI(t, "report")
	if code != 0 {
		t.Fatalf("report: exit %d %s", code, stderr)
	}
	for _, want := range []string{
		"You look down about 24° on average while sitting upright: raise the screen by about 7 cm.",
		"Evidence: Head pitch while sitting upright, the median of the daily medians: 24° down; more than 20° on 6 of the 7 days with at least 60 measured minutes in the last 7 days (476 minutes in all).",
		"from 24° to 15° at your measured 40 cm takes 40 × (tan 24° − tan 15°) = 7 cm",
		"`neckwatch report --dismiss screen-height`",
		"Your eyes are about 40 cm from the screen on average: move it back by about 10 cm, to 50 cm or more (50-75 cm, about an arm's length, is what guides agree on).",
		"You sit turned about 20° to your right most of the day: centre the screen you use most in front of you (its centre is about 15 cm to your right); monitor, keyboard and chair in a line.",
		"On the 7 days with more than 11 min of forward-head load your pain averaged 5.3; on the 7 days with 11 min or less, 2.6 (rank correlation 0.96 over 14 days, p < 0.001: more load went with more pain).",
		"On the 6 days after a day with more than 10 min of forward-head load your pain averaged 2.7; after the 7 days with 10 min or less, 5.3 (rank correlation -0.78 over 13 days, p = 0.002: more load the day before went with less pain).",
		"On the 5 days you took a break your pain averaged 3.2; on the 9 days without, 4.3.",
		"These are days that go together, not proof that one causes the other",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("report:\n%s", out)
	}
}

// With a few days of data every insight says it has too little, what it
// needs, and nothing else.
func TestReportInsightsTooLittleData(t *testing.T) {
	db := isolateData(t)
	today := pinClock(t)
	store, err := history.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	y, mo, dd := today.Date()
	pitch, dist, yaw := 30.0, 35.0, -25.0
	for back := 2; back >= 0; back-- {
		day := time.Date(y, mo, dd-back, 9, 0, 0, 0, time.Local)
		rec := newSeeder(store, clock)
		for s := 0; s < 120*60; s += 10 {
			rec.Sample(day.Add(time.Duration(s)*time.Second), posture.Verdict{State: posture.Upright, Person: true, HeadPitchDeg: &pitch, DistanceCM: &dist, HeadYawDeg: &yaw})
		}
		rec.AddPain(history.PainEntry{At: day.Add(7 * time.Hour), Score: 5})
		if err := rec.Close(); err != nil {
			t.Fatal(err)
		}
	}
	store.Close()
	code, out, stderr := runCLI(t, "report")
	if code != 0 {
		t.Fatalf("report: exit %d %s", code, stderr)
	}
	for _, want := range []string{
		"Screen height: not enough data yet: 3 of the 5 days needed with at least 60 minutes of sitting upright in front of the camera in the last 7 days.",
		"Screen distance: not enough data yet: 3 of the 5 days needed",
		"Screen to one side: not enough data yet: 3 of the 5 days needed",
		"Pain against posture:\n  3 days have both a pain score and posture data; about 10 are needed to see a pattern (7 more). Add a score once a day, on good days too: `neckwatch journal add --pain N` (0-10).",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q\n%s", want, out)
		}
	}
	for _, not := range []string{"raise the screen", "move it back", "centre the screen", "rank correlation"} {
		if strings.Contains(out, not) {
			t.Errorf("report with too little data says %q:\n%s", not, out)
		}
	}
}

// A piece of advice dismissed for good is not given again, is listed,
// and comes back when undismissed; an unknown ID is a usage error.
func TestReportDismissAdvice(t *testing.T) {
	db := isolateData(t)
	seedInsightsHistory(t, db)
	if code, out, stderr := runCLI(t, "report", "--dismiss", "screen-height"); code != 0 || !strings.Contains(out, "Dismissed screen-height") {
		t.Fatalf("dismiss: exit %d %s %s", code, out, stderr)
	}
	if code, out, _ := runCLI(t, "report", "--dismiss", "screen-height"); code != 0 || !strings.Contains(out, "dismissed already") {
		t.Fatalf("dismiss twice: exit %d %s", code, out)
	}
	_, out, _ := runCLI(t, "report")
	if strings.Contains(out, "raise the screen") || !strings.Contains(out, "Screen height: advice dismissed (`neckwatch report --undismiss screen-height` brings it back).") ||
		!strings.Contains(out, "move it back by about 10 cm") {
		t.Fatalf("report after dismissing:\n%s", out)
	}
	if code, out, _ := runCLI(t, "report", "--dismissed"); code != 0 || !strings.HasPrefix(out, "screen-height\tdismissed ") || strings.Count(out, "\n") != 1 {
		t.Fatalf("--dismissed: %q", out)
	}
	// The weekly summary skips it too and gives the next piece.
	_, out, _ = runCLI(t, "report", "--weekly")
	if !strings.Contains(out, "Desk: Your eyes are about 40 cm from the screen") {
		t.Errorf("weekly after dismissing:\n%s", out)
	}
	if code, out, _ := runCLI(t, "report", "--undismiss", "screen-height"); code != 0 || !strings.Contains(out, "screen-height is back") {
		t.Fatalf("undismiss: %d %s", code, out)
	}
	if _, out, _ := runCLI(t, "report"); !strings.Contains(out, "raise the screen by about 7 cm") {
		t.Fatalf("report after undismissing:\n%s", out)
	}
	if _, out, _ := runCLI(t, "report", "--dismissed"); out != "No desk advice dismissed.\n" {
		t.Fatalf("--dismissed after undismissing: %q", out)
	}
	for _, args := range [][]string{
		{"report", "--dismiss", "chair"},
		{"report", "--dismiss", "screen-side", "--undismiss", "screen-side"},
		{"report", "--dismiss", "screen-side", "--days", "3"},
		{"report", "--weekly", "--days", "3"},
		{"report", "--html", "report.txt"},
	} {
		if code, _, stderr := runCLI(t, args...); code != 2 {
			t.Errorf("%v: exit %d (%s), want 2", args, code, stderr)
		}
	}
}

// --weekly: three lines and the link to the HTML report it wrote.
func TestReportWeekly(t *testing.T) {
	db := isolateData(t)
	today := seedInsightsHistory(t, db)
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	code, out, stderr := runCLI(t, "report", "--weekly")
	if code != 0 {
		t.Fatalf("weekly: exit %d %s", code, stderr)
	}
	page := filepath.Join(state, "neckwatch", "report.html")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	// This week: forward minutes 24, 18, 24, 20, 30, 12, 26 (154) of 7 ×
	// 90 min 35 s present (the last sample, at 89:50, holds 45 s):
	// 10.57 h, 14.57 per hour, 76% upright; the week before 12, 30, 16,
	// 26, 10, 28, 14 (136): 12.87 per hour, up 13%. Pain 30/7 = 4.3
	// against 25/7 = 3.6.
	from := today.AddDate(0, 0, -6)
	want := []string{
		"10.6 h at the desk on 7 days, 76% upright, 14.6 forward-head minutes per hour, 2 of 2 breaks taken.",
		"Against the week before: forward-head minutes up 13% (12.9 → 14.6 per present hour), pain up from 3.6 to 4.3.",
		"Desk: You look down about 24° on average while sitting upright: raise the screen by about 7 cm.",
		"Full report: file://" + page,
	}
	if len(lines) != 4 {
		t.Fatalf("weekly output %q, want three lines and the link", out)
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d:\n got %q\nwant %q", i+1, lines[i], want[i])
		}
	}
	data, err := os.ReadFile(page)
	if err != nil || !strings.Contains(string(data), "<!DOCTYPE html>") || !strings.Contains(string(data), from.Format("Mon 02 Jan")) {
		t.Fatalf("the linked report: %v %.200s", err, data)
	}
	// Again: neckwatch's own file is replaced.
	if code, _, stderr := runCLI(t, "report", "--weekly"); code != 0 {
		t.Fatalf("weekly again: %s", stderr)
	}
	// With --html the link is that file, under the usual rules.
	mine := filepath.Join(t.TempDir(), "week.html")
	if code, out, _ := runCLI(t, "report", "--weekly", "--html", mine); code != 0 || !strings.HasSuffix(out, "Full report: file://"+mine+"\n") {
		t.Fatalf("weekly --html: %d %q", code, out)
	}
	if code, _, stderr := runCLI(t, "report", "--weekly", "--html", mine); code != 2 || !strings.Contains(stderr, "pass --force") {
		t.Fatalf("weekly --html over its own file without --force: %d %s", code, stderr)
	}
}

// The tray's "open today's report" writes the HTML report into the state
// directory and opens that file.
func TestReportTrayOpensHTML(t *testing.T) {
	db := isolateData(t)
	seedInsightsHistory(t, db)
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	var opened []string
	old := openFile
	openFile = func(p string) error { opened = append(opened, p); return nil }
	t.Cleanup(func() { openFile = old })
	for i := 0; i < 2; i++ { // the second time replaces the first
		if err := openTodaysReport(db)(); err != nil {
			t.Fatal(err)
		}
	}
	page := filepath.Join(state, "neckwatch", "report.html")
	if len(opened) != 2 || opened[0] != page {
		t.Fatalf("opened %q, want %s", opened, page)
	}
	data, err := os.ReadFile(page)
	if err != nil || !strings.Contains(string(data), "raise the screen by about 7 cm") {
		t.Fatalf("tray report: %v", err)
	}
	// Nothing recorded: an error, nothing opened.
	isolateData(t)
	opened = nil
	if err := openTodaysReport("")(); err == nil || len(opened) != 0 {
		t.Fatalf("empty history: %v, opened %q", err, opened)
	}
}

// The daemon's advisor gives the coach the report's desk advice of the
// last week, and a dismissal from the notice keeps that piece out of it.
func TestHistoryAdvisorGivesTheReportsAdvice(t *testing.T) {
	db := isolateData(t)
	seedInsightsHistory(t, db)
	cfg := config.Default()
	cfg.History.Enabled, cfg.History.Path = true, db
	j := openJournal(cfg, "", func(string, ...any) {})
	if j == nil || j.Store() == nil {
		t.Fatal("history did not open")
	}
	defer j.Close()
	adv := historyAdvisor{j}
	ids := func() []string {
		found, err := adv.Advice(clock())
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, a := range found {
			out = append(out, a.ID)
		}
		return out
	}
	if got := strings.Join(ids(), ","); got != "screen-height,screen-distance,screen-side" {
		t.Fatalf("advice %q, want the three desk checks", got)
	}
	found, _ := adv.Advice(clock())
	if !strings.Contains(found[0].Text, "raise the screen by about 7 cm") || !strings.Contains(found[0].Text, "476 minutes") {
		t.Errorf("advice text %q lacks the figure or its evidence", found[0].Text)
	}
	if err := adv.Dismiss("screen-height"); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(ids(), ","); got != "screen-distance,screen-side" {
		t.Errorf("after dismissing screen-height: %q", got)
	}
}
