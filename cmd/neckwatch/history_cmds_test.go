package main

import (
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/history"
	"github.com/neckwatch/neckwatch/posture"
)

// isolateData points the history at a fresh data directory.
func isolateData(t *testing.T) string {
	t.Helper()
	isolateConfig(t)
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", dir)
	return filepath.Join(dir, "neckwatch", "history.db")
}

// seedHistory writes two weeks of minutes through the daemon's own
// recorder: an hour a day, forward head for 20 minutes a day in the first
// week and 5 in the second.
func seedHistory(t *testing.T, path string) {
	t.Helper()
	store, err := history.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	today := midnight(time.Now())
	for d := 13; d >= 0; d-- {
		day := today.AddDate(0, 0, -d).Add(9 * time.Hour)
		rec := history.NewRecorder(store, time.Now, 45*time.Second)
		fwd := 20
		if d < 7 {
			fwd = 5
		}
		for m := 0; m < 60; m++ {
			v := posture.Verdict{State: posture.Upright, Person: true}
			if m < fwd {
				v = posture.Verdict{State: posture.ForwardHead, Severity: 0.5, Person: true}
			}
			for s := 0; s < 60; s += 10 {
				rec.AddSample(day.Add(time.Duration(m)*time.Minute+time.Duration(s)*time.Second), v)
			}
		}
		if err := rec.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestJournalAddAndList(t *testing.T) {
	isolateData(t)
	if code, out, stderr := runCLI(t, "journal", "add", "--pain", "4", "--area", "neck", "--note", "long call"); code != 0 || !strings.Contains(out, "pain 4/10 (neck)") {
		t.Fatalf("journal add: exit %d %s %s", code, out, stderr)
	}
	code, out, _ := runCLI(t, "journal", "list")
	if code != 0 || !strings.Contains(out, "long call") || !strings.Contains(out, "neck") {
		t.Fatalf("journal list:\n%s", out)
	}
	for _, args := range [][]string{{"journal", "add", "--pain", "11"}, {"journal", "add", "--pain", "3", "--area", "knee"}, {"journal"}, {"journal", "frob"}} {
		if code, _, stderr := runCLI(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, stderr)
		}
	}
}

func TestHistoryExportAndForget(t *testing.T) {
	db := isolateData(t)
	seedHistory(t, db)
	code, out, stderr := runCLI(t, "history", "export", "--format", "json")
	if code != 0 {
		t.Fatalf("export: %s", stderr)
	}
	var doc struct {
		Minutes []map[string]any `json:"minutes"`
	}
	// 60 minutes a day, plus the minute the day's last sample runs into
	// (a sample stands for the time until the next, capped at 45 s).
	const perDay = 61
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Minutes) != 14*perDay {
		t.Fatalf("json export: %v, %d minutes (want %d)", err, len(doc.Minutes), 14*perDay)
	}
	code, out, _ = runCLI(t, "history", "export", "--format", "csv")
	if code != 0 || strings.Count(out, "\nminute,") != 14*perDay {
		t.Fatalf("csv export has %d minute rows", strings.Count(out, "\nminute,"))
	}
	if code, _, _ := runCLI(t, "history", "forget"); code != 2 {
		t.Errorf("forget without --before or --all: exit %d, want 2", code)
	}
	cut := midnight(time.Now()).AddDate(0, 0, -6).Format("2006-01-02")
	if code, out, stderr := runCLI(t, "history", "forget", "--before", cut); code != 0 || !strings.Contains(out, "Deleted everything before") {
		t.Fatalf("forget --before: %s %s", out, stderr)
	}
	_, out, _ = runCLI(t, "history", "export", "--format", "csv")
	if n := strings.Count(out, "\nminute,"); n != 7*perDay {
		t.Fatalf("after forgetting the first week: %d minute rows, want %d", n, 7*perDay)
	}
	runCLI(t, "history", "forget", "--all")
	_, out, _ = runCLI(t, "report")
	if !strings.Contains(out, "No posture history") {
		t.Fatalf("report after forget --all:\n%s", out)
	}
}

func TestReportTableTrendAndChart(t *testing.T) {
	db := isolateData(t)
	seedHistory(t, db)
	chart := filepath.Join(t.TempDir(), "report.png")
	code, out, stderr := runCLI(t, "report", "--days", "14", "--chart", chart, "--width", "800", "--height", "600")
	if code != 0 {
		t.Fatalf("report: %s", stderr)
	}
	// 20 then 5 forward-head minutes per present hour: down 75%.
	if !strings.Contains(out, "forward-head minutes down 75%") {
		t.Errorf("trend not in the report:\n%s", out)
	}
	f, err := os.Open(chart)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 800 || b.Dy() != 600 {
		t.Errorf("chart %dx%d, want 800x600", b.Dx(), b.Dy())
	}
	if code, _, _ := runCLI(t, "report", "--chart", "x.gif"); code != 2 {
		t.Errorf("--chart x.gif: exit %d, want 2", code)
	}
	if code, _, _ := runCLI(t, "report", "--days", "3", "--since", "2026-01-01"); code != 2 {
		t.Errorf("--days with --since: exit %d, want 2", code)
	}
}

func TestHistoryUnusableIsAClearError(t *testing.T) {
	db := isolateData(t)
	os.MkdirAll(filepath.Dir(db), 0o700)
	os.WriteFile(db, []byte(strings.Repeat("not a database ", 500)), 0o600)
	code, _, stderr := runCLI(t, "report")
	if code != 1 || !strings.Contains(stderr, "corrupt") || !strings.Contains(stderr, db) {
		t.Fatalf("corrupt history: exit %d: %s", code, stderr)
	}
}
