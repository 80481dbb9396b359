package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/config"
	"github.com/neckwatch/neckwatch/control"
	"github.com/neckwatch/neckwatch/daemon"
	"github.com/neckwatch/neckwatch/history"
	"github.com/neckwatch/neckwatch/landmark"
	"github.com/neckwatch/neckwatch/posture"
	"github.com/neckwatch/neckwatch/timeline"
)

// holdDatabase holds the SQLite file locked, as another program's write
// transaction would, until the returned function (or the test's end).
func holdDatabase(t testing.TB, path string) (unlock func()) {
	t.Helper()
	locker, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { locker.Close() })
	ctx := context.Background()
	conn, err := locker.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := conn.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	return func() {
		if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
			t.Fatal(err)
		}
		conn.Close()
	}
}

// sampleJournal feeds the journal a sample as the daemon does: the time
// the coach's timeline accounts for up to it (Accrue), then its figures.
func sampleJournal(j daemonJournal, tl *timeline.Timeline, at time.Time, v posture.Verdict) {
	spans, _, _ := tl.Hold(at, v, nil)
	j.Accrue(spans)
	j.Sample(daemon.Sample{Burst: landmark.Burst{At: at}, Verdict: v})
}

// isolateData points the history at a fresh data directory, and the
// state directory (where report --weekly and the tray write report.html)
// at a fresh one too.
func isolateData(t *testing.T) string {
	t.Helper()
	isolateConfig(t)
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", dir)
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	return filepath.Join(dir, "neckwatch", "history.db")
}

// pinClock fixes the commands' clock at 18:00 local time on the real
// current date for the rest of the test and returns that day's midnight.
// The seeded history and the commands then agree on "today" whatever the
// time of day (also when the test runs across midnight), and no seeded
// minute lies in their future.
func pinClock(t *testing.T) (today time.Time) {
	t.Helper()
	y, m, d := time.Now().Date()
	now := time.Date(y, m, d, 18, 0, 0, 0, time.Local)
	old := clock
	clock = func() time.Time { return now }
	t.Cleanup(func() { clock = old })
	return midnight(now)
}

// seedStore pins the clock (pinClock) and opens the history at path for
// a seeding helper, which closes it.
func seedStore(t *testing.T, path string) (today time.Time, store *history.Store) {
	t.Helper()
	today = pinClock(t)
	store, err := history.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return today, store
}

// seeder writes samples to a history the daemon's way: the coach's
// timeline turns them into spans (Recorder.AddSpans), each sample's
// figures are counted (CountSample), and Close first credits the last
// sample's time up to now, at most 45 s (coach.Session.Stop).
type seeder struct {
	*history.Recorder
	tl  timeline.Timeline
	now func() time.Time
}

func newSeeder(store *history.Store, now func() time.Time) *seeder {
	return &seeder{Recorder: history.NewRecorder(store, now), tl: timeline.NewTimeline(time.Time{}, 45*time.Second), now: now}
}

func (s *seeder) Sample(at time.Time, v posture.Verdict) {
	spans, _, _ := s.tl.Hold(at, v, nil)
	s.AddSpans(spans)
	s.CountSample(at, v)
}

func (s *seeder) Close() error {
	now := s.now()
	s.AddSpans(s.tl.Advance(now, nil))
	s.tl.Drop(now)
	return s.Recorder.Close()
}

// seedHistory pins the clock (pinClock) and writes two weeks of minutes,
// the 14 days up to and including today, through the daemon's own
// recorder: an hour a day from 09:00, forward head for 20 minutes a day in
// the first week and 5 in the second. The recorder closes at the pinned
// now, after every session, so each day's last sample holds for its full
// 45 s. It returns today's midnight.
func seedHistory(t *testing.T, path string) (today time.Time) {
	t.Helper()
	today, store := seedStore(t, path)
	defer store.Close()
	y, mo, dd := today.Date()
	for d := 13; d >= 0; d-- {
		day := time.Date(y, mo, dd-d, 9, 0, 0, 0, time.Local)
		rec := newSeeder(store, clock)
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
				rec.Sample(day.Add(time.Duration(m)*time.Minute+time.Duration(s)*time.Second), v)
			}
		}
		if err := rec.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return today
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
	today := seedHistory(t, db)
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
	cut := today.AddDate(0, 0, -6).Format("2006-01-02")
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

