package history

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// An event's figures come back as they went in: from the database, from
// the unwritten file and in the JSON export (durations in seconds); none
// is stored as nothing at all, and a NaN measure is left out.
func TestEventFiguresRoundTrip(t *testing.T) {
	events := []Event{
		{At: sec(10), Kind: EventPostureAlert, State: "forward_head", Severity: 0.6,
			Figures: Figures{BadFor: 95 * time.Second, NeckAngleDeg: fp(41.5), ForwardCM: fp(3.25)}},
		{At: sec(20), Kind: EventCorrected, Corrected: true, AlertAt: sec(10),
			Figures: Figures{CorrectedAfter: 12500 * time.Millisecond}},
		{At: sec(30), Kind: EventBreakSuggested,
			Figures: Figures{Load: 20 * time.Minute, Budget: 20 * time.Minute, BreakLength: 5 * time.Minute}},
		{At: sec(40), Kind: EventBreakTaken, Figures: Figures{AwayFor: 4 * time.Minute}},
		{At: sec(50), Kind: EventPaused, Figures: Figures{For: 30 * time.Minute}},
		{At: sec(55), Kind: EventResumed},
	}
	want := append([]Event(nil), events...)
	for i := range want {
		want[i].AlertAt = time.Time{} // not stored
	}
	want[0].Corrected = true // by the correction
	nan := Event{At: sec(58), Kind: EventPostureAlert, State: "slouch", Figures: Figures{BadFor: time.Minute, NeckAngleDeg: fp(math.NaN())}}

	// Through the unwritten file into the database.
	clk := &clock{t: sec(60)}
	src := NewRecorder(nil, clk.Now)
	for _, e := range append(events, nan) {
		src.AddEvent(e)
	}
	file := filepath.Join(t.TempDir(), UnwrittenFileName)
	if err := src.SaveUnwritten(file); err != nil {
		t.Fatal(err)
	}
	path := dbPath(t)
	s := openT(t, path)
	r := NewRecorder(s, clk.Now)
	if ok, err := r.LoadUnwritten(file); !ok || err != nil {
		t.Fatalf("LoadUnwritten: %v %v", ok, err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := s.Events(time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want)+1 {
		t.Fatalf("%d events stored, want %d", len(got), len(want)+1)
	}
	for i, w := range want {
		g := got[i]
		g.At, w.At = g.At.UTC(), w.At.UTC()
		if !reflect.DeepEqual(g, w) {
			t.Errorf("event %d:\n got %+v %+v\nwant %+v %+v", i, g, g.Figures, w, w.Figures)
		}
	}
	if f := got[len(want)].Figures; f.NeckAngleDeg != nil || f.BadFor != time.Minute {
		t.Errorf("NaN neck angle stored as %v (bad for %v), want left out", *f.NeckAngleDeg, f.BadFor)
	}
	var empty string
	if err := rawDB(t, path).QueryRow(`SELECT figures FROM events WHERE kind = 'resumed'`).Scan(&empty); err != nil || empty != "" {
		t.Errorf("an event without figures stored %q (%v), want ''", empty, err)
	}

	// The export: the alert's figures in seconds.
	var buf bytes.Buffer
	if err := s.Export(&buf, "json", time.Time{}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	var out struct {
		Events []struct {
			Figures map[string]float64 `json:"figures"`
		} `json:"events"`
	}
	if err := json.Unmarshal(buf.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if f := out.Events[0].Figures; f["bad_for_s"] != 95 || f["neck_angle_deg"] != 41.5 || f["forward_cm"] != 3.25 || len(f) != 3 {
		t.Errorf("exported alert figures %v", f)
	}
	if f := out.Events[1].Figures; f["corrected_after_s"] != 12.5 || len(f) != 1 {
		t.Errorf("exported correction figures %v", f)
	}
	buf.Reset()
	if err := s.Export(&buf, "csv", time.Time{}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"{""load_s"":1200,""budget_s"":1200,""break_s"":300}"`) {
		t.Errorf("the CSV export does not carry the break's figures:\n%s", buf.String())
	}
}

// An unwritten file with an implausible figure is refused, naming it.
func TestUnwrittenFiguresChecked(t *testing.T) {
	for _, tc := range []struct {
		figures, want string
	}{
		{`{"bad_for_s":-5}`, "events[0].figures.bad_for"},
		{`{"for_s":1e12}`, "events[0].figures.for"},
		{`{"neck_angle_deg":900}`, "events[0].figures.neck_angle_deg"},
		{`{"forward_cm":-1e300}`, "events[0].figures.forward_cm"},
	} {
		file := filepath.Join(t.TempDir(), UnwrittenFileName)
		data := `{"format":1,"events":[{"at":"2024-03-05T10:00:10Z","kind":"posture_alert","state":"slouch","figures":` + tc.figures + `}]}`
		if err := os.WriteFile(file, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		r := NewRecorder(nil, (&clock{t: sec(600)}).Now)
		if ok, err := r.LoadUnwritten(file); !ok || err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("figures %s: %v %v, want refused naming %s", tc.figures, ok, err, tc.want)
		}
	}
	// A pause until resumed that lasted a fortnight is a plausible
	// figure: the file is taken.
	file := filepath.Join(t.TempDir(), UnwrittenFileName)
	data := `{"format":1,"events":[{"at":"2024-03-05T10:00:10Z","kind":"resumed","figures":{"for_s":1209600}}]}`
	if err := os.WriteFile(file, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	if ok, err := NewRecorder(nil, (&clock{t: sec(600)}).Now).LoadUnwritten(file); !ok || err != nil {
		t.Errorf("a fortnight's pause: %v %v, want the file taken", ok, err)
	}
}
