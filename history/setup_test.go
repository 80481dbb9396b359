package history

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/posture"
)

// setupVerdict is a verdict with desk set-up measures (nil: not measured).
func setupVerdict(st posture.State, pitch, dist, yaw *float64) posture.Verdict {
	return posture.Verdict{State: st, Person: st != posture.Away, HeadPitchDeg: pitch, DistanceCM: dist, HeadYawDeg: yaw}
}

type wantSetup struct {
	pitch, dist, yaw    float64
	pitchN, distN, yawN int
}

func checkSetup(t *testing.T, what string, m Minute, w wantSetup) {
	t.Helper()
	if m.HeadPitchSamples != w.pitchN || !near(m.HeadPitchDeg, w.pitch) ||
		m.DistanceSamples != w.distN || !near(m.DistanceCM, w.dist) ||
		m.HeadYawSamples != w.yawN || !near(m.HeadYawDeg, w.yaw) {
		t.Errorf("%s: pitch %v/%d distance %v/%d yaw %v/%d, want %v/%d %v/%d %v/%d", what,
			m.HeadPitchDeg, m.HeadPitchSamples, m.DistanceCM, m.DistanceSamples, m.HeadYawDeg, m.HeadYawSamples,
			w.pitch, w.pitchN, w.dist, w.distN, w.yaw, w.yawN)
	}
}

// rawSetupNulls reports which of the minute's set-up means are NULL.
func rawSetupNulls(t *testing.T, path string, start time.Time) [3]bool {
	t.Helper()
	var p, d, y sql.NullFloat64
	if err := rawDB(t, path).QueryRow("SELECT mean_head_pitch_deg, mean_distance_cm, mean_yaw_deg FROM minutes WHERE start = ?", start.Unix()).Scan(&p, &d, &y); err != nil {
		t.Fatal(err)
	}
	return [3]bool{!p.Valid, !d.Valid, !y.Valid}
}

// The recorder keeps each minute's pitch, distance and yaw over its
// upright samples only, each with its own count; a minute written in two
// parts combines them weighted by the counts, and a minute without a
// figure stores NULL, not 0.
func TestSetupMeasuresPerMinute(t *testing.T) {
	path := dbPath(t)
	s := openT(t, path)
	clk := &clock{t: sec(0)}
	r := newFeeder(s, clk.Now, 0)
	r.Sample(sec(0), setupVerdict(posture.Upright, fp(20), fp(50), fp(-10)))
	r.Sample(sec(10), setupVerdict(posture.Upright, fp(24), nil, fp(-14)))
	r.Sample(sec(20), setupVerdict(posture.ForwardHead, fp(40), fp(40), fp(0))) // not upright: not counted
	r.Sample(sec(30), setupVerdict(posture.Upright, fp(math.NaN()), fp(math.Inf(1)), nil))
	r.Sample(sec(40), setupVerdict(posture.Away, fp(5), fp(60), fp(3)))
	r.Sample(sec(50), setupVerdict(posture.Uncertain, fp(5), fp(60), fp(3)))
	// The next minute: upright without any figure (the side view).
	r.Sample(sec(60), setupVerdict(posture.Upright, nil, nil, nil))
	clk.Set(sec(70))
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	ms, err := s.Minutes(time.Time{}, time.Time{})
	if err != nil || len(ms) != 2 {
		t.Fatalf("minutes %+v %v", ms, err)
	}
	checkSetup(t, "first minute", ms[0], wantSetup{pitch: 22, pitchN: 2, dist: 50, distN: 1, yaw: -12, yawN: 2})
	checkSetup(t, "second minute", ms[1], wantSetup{})
	if nulls := rawSetupNulls(t, path, sec(60)); nulls != [3]bool{true, true, true} {
		t.Errorf("a minute without figures stores NULLs: %v", nulls)
	}

	// A restarted daemon adds to both minutes.
	clk.Set(sec(55))
	r2 := newFeeder(s, clk.Now, 0)
	r2.Sample(sec(55), setupVerdict(posture.Upright, fp(31), fp(56), nil))
	r2.Sample(sec(65), setupVerdict(posture.Upright, fp(12), nil, nil))
	clk.Set(sec(75))
	if err := r2.Close(); err != nil {
		t.Fatal(err)
	}
	ms, _ = s.Minutes(time.Time{}, time.Time{})
	checkSetup(t, "first minute merged", ms[0], wantSetup{pitch: (20 + 24 + 31) / 3.0, pitchN: 3, dist: (50 + 56) / 2.0, distN: 2, yaw: -12, yawN: 2})
	checkSetup(t, "second minute merged", ms[1], wantSetup{pitch: 12, pitchN: 1})
	if nulls := rawSetupNulls(t, path, sec(60)); nulls != [3]bool{false, true, true} {
		t.Errorf("second minute's NULLs after the merge: %v, want distance and yaw still NULL", nulls)
	}
}