// TestLocalClockAtTZEdge runs under scripts/tz-edges.sh (make test-tz),
// which points TZ at a zone whose local time was NECKWATCH_TZ_EDGE (00:03
// or 23:57) when the tests started: it proves the zone took effect. Go
// reads TZ only as a zoneinfo name or file and silently falls back to UTC
// on anything else, such as a POSIX rule string.
func TestLocalClockAtTZEdge(t *testing.T) {
	edge := os.Getenv("NECKWATCH_TZ_EDGE")
	if edge == "" {
		t.Skip("NECKWATCH_TZ_EDGE is not set (scripts/tz-edges.sh sets it)")
	}
	at, err := time.Parse("15:04", edge)
	if err != nil {
		t.Fatalf("NECKWATCH_TZ_EDGE=%q: %v", edge, err)
	}
	now := time.Now()
	// Minutes since the edge; the tests take well under 10.
	since := (now.Hour()*60 + now.Minute() - at.Hour()*60 - at.Minute() + 24*60) % (24 * 60)
	if since > 10 {
		t.Fatalf("local time %s (TZ=%q), want %s to 10 minutes later: the edge zone is not in effect",
			now.Format("15:04 -0700"), os.Getenv("TZ"), edge)
	}
	t.Logf("local time %s", now.Format("2006-01-02 15:04:05 -0700"))
}

