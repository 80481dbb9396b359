package history

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// zone is a fixed test time zone, so day boundaries do not depend on the
// machine's.
var zone = time.FixedZone("UTC+2", 2*3600)

func day(d, h, m int) time.Time { return time.Date(2024, 4, d, h, m, 0, 0, zone) }

// seedDays writes three days of history (1, 2 and 4 April; 3 April is
// empty; 5 April has only a pain entry) and returns the store.
func seedDays(t *testing.T) *Store {
	t.Helper()
	s := openT(t, dbPath(t))
	s.loc = zone
	row := func(at time.Time, present, upright, forward, slouch int64, samples, neckN int64, neck float64) minuteRow {
		return minuteRow{start: at.Unix(), present: present * 1000, upright: upright * 1000, forward: forward * 1000,
			slouch: slouch * 1000, samples: samples, sevN: samples, meanSev: 0.3, neckN: neckN, meanNeck: neck}
	}
	b := batch{minutes: []minuteRow{
		row(day(1, 9, 0), 60, 60, 0, 0, 6, 6, 50),
		row(day(1, 9, 1), 60, 20, 30, 10, 6, 2, 40),
		row(day(1, 23, 59), 30, 30, 0, 0, 3, 0, 0),
		row(day(2, 0, 0), 60, 0, 60, 0, 6, 3, 35), // local midnight: day 2
		row(day(4, 14, 0), 45, 45, 0, 0, 5, 5, 52),
	}}
	if err := s.write(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	for _, e := range []Event{
		{At: day(1, 9, 1), Kind: EventPostureAlert, State: "forward_head", Severity: 0.6},
		{At: day(1, 9, 2), Kind: EventCorrected, Corrected: true},
		{At: day(1, 10, 0), Kind: EventPostureAlert, State: "slouch", Severity: 0.5},
		{At: day(1, 10, 5), Kind: EventCorrected, Corrected: false},
		{At: day(1, 11, 0), Kind: EventBreakSuggested},
		{At: day(1, 11, 3), Kind: EventBreakTaken},
		{At: day(2, 8, 0), Kind: EventBreakSuggested},
		{At: day(2, 8, 10), Kind: EventBreakSkipped},
		{At: day(2, 9, 0), Kind: EventPostureAlert, State: "lean"},
		{At: day(4, 14, 0), Kind: EventCalibrated, Detail: "profile default"},
	} {
		if err := s.AddEvent(e); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []PainEntry{
		{At: day(1, 18, 0), Score: 3, Area: AreaNeck},
		{At: day(1, 21, 0), Score: 6, Area: AreaUpperBack, Note: "after a long call"},
		{At: day(5, 8, 0), Score: 1},
	} {
		if err := s.AddPain(p); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func TestDays(t *testing.T) {
	s := seedDays(t)
	days, err := s.Days(day(1, 0, 0), day(6, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		date                                  time.Time
		present, upright, forward, slouch     time.Duration
		alerts, corrections, suggested, taken int
		neck                                  float64
		neckMinutes                           int
		pain                                  *float64
	}
	ws := []want{
		{day(1, 0, 0), 150 * time.Second, 110 * time.Second, 30 * time.Second, 10 * time.Second, 2, 1, 1, 1, (50*6 + 40*2) / 8.0, 2, fp(4.5)},
		{day(2, 0, 0), 60 * time.Second, 0, 60 * time.Second, 0, 1, 0, 1, 0, 35, 1, nil},
		{day(4, 0, 0), 45 * time.Second, 45 * time.Second, 0, 0, 0, 0, 0, 0, 52, 1, nil},
		{day(5, 0, 0), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, fp(1)},
	}
	if len(days) != len(ws) {
		t.Fatalf("%d days, want %d: %+v", len(days), len(ws), days)
	}
	for i, w := range ws {
		d := days[i]
		if !d.Date.Equal(w.date) || d.Date.Location() != zone {
			t.Errorf("day %d: date %v, want %v", i, d.Date, w.date)
		}
		if d.Present != w.present || d.Upright != w.upright || d.ForwardHead != w.forward || d.Slouch != w.slouch {
			t.Errorf("day %d: times %v %v %v %v, want %v %v %v %v", i, d.Present, d.Upright, d.ForwardHead, d.Slouch, w.present, w.upright, w.forward, w.slouch)
		}
		if d.Alerts != w.alerts || d.Corrections != w.corrections || d.BreaksSuggested != w.suggested || d.BreaksTaken != w.taken {
			t.Errorf("day %d: alerts %d corrections %d breaks %d/%d, want %d %d %d/%d", i, d.Alerts, d.Corrections,
				d.BreaksSuggested, d.BreaksTaken, w.alerts, w.corrections, w.suggested, w.taken)
		}
		if !near(d.MeanNeckAngleDeg, w.neck) || d.NeckAngleMinutes != w.neckMinutes {
			t.Errorf("day %d: neck %v over %d minutes, want %v over %d", i, d.MeanNeckAngleDeg, d.NeckAngleMinutes, w.neck, w.neckMinutes)
		}
		if (d.Pain == nil) != (w.pain == nil) || (d.Pain != nil && !near(*d.Pain, *w.pain)) {
			t.Errorf("day %d: pain %v, want %v", i, d.Pain, w.pain)
		}
	}
	if f := days[0].UprightFraction(); !near(f, 110.0/150) {
		t.Errorf("upright fraction %v", f)
	}

	// [from, to) bounds: day 2 only.
	days, err = s.Days(day(2, 0, 0), day(3, 0, 0))
	if err != nil || len(days) != 1 || !days[0].Date.Equal(day(2, 0, 0)) {
		t.Fatalf("Days(2nd, 3rd): %+v %v", days, err)
	}
	first, last, ok, err := s.Range()
	if err != nil || !ok || !first.Equal(day(1, 9, 0)) || !last.Equal(day(5, 8, 0)) {
		t.Fatalf("Range: %v %v %v %v", first, last, ok, err)
	}
	// FirstDayFrom: a start before the first record moves up to its day.
	for _, c := range []struct{ from, want time.Time }{
		{day(0, 0, 0).AddDate(0, -1, 0), day(1, 0, 0)},
		{day(1, 0, 0), day(1, 0, 0)},
		{day(1, 12, 0), day(1, 12, 0)},
		{day(3, 0, 0), day(3, 0, 0)},
	} {
		if got, err := s.FirstDayFrom(c.from); err != nil || !got.Equal(c.want) {
			t.Errorf("FirstDayFrom(%v) = %v %v, want %v", c.from, got, err, c.want)
		}
	}
	if got, err := openT(t, dbPath(t)).FirstDayFrom(day(1, 0, 0)); err != nil || !got.Equal(day(1, 0, 0)) {
		t.Errorf("FirstDayFrom of an empty history = %v %v, want the start unchanged", got, err)
	}
}

func TestExportJSON(t *testing.T) {
	s := seedDays(t)
	var buf bytes.Buffer
	if err := s.Export(&buf, "json", time.Time{}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Minutes []map[string]any `json:"minutes"`
		Events  []map[string]any `json:"events"`
		Pain    []map[string]any `json:"pain"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("export is not JSON: %v\n%s", err, buf.String())
	}
	if len(got.Minutes) != 5 || len(got.Events) != 10 || len(got.Pain) != 3 {
		t.Fatalf("%d minutes %d events %d pain", len(got.Minutes), len(got.Events), len(got.Pain))
	}
	m := got.Minutes[1]
	if m["start"] != "2024-04-01T09:01:00+02:00" || m["present_s"] != 60.0 || m["forward_head_s"] != 30.0 ||
		m["slouch_s"] != 10.0 || m["samples"] != 6.0 || m["mean_neck_angle_deg"] != 40.0 || m["neck_angle_samples"] != 2.0 ||
		m["mean_severity"] != 0.3 {
		t.Errorf("minute: %v", m)
	}
	if got.Minutes[2]["mean_neck_angle_deg"] != nil {
		t.Errorf("minute without an angle: %v", got.Minutes[2])
	}
	e := got.Events[0]
	if e["at"] != "2024-04-01T09:01:00+02:00" || e["kind"] != "posture_alert" || e["state"] != "forward_head" ||
		e["severity"] != 0.6 || e["corrected"] != true {
		t.Errorf("event: %v", e)
	}
	p := got.Pain[1]
	if p["score"] != 6.0 || p["area"] != "upper-back" || p["note"] != "after a long call" {
		t.Errorf("pain: %v", p)
	}

	// A range, and an empty export is still valid JSON with empty lists.
	buf.Reset()
	if err := s.Export(&buf, "JSON", day(2, 0, 0), day(3, 0, 0)); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil || len(got.Minutes) != 1 || len(got.Events) != 3 || len(got.Pain) != 0 {
		t.Fatalf("ranged export: %v %d %d %d", err, len(got.Minutes), len(got.Events), len(got.Pain))
	}
	empty := openT(t, dbPath(t))
	buf.Reset()
	if err := empty.Export(&buf, "json", time.Time{}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	var raw map[string][]any
	if err := json.Unmarshal(buf.Bytes(), &raw); err != nil || raw["minutes"] == nil || raw["events"] == nil || raw["pain"] == nil {
		t.Fatalf("empty export %q: %v", buf.String(), err)
	}
	if err := s.Export(&buf, "xml", time.Time{}, time.Time{}); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestExportCSV(t *testing.T) {
	s := seedDays(t)
	var buf bytes.Buffer
	if err := s.Export(&buf, "csv", time.Time{}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("export is not CSV: %v", err)
	}
	if strings.Join(recs[0], ",") != strings.Join(CSVHeader, ",") {
		t.Fatalf("header %v", recs[0])
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	kinds := map[string]int{}
	for _, r := range recs[1:] {
		kinds[r[col["record"]]]++
	}
	if kinds["minute"] != 5 || kinds["event"] != 10 || kinds["pain"] != 3 || len(recs) != 19 {
		t.Fatalf("records %v (%d rows)", kinds, len(recs))
	}
	m := recs[2]
	if m[col["record"]] != "minute" || m[col["time"]] != "2024-04-01T09:01:00+02:00" || m[col["forward_head_s"]] != "30" ||
		m[col["upright_s"]] != "20" || m[col["mean_neck_angle_deg"]] != "40" || m[col["samples"]] != "6" || m[col["kind"]] != "" {
		t.Errorf("minute row %v", m)
	}
	if v, _ := strconv.ParseFloat(m[col["mean_severity"]], 64); v != 0.3 {
		t.Errorf("mean severity %q", m[col["mean_severity"]])
	}
	e := recs[6]
	if e[col["record"]] != "event" || e[col["kind"]] != "posture_alert" || e[col["corrected"]] != "true" || e[col["severity"]] != "0.6" {
		t.Errorf("event row %v", e)
	}
	p := recs[17]
	if p[col["record"]] != "pain" || p[col["score"]] != "6" || p[col["area"]] != "upper-back" || p[col["note"]] != "after a long call" || p[col["present_s"]] != "" {
		t.Errorf("pain row %v", p)
	}
}

func TestForget(t *testing.T) {
	s := seedDays(t)
	secret := "SECRET-NOTE-7f3a"
	// Enough rows for the file to shrink visibly.
	var b batch
	for i := 0; i < 3000; i++ {
		b.minutes = append(b.minutes, minuteRow{start: day(1, 0, 0).Add(-time.Duration(i+1) * time.Minute).Unix(), present: 60000, samples: 6})
	}
	if err := s.write(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if err := s.AddPain(PainEntry{At: day(1, 7, 0), Score: 2, Note: secret}); err != nil {
		t.Fatal(err)
	}
	s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	before, _ := os.Stat(s.Path())

	n, err := s.Forget(day(2, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	// Day 1 and earlier: 3000 + 3 minutes, 6 events, 3 pain entries.
	if n != 3000+3+6+3 {
		t.Fatalf("Forget deleted %d rows, want %d", n, 3012)
	}
	days, err := s.Days(time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != 3 || !days[0].Date.Equal(day(2, 0, 0)) || days[0].Present != time.Minute || days[0].Alerts != 1 {
		t.Fatalf("after Forget(2nd): %+v", days)
	}
	after, _ := os.Stat(s.Path())
	if after.Size() >= before.Size() {
		t.Errorf("file did not shrink: %d -> %d bytes", before.Size(), after.Size())
	}
	for _, f := range []string{s.Path(), s.Path() + "-wal"} {
		if raw, err := os.ReadFile(f); err == nil && bytes.Contains(raw, []byte(secret)) {
			t.Errorf("%s still contains a forgotten note", f)
		}
	}

	n, err = s.Forget(time.Time{})
	if err != nil || n != 2+4+1 {
		t.Fatalf("Forget(everything): %d %v, want 7 rows", n, err)
	}
	if _, _, ok, err := s.Range(); ok || err != nil {
		t.Fatalf("history not empty after Forget(everything): %v %v", ok, err)
	}
}

func TestPainValidation(t *testing.T) {
	areas := []struct {
		in   string
		want PainArea
		ok   bool
	}{
		{"neck", AreaNeck, true},
		{"Upper-Back", AreaUpperBack, true},
		{" shoulders ", AreaShoulders, true},
		{"head", AreaHead, true},
		{"", "", true},
		{"knee", "", false},
		{"upper back", "", false},
	}
	for _, a := range areas {
		got, err := ParsePainArea(a.in)
		if got != a.want || (err == nil) != a.ok {
			t.Errorf("ParsePainArea(%q) = %q, %v", a.in, got, err)
		}
	}
	s := openT(t, dbPath(t))
	entries := []struct {
		p  PainEntry
		ok bool
	}{
		{PainEntry{Score: 0}, true},
		{PainEntry{Score: 10, Area: AreaHead}, true},
		{PainEntry{Score: -1}, false},
		{PainEntry{Score: 11}, false},
		{PainEntry{Score: 5, Area: "knee"}, false},
	}
	for _, e := range entries {
		if err := s.AddPain(e.p); (err == nil) != e.ok {
			t.Errorf("AddPain(%+v): %v", e.p, err)
		}
		r := NewRecorder(s, nil)
		if err := r.AddPain(e.p); (err == nil) != e.ok {
			t.Errorf("Recorder.AddPain(%+v): %v", e.p, err)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
	}
	p, err := s.Pain(time.Time{}, time.Time{})
	if err != nil || len(p) != 4 {
		t.Fatalf("%d pain entries stored (%v), want 4", len(p), err)
	}
	// The database enforces the range too.
	if _, err := s.db.Exec("INSERT INTO pain (at, score) VALUES (0, 11)"); err == nil {
		t.Error("database accepted score 11")
	}
}
