package calibration

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/posture"
)

// configHome points the config directory at a fresh temporary directory.
func configHome(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	return dir
}

func testBaseline(t *testing.T) posture.Baseline {
	t.Helper()
	b := posture.Baseline{
		Version: posture.BaselineVersion, View: posture.Front, Profile: "desk",
		CreatedAt: time.Date(2024, 5, 1, 9, 30, 0, 0, time.UTC), Frames: 24, Rejected: 2, Source: "camera 0",
		// Positions and lengths in frame widths (the pixel figures / 640).
		FrameW: 640, FrameH: 480, Mesh: true, FaceWidth: 63.5 / 640, EyeMidX: 321.0 / 640, EyeMidY: 201.5 / 640, HeadDistCM: 45.3,
		PitchDeg: 3.25, YawDeg: 31.5, RollDeg: -1.5, Shoulders: true, ShoulderWidth: 281.0 / 640, ShoulderMidX: 318.0 / 640, ShoulderMidY: 397.0 / 640,
		FaceScale: 0.226, EyeHeight: 0.699, ChinHeight: 1.47, LateralOffset: 0.0107,
	}
	if err := b.Validate(); err != nil {
		t.Fatalf("test baseline invalid: %v", err)
	}
	return b
}

func TestProfilePath(t *testing.T) {
	home := configHome(t)
	p, err := ProfilePath("desk")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(home, "neckwatch", "profiles", "desk.json"); p != want {
		t.Errorf("ProfilePath(desk) = %q, want %q", p, want)
	}
	if d, err := ConfigDir(); err != nil || d != filepath.Join(home, "neckwatch") {
		t.Errorf("ConfigDir() = %q, %v", d, err)
	}
}

func TestSaveLoadProfileRoundTrip(t *testing.T) {
	configHome(t)
	want := testBaseline(t)
	p, err := ProfilePath("desk")
	if err != nil {
		t.Fatal(err)
	}
	if backup, err := Save(p, want); err != nil || backup != "" {
		t.Fatalf("Save: backup %q, %v (want none: nothing was there)", backup, err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Errorf("file mode %v, want 0600", mode)
	}
	if di, err := os.Stat(filepath.Dir(p)); err != nil || di.Mode().Perm() != 0o700 {
		t.Errorf("profiles directory mode %v (%v), want 0700", di.Mode().Perm(), err)
	}
	got, path, err := LoadProfile("desk")
	if err != nil {
		t.Fatalf("LoadProfile: %v", err)
	}
	if path != p {
		t.Errorf("LoadProfile path %q, want %q", path, p)
	}
	if !got.CreatedAt.Equal(want.CreatedAt) {
		t.Errorf("CreatedAt %v, want %v", got.CreatedAt, want.CreatedAt)
	}
	got.CreatedAt, want.CreatedAt = time.Time{}, time.Time{}
	if got != want {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
	}
	// Saving again replaces the file, keeps the previous one as a backup
	// dated by its calibration and leaves no temporary files behind.
	before, _ := os.ReadFile(p)
	want.FaceWidth = 70.0 / 640
	backup, err := Save(p, want)
	if wantBackup := p + ".20240501T093000Z.bak"; err != nil || backup != wantBackup {
		t.Fatalf("resave: backup %q, %v; want %s", backup, err, wantBackup)
	}
	if got, err := Load(p); err != nil || got.FaceWidth != 70.0/640 {
		t.Errorf("after resave: FaceWidth %v, %v", got.FaceWidth, err)
	}
	if kept, _ := os.ReadFile(backup); string(kept) != string(before) {
		t.Errorf("backup holds %q, want the previous calibration", kept)
	}
	if names, _ := Profiles(); len(names) != 1 || names[0] != "desk" {
		t.Errorf("profiles %v, want only desk (the backup is not a profile)", names)
	}
	os.Remove(backup)
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("profiles dir holds %v, want only desk.json", names)
	}
}