// An --out or --chart path never overwrites the user's data: the history
// database (whatever --force says), a calibration profile or file
// (likewise), or any existing file without --force; with --force an
// ordinary file is replaced whole. Every refusal is a usage error (exit 2)
// that leaves the file as it was.
func TestOutputFilesNeverOverwriteUserData(t *testing.T) {
	cfg := isolateConfig(t)
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", dir)
	db := filepath.Join(dir, "neckwatch", "history.db")
	seedHistory(t, db)
	profileDir := filepath.Join(cfg, "neckwatch", "profiles")
	if err := os.MkdirAll(profileDir, 0o700); err != nil {
		t.Fatal(err)
	}
	profile := filepath.Join(profileDir, "default.json")
	calib := filepath.Join(t.TempDir(), "my-desk.json")
	b := posture.Baseline{Version: posture.BaselineVersion, View: posture.Side, Frames: 3, NeckAngleDeg: 70}
	data, err := posture.MarshalBaseline(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{profile, calib} {
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	existing := filepath.Join(t.TempDir(), "export.csv")
	if err := os.WriteFile(existing, []byte("keep me\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A calibration under an .html name, and a page of the user's own.
	calibHTML := filepath.Join(t.TempDir(), "desk.html")
	existingHTML := filepath.Join(t.TempDir(), "mine.html")
	for p, content := range map[string][]byte{calibHTML: data, existingHTML: []byte("<p>my page</p>")} {
		if err := os.WriteFile(p, content, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	dbBefore, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		file string
		want string
	}{
		{"export over the database", []string{"history", "export", "--out", db}, db, "is the history database"},
		{"export over the database, forced", []string{"history", "export", "--out", db, "--force"}, db, "is the history database"},
		{"export over a profile, forced", []string{"history", "export", "--out", profile, "--force"}, profile, "calibration profile"},
		{"export over a calibration file, forced", []string{"history", "export", "--out", calib, "--force"}, calib, "calibration file"},
		{"export over a file", []string{"history", "export", "--out", existing}, existing, "pass --force"},
		{"html report over the database, forced", []string{"report", "--html", db, "--force"}, db, "must end in .html"},
		{"html report over a calibration, forced", []string{"report", "--html", calibHTML, "--force"}, calibHTML, "calibration file"},
		{"html report over a file", []string{"report", "--html", existingHTML}, existingHTML, "pass --force"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := os.ReadFile(tc.file)
			code, _, stderr := runCLI(t, tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, stderr %q; want exit 2 with %q", code, stderr, tc.want)
			}
			if after, _ := os.ReadFile(tc.file); string(after) != string(before) {
				t.Fatalf("%s changed", tc.file)
			}
		})
	}
	if after, _ := os.ReadFile(db); string(after) != string(dbBefore) {
		t.Fatal("the history database changed")
	}
	// With --force an ordinary file is replaced; a new file needs no force.
	if code, _, stderr := runCLI(t, "history", "export", "--out", existing, "--force"); code != 0 {
		t.Fatalf("forced export: exit %d %s", code, stderr)
	}
	if got, _ := os.ReadFile(existing); !strings.HasPrefix(string(got), "kind,") && !strings.Contains(string(got), "minute,") {
		t.Fatalf("forced export wrote %q", got)
	}
	fresh := filepath.Join(t.TempDir(), "new.json")
	if code, _, stderr := runCLI(t, "history", "export", "--format", "json", "--out", fresh); code != 0 {
		t.Fatalf("export to a new file: exit %d %s", code, stderr)
	}
	// The chart follows the same rule.
	chart := filepath.Join(t.TempDir(), "week.png")
	if err := os.WriteFile(chart, []byte("old chart"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "report", "--chart", chart); code != 2 || !strings.Contains(stderr, "pass --force") {
		t.Fatalf("chart over a file: exit %d %s", code, stderr)
	}
	if got, _ := os.ReadFile(chart); string(got) != "old chart" {
		t.Fatal("the refused chart replaced the file")
	}
	if code, _, stderr := runCLI(t, "report", "--chart", chart, "--force"); code != 0 {
		t.Fatalf("forced chart: exit %d %s", code, stderr)
	}
}

// `history forget` reaches the running daemon's journal (the control
// command's Daemon.Forget calls Discard; daemonctl and the daemon test
// that path): it drops the minute it still holds, so forgetting
// everything is not undone by the daemon's next write.
func TestForgetReachesTheDaemonsJournal(t *testing.T) {
	cfg := config.Default()
	cfg.History.Enabled = true
	cfg.History.Path = filepath.Join(t.TempDir(), "history.db")
	t0 := time.Now().Add(-2 * time.Minute)
	j := openJournal(cfg, "", func(string, ...any) {})
	if j == nil || j.Store() == nil {
		t.Fatal("history did not open")
	}
	defer j.Close()
	tl := timeline.NewTimeline(t0, 0)
	for i := 0; i < 4; i++ {
		sampleJournal(daemonJournal{j}, &tl, t0.Add(time.Duration(i)*20*time.Second), posture.Verdict{State: posture.ForwardHead, Severity: 0.5, Person: true})
	}
	for _, req := range []control.Request{{Command: control.CmdForget, Before: "yesterday"}, {Command: control.CmdForget, Duration: "1h"}} {
		if err := req.Validate(); err == nil {
			t.Errorf("%+v validated", req)
		}
	}
	req := control.Request{Command: control.CmdForget}
	if err := req.Validate(); err != nil {
		t.Fatal(err)
	}
	cut, err := req.ParseBefore()
	if err != nil {
		t.Fatal(err)
	}
	daemonJournal{j}.Discard(cut)
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	store, err := history.Open(cfg.History.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	days, err := store.Days(midnight(t0).AddDate(0, 0, -1), midnight(t0).AddDate(0, 0, 2))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range days {
		if d.Present > 0 {
			t.Fatalf("minutes from before the forget were written: %+v", d)
		}
	}
}

// `history forget` with the daemon stopped empties the unwritten file as
// well, so the next start does not bring back what the user deleted.
func TestForgetEmptiesTheUnwrittenFile(t *testing.T) {
	isolateData(t)
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	path, err := history.DefaultUnwrittenPath()
	if err != nil {
		t.Fatal(err)
	}
	rec := newSeeder(nil, time.Now)
	rec.Sample(time.Now().Add(-time.Hour), posture.Verdict{State: posture.Upright, Person: true})
	rec.AddEvent(history.Event{At: time.Now().Add(-time.Hour), Kind: history.EventPaused})
	if err := rec.SaveUnwritten(path); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := runCLI(t, "history", "forget", "--all"); code != 0 {
		t.Fatalf("forget: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("forget --all left the unwritten file (%v)", err)
	}
}
