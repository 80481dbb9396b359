package calibration

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/posture"
)

// A valid calibration edited to a number no camera could measure is
// refused when it is loaded, with one line naming the field (the old
// Load accepted head_distance_cm = 1e308: every upright frame became
// "1000…(300 digits) cm forward" in status, notifications and the
// events table).
func TestLoadRefusesImplausibleBaselines(t *testing.T) {
	side := posture.Baseline{Version: posture.BaselineVersion, View: posture.Side, CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Frames: 9, NeckAngleDeg: 62, TorsoForwardDeg: 4, HeadFlexionDeg: 12}
	cases := []struct {
		name  string
		base  posture.Baseline
		field string
		value any
	}{
		{"head a googol of cm away", testBaseline(t), "head_distance_cm", 1e308},
		{"shoulders no width", testBaseline(t), "shoulder_width", 1e-308},
		{"face wider than anything", testBaseline(t), "face_width", 1e308},
		{"face scale", testBaseline(t), "face_scale", 1e6},
		{"head turned 400°", testBaseline(t), "pitch_deg", 400},
		{"eyes far off the frame", testBaseline(t), "eye_mid_y", -1e6},
		{"a billion pixels wide", testBaseline(t), "frame_width", 1e9},
		{"negative frames", testBaseline(t), "frames", -3},
		{"lateral offset", testBaseline(t), "lateral_offset", 1e300},
		{"a spread of a googol", testBaseline(t), "spread.forward_cm", 1e308},
		{"a tired posture ten metres forward", testBaseline(t), "tired.forward_cm", 1e3},
		{"side neck angle", side, "neck_angle_deg", 1e308},
		{"side torso", side, "torso_forward_deg", -500},
		{"made in the year 9999", side, "created_at", "9999-01-01T00:00:00Z"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "c.json")
			if _, err := Save(p, tc.base); err != nil {
				t.Fatal(err)
			}
			if _, err := Load(p); err != nil {
				t.Fatalf("the unedited calibration: %v", err)
			}
			editField(t, p, tc.field, tc.value)
			_, err := Load(p)
			if err == nil || !strings.Contains(err.Error(), tc.field+" = ") || !strings.Contains(err.Error(), "not plausible") || strings.Contains(err.Error(), "\n") {
				t.Fatalf("Load of %s = %v: %v; want one line naming the field", tc.field, tc.value, err)
			}
		})
	}
}

// editField sets one field of the JSON file at path, as a user with an
// editor would.
func editField(t *testing.T, path, field string, value any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	setField(m, field, value)
	if data, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// setField sets field of a decoded JSON object; a nested field
// ("spread.drop") in its object.
func setField(m map[string]any, field string, v any) {
	head, rest, nested := strings.Cut(field, ".")
	if !nested {
		m[field] = v
		return
	}
	next, ok := m[head].(map[string]any)
	if !ok {
		next = map[string]any{}
		m[head] = next
	}
	setField(next, rest, v)
}

// Every range of the table is enforced at both ends and accepts its
// middle, so a line added for a new field works as soon as it is written.
func TestPlausibleRangesHoldAtBothEnds(t *testing.T) {
	for _, s := range plausible {
		t.Run(s.field, func(t *testing.T) {
			width := s.max - s.min
			for _, c := range []struct {
				v  float64
				ok bool
			}{{s.min, true}, {s.max, true}, {s.min + width/2, true}, {s.min - width/10 - 1, false}, {s.max + width/10 + 1, false}} {
				if c.v == 0 && s.absent {
					continue
				}
				b := withField(t, testBaseline(t), s.field, c.v)
				err := CheckPlausible(b)
				if (err == nil) != c.ok {
					t.Errorf("%s = %v: %v (want accepted: %v)", s.field, c.v, err, c.ok)
				}
				if err != nil && !strings.HasPrefix(err.Error(), s.field+" = ") {
					t.Errorf("error %q does not start with the field", err)
				}
			}
		})
	}
}

func withField(t *testing.T, b posture.Baseline, field string, v float64) posture.Baseline {
	t.Helper()
	data, _ := json.Marshal(b)
	var m map[string]any
	json.Unmarshal(data, &m)
	setField(m, field, v)
	data, _ = json.Marshal(m)
	var out posture.Baseline
	if json.Unmarshal(data, &out) != nil {
		setField(m, field, math.Round(v)) // an integer field
		data, _ = json.Marshal(m)
	}
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("%s = %v: %v", field, v, err)
	}
	return out
}

// Every number a baseline holds has a line in the table: a field added to
// posture.Baseline (a new per-feature figure) without one fails here, so
// no baseline number is ever trusted unchecked.
func TestEveryBaselineFieldHasARange(t *testing.T) {
	have := map[string]bool{}
	for _, s := range plausible {
		if have[s.field] {
			t.Errorf("%s has two lines in the table", s.field)
		}
		have[s.field] = true
	}
	want := map[string]bool{}
	walkNumbers(reflect.TypeOf(posture.Baseline{}), reflect.Value{}, "", func(name string, _ reflect.Value) { want[name] = true })
	for f := range want {
		if !have[f] {
			t.Errorf("baseline field %s has no plausible range: add a line for it to calibration.plausible", f)
		}
	}
	for f := range have {
		if !want[f] {
			t.Errorf("calibration.plausible names %s, which posture.Baseline does not have", f)
		}
	}
}

// The message names the field, its value and the range (Create uses the
// same check, so calibrate and recalibrate never save such a baseline).
func TestCheckPlausibleNamesFieldAndRange(t *testing.T) {
	if err := CheckPlausible(testBaseline(t)); err != nil {
		t.Fatalf("the test baseline: %v", err)
	}
	b := testBaseline(t)
	b.HeadDistCM = 5000
	err := CheckPlausible(b)
	if err == nil || !strings.Contains(err.Error(), "head_distance_cm = 5000 is not plausible (10 to 500)") {
		t.Fatalf("CheckPlausible: %v", err)
	}
}
