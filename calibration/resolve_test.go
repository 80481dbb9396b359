package calibration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neckwatch/neckwatch/posture"
)

// One rule for every command: what the user named must be usable; the
// default profile falls back to population figures with a note.
func TestResolve(t *testing.T) {
	configHome(t)
	front := testBaseline(t)
	side := front
	side.View = posture.Side
	side.NeckAngleDeg, side.TorsoForwardDeg = 52, 4
	dir := t.TempDir()
	file := filepath.Join(dir, "mine.json")
	if _, err := Save(file, front); err != nil {
		t.Fatal(err)
	}
	deskPath, _ := ProfilePath("desk")
	if _, err := Save(deskPath, side); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(dir, "garbage.json")
	os.WriteFile(garbage, []byte("{not json"), 0o600)

	cases := []struct {
		name     string
		choice   Choice
		wantErr  string
		wantView posture.View // "" : population figures
		wantNote string
	}{
		{"no default profile", Choice{View: posture.Auto}, "", "", "not calibrated"},
		{"file", Choice{File: file, View: posture.Auto}, "", posture.Front, ""},
		{"file for the other view", Choice{File: file, View: posture.Side}, "made for the front view, not side", "", ""},
		{"missing file", Choice{File: filepath.Join(dir, "none.json")}, "none.json", "", ""},
		{"corrupt file", Choice{File: garbage}, "garbage.json", "", ""},
		{"named profile", Choice{Profile: "desk", View: posture.Side}, "", posture.Side, ""},
		{"named profile for the other view", Choice{Profile: "desk", View: posture.Front}, "made for the side view, not front", "", ""},
		{"missing named profile", Choice{Profile: "nosuch"}, `profile "nosuch" is not calibrated yet`, "", ""},
		{"bad profile name", Choice{Profile: "../etc"}, "profile name", "", ""},
		{"file and profile", Choice{File: file, Profile: "desk"}, "not both", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Resolve(tc.choice)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want it to mention %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (r.Baseline == nil) != (tc.wantView == "") || (r.Baseline != nil && r.Baseline.View != tc.wantView) {
				t.Fatalf("baseline %+v, want view %q", r.Baseline, tc.wantView)
			}
			if !strings.Contains(r.Note, tc.wantNote) || (tc.wantNote == "") != (r.Note == "") {
				t.Errorf("note %q, want %q", r.Note, tc.wantNote)
			}
		})
	}

	// The default profile for the other view, or unreadable: population
	// figures, said why.
	defPath, _ := ProfilePath(DefaultProfile)
	if _, err := Save(defPath, side); err != nil {
		t.Fatal(err)
	}
	if r, err := Resolve(Choice{View: posture.Front}); err != nil || r.Baseline != nil || !strings.Contains(r.Note, "for the side view") {
		t.Errorf("default profile for the other view: %+v %v", r, err)
	}
	if r, err := Resolve(Choice{View: posture.Auto}); err != nil || r.Baseline == nil {
		t.Errorf("default profile, any view: %+v %v", r, err)
	}
	os.WriteFile(defPath, []byte("{broken"), 0o600)
	if r, err := Resolve(Choice{}); err != nil || r.Baseline != nil || !strings.Contains(r.Note, "unreadable") {
		t.Errorf("unreadable default profile: %+v %v", r, err)
	}
}