func TestProfilesSorted(t *testing.T) {
	home := configHome(t)
	if names, err := Profiles(); err != nil || len(names) != 0 {
		t.Fatalf("Profiles() before any calibration = %v, %v; want none, nil", names, err)
	}
	b := testBaseline(t)
	for _, n := range []string{"zeta", "desk", "Alpha", "laptop-2", "a.b_c"} {
		p, err := ProfilePath(n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Save(p, b); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(home, "neckwatch", "profiles")
	// Not profiles: other files, a directory, a leftover temporary file.
	for _, f := range []string{"notes.txt", ".desk.json.tmp-123", "bad name.json"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub.json"), 0o700); err != nil {
		t.Fatal(err)
	}
	names, err := Profiles()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Alpha", "a.b_c", "desk", "laptop-2", "zeta"}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Errorf("Profiles() = %v, want %v", names, want)
	}
}

func TestLoadProfileMissing(t *testing.T) {
	configHome(t)
	_, p, err := LoadProfile("nope")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	if !strings.Contains(err.Error(), "neckwatch calibrate --profile nope") {
		t.Errorf("error %q does not tell how to calibrate", err)
	}
	if !strings.HasSuffix(p, filepath.Join("profiles", "nope.json")) {
		t.Errorf("path %q", p)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "x.json")); !errors.Is(err, ErrNotFound) {
		t.Errorf("Load of a missing file: %v, want ErrNotFound", err)
	}
}

func TestInvalidProfileNames(t *testing.T) {
	configHome(t)
	for _, name := range []string{"", "../desk", "a/b", `a\b`, ".hidden", "-x", "with space", "ünïcode", strings.Repeat("a", 41), "desk\n"} {
		if err := ValidateName(name); err == nil {
			t.Errorf("ValidateName(%q): no error", name)
		}
		if _, err := ProfilePath(name); err == nil {
			t.Errorf("ProfilePath(%q): no error", name)
		}
		if _, _, err := LoadProfile(name); err == nil || errors.Is(err, ErrNotFound) {
			t.Errorf("LoadProfile(%q) = %v, want a name error", name, err)
		}
	}
	for _, name := range []string{"default", "desk", "A1", "laptop-2", "x.y_z", strings.Repeat("a", 40)} {
		if err := ValidateName(name); err != nil {
			t.Errorf("ValidateName(%q) = %v", name, err)
		}
	}
	if err := ValidateName(DefaultProfile); err != nil {
		t.Errorf("DefaultProfile: %v", err)
	}
}

func TestLoadCorrupt(t *testing.T) {
	configHome(t)
	tests := []struct {
		name, content, want string
	}{
		{"garbage", "not json at all", "not a neckwatch calibration file"},
		{"truncated", `{"version": 2, "view": "fro`, "not a neckwatch calibration file"},
		{"old version", `{"version": 0, "view": "front", "face_width": 0.1, "head_distance_cm": 45, "frame_width": 640, "frame_height": 480}`, "recalibrate"},
		// A profile written before format 2 (pixels): redo it.
		{"pixel profile (version 1)", `{"version": 1, "view": "front", "eye_distance_px": 63, "eye_mid_x_px": 320, "eye_mid_y_px": 200, "head_distance_cm": 45.7, "frame_width": 640, "frame_height": 480}`, "neckwatch calibrate"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ProfilePath("broken")
			if err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, _, err = LoadProfile("broken")
			if err == nil || errors.Is(err, ErrNotFound) {
				t.Fatalf("LoadProfile of a corrupt file: %v", err)
			}
			if !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to name %s and mention %q", err, p, tc.want)
			}
		})
	}
}

// A file that is not a calibration is never replaced by one.
func TestSaveRefusesToReplaceOtherFiles(t *testing.T) {
	p := filepath.Join(t.TempDir(), "history.db")
	if err := os.WriteFile(p, []byte("SQLite format 3\x00..."), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Save(p, testBaseline(t)); err == nil || !strings.Contains(err.Error(), "not a neckwatch calibration") {
		t.Fatalf("Save over another file: %v", err)
	}
	if got, _ := os.ReadFile(p); string(got) != "SQLite format 3\x00..." {
		t.Fatal("the other file was changed")
	}
	if _, err := os.Stat(p + ".bak"); err == nil {
		t.Fatal("a backup was made of a file that is not a calibration")
	}
}