// schemaV2 is the v2 step as released.
const schemaV2 = `ALTER TABLE events ADD COLUMN detail TEXT NOT NULL DEFAULT '';
ALTER TABLE pain ADD COLUMN area TEXT NOT NULL DEFAULT '';`

// A v2 database (as the previous neckwatch left it) gains the set-up
// columns, NULL for its old minutes, and the dismissals table; an old
// minute merges with new samples.
func TestMigrateFromV2(t *testing.T) {
	path := dbPath(t)
	makeV1(t, path)
	db, err := sql.Open("sqlite", fileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{schemaV2, "PRAGMA user_version = 2",
		fmt.Sprintf(`INSERT INTO events (at, kind, detail) VALUES (%d, 'paused', '30m')`, sec(40).UnixMilli())} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	s := openT(t, path)
	if v := userVersion(t, path); v != SchemaVersion {
		t.Fatalf("user_version %d after Open, want %d", v, SchemaVersion)
	}
	ms, err := s.Minutes(time.Time{}, time.Time{})
	if err != nil || len(ms) != 1 || ms[0].Samples != 6 || ms[0].MeanNeckAngleDeg != 47.5 {
		t.Fatalf("v2 minute after migration: %+v %v", ms, err)
	}
	checkSetup(t, "v2 minute", ms[0], wantSetup{})
	if nulls := rawSetupNulls(t, path, base); nulls != [3]bool{true, true, true} {
		t.Errorf("v2 minute's set-up means: NULL %v, want all NULL", nulls)
	}
	// The old events keep their words, without figures.
	if evs, _ := s.Events(time.Time{}, time.Time{}); len(evs) != 2 || evs[1].Detail != "30m" || !evs[1].Figures.IsZero() {
		t.Fatalf("v2 events after migration: %+v", evs)
	}
	clk := &clock{t: sec(50)}
	r := newFeeder(s, clk.Now, 0)
	r.Sample(sec(50), setupVerdict(posture.Upright, fp(18), fp(61), fp(4)))
	clk.Set(sec(55))
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	ms, _ = s.Minutes(time.Time{}, time.Time{})
	if ms[0].Samples != 7 || ms[0].Upright != 55*time.Second {
		t.Fatalf("merged v2 minute: %+v", ms[0])
	}
	checkSetup(t, "merged v2 minute", ms[0], wantSetup{pitch: 18, pitchN: 1, dist: 61, distN: 1, yaw: 4, yawN: 1})
	if ok, err := s.Dismiss("screen-height", sec(60)); !ok || err != nil {
		t.Fatalf("Dismiss after migration: %v %v", ok, err)
	}
}

// The forward-head load is the forward-head share of each minute's
// severity-weighted bad time, summed over the day.
func TestDaysForwardHeadLoad(t *testing.T) {
	s := seedDays(t)
	// Seeded minutes (mean severity 0.3): day 1 has 09:01 with 60 s
	// present, 30 s forward, 10 s slouch: 0.3 x 60 s x 30/40 = 13.5 s;
	// day 2 one minute all forward: 0.3 x 60 s = 18 s; day 4 none.
	extra := batch{minutes: []minuteRow{
		// Forward, slouch and lean: the forward share is 20 of 40 s.
		{start: day(4, 15, 0).Unix(), present: 50000, forward: 20000, slouch: 10000, lean: 10000, samples: 5, sevN: 5, meanSev: 0.5},
	}}
	if err := s.write(context.Background(), extra); err != nil {
		t.Fatal(err)
	}
	days, err := s.Days(day(1, 0, 0), day(6, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]time.Duration{1: 13500 * time.Millisecond, 2: 18 * time.Second, 4: 12500 * time.Millisecond, 5: 0}
	if len(days) != len(want) {
		t.Fatalf("%d days: %+v", len(days), days)
	}
	for _, d := range days {
		if w := want[d.Date.Day()]; d.ForwardHeadLoad != w {
			t.Errorf("%s: forward-head load %v, want %v", d.Date.Format("Jan 2"), d.ForwardHeadLoad, w)
		}
	}
}

func TestDismissals(t *testing.T) {
	s := seedDays(t)
	if ds, err := s.Dismissed(); err != nil || len(ds) != 0 {
		t.Fatalf("Dismissed on a new history: %+v %v", ds, err)
	}
	if _, err := s.Dismiss("", day(1, 8, 0)); err == nil {
		t.Error("an empty id was dismissed")
	}
	if ok, err := s.Dismiss("screen-side", day(3, 8, 0)); !ok || err != nil {
		t.Fatalf("Dismiss: %v %v", ok, err)
	}
	if ok, err := s.Dismiss("screen-height", day(1, 8, 0)); !ok || err != nil {
		t.Fatalf("Dismiss: %v %v", ok, err)
	}
	// Again: not new, and the first time is kept.
	if ok, err := s.Dismiss("screen-side", day(4, 8, 0)); ok || err != nil {
		t.Fatalf("Dismiss twice: %v %v, want false", ok, err)
	}
	ds, err := s.Dismissed()
	if err != nil || len(ds) != 2 || ds[0].ID != "screen-height" || !ds[0].At.Equal(day(1, 8, 0)) ||
		ds[1].ID != "screen-side" || !ds[1].At.Equal(day(3, 8, 0)) {
		t.Fatalf("Dismissed: %+v %v", ds, err)
	}
	if ok, err := s.Undismiss("screen-height"); !ok || err != nil {
		t.Fatalf("Undismiss: %v %v", ok, err)
	}
	if ok, err := s.Undismiss("screen-height"); ok || err != nil {
		t.Fatalf("Undismiss twice: %v %v, want false", ok, err)
	}
	if _, err := s.Dismiss("screen-distance", day(1, 9, 0)); err != nil {
		t.Fatal(err)
	}
	// Forgetting before the 2nd takes the dismissal made on the 1st.
	if _, err := s.Forget(day(2, 0, 0)); err != nil {
		t.Fatal(err)
	}
	if ds, _ := s.Dismissed(); len(ds) != 1 || ds[0].ID != "screen-side" {
		t.Fatalf("after Forget(2nd): %+v", ds)
	}
	if _, err := s.Forget(time.Time{}); err != nil {
		t.Fatal(err)
	}
	if ds, _ := s.Dismissed(); len(ds) != 0 {
		t.Fatalf("after Forget(everything): %+v", ds)
	}
}

// The export carries the set-up figures: null (JSON) or empty (CSV) when
// a minute has none.
func TestExportSetupColumns(t *testing.T) {
	s := openT(t, dbPath(t))
	clk := &clock{t: sec(0)}
	r := newFeeder(s, clk.Now, 0)
	r.Sample(sec(0), setupVerdict(posture.Upright, fp(21.5), fp(48), fp(-16)))
	r.Sample(sec(30), setupVerdict(posture.Upright, fp(18.5), nil, fp(-20)))
	r.Sample(sec(60), setupVerdict(posture.ForwardHead, fp(30), fp(40), fp(0)))
	clk.Set(sec(90))
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := s.Export(&buf, FormatJSON, time.Time{}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Minutes []map[string]any `json:"minutes"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil || len(doc.Minutes) != 2 {
		t.Fatalf("json: %v %s", err, buf.String())
	}
	m0, m1 := doc.Minutes[0], doc.Minutes[1]
	if m0["mean_head_pitch_deg"] != 20.0 || m0["head_pitch_samples"] != 2.0 || m0["mean_distance_cm"] != 48.0 ||
		m0["distance_samples"] != 1.0 || m0["mean_head_yaw_deg"] != -18.0 || m0["head_yaw_samples"] != 2.0 {
		t.Errorf("json minute 0: %v", m0)
	}
	if m1["mean_head_pitch_deg"] != nil || m1["head_pitch_samples"] != 0.0 || m1["mean_distance_cm"] != nil || m1["mean_head_yaw_deg"] != nil {
		t.Errorf("json minute 1 (forward head only): %v", m1)
	}
	buf.Reset()
	if err := s.Export(&buf, FormatCSV, time.Time{}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(recs) != 3 {
		t.Fatalf("csv: %v %d rows", err, len(recs))
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	r0, r1 := recs[1], recs[2]
	if r0[col["mean_head_pitch_deg"]] != "20" || r0[col["head_pitch_samples"]] != "2" || r0[col["mean_distance_cm"]] != "48" ||
		r0[col["mean_head_yaw_deg"]] != "-18" || r0[col["head_yaw_samples"]] != "2" {
		t.Errorf("csv minute 0: %v", r0)
	}
	if r1[col["mean_head_pitch_deg"]] != "" || r1[col["head_pitch_samples"]] != "0" || r1[col["mean_distance_cm"]] != "" {
		t.Errorf("csv minute 1: %v", r1)
	}
}
