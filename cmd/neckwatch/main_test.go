package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neckwatch/neckwatch/internal/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.MainCheckingMats(m)) }

// runCLI runs the command line in-process with a private config directory.
func runCLI(t testing.TB, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func isolateConfig(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv(modelsEnv, testenv.ModelDir(t))
	return dir
}

const modelsEnv = "NECKWATCH_MODELS"

func TestUsageErrorsExitTwoWithOneLine(t *testing.T) {
	isolateConfig(t)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no args", nil, "Usage:"},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"unknown flag", []string{"check", "--bogus"}, "unknown flag: --bogus"},
		{"missing source", []string{"check"}, "--source is required"},
		{"bad view", []string{"check", "--source", "x", "--view", "top"}, `--view "top": must be "auto", "front" or "side"`},
		{"stray argument", []string{"check", "--source", "x", "extra"}, `unexpected argument "extra"`},
		{"bad setting", []string{"check", "--source", "x", "--set", "nonsense=1"}, `unknown setting "nonsense"`},
		{"bad setting value", []string{"check", "--source", "x", "--set", "forward_start_cm=abc"}, "is not a number"},
		{"both baselines", []string{"check", "--source", "x", "--profile", "a", "--calibration", "b"}, "not both"},
		{"bad profile name", []string{"calibrate", "--source", "x", "--profile", "../etc"}, "profile name"},
		{"negative seconds", []string{"check", "--source", "0", "--seconds", "-1"}, "--seconds must be positive"},
		{"signed camera index to check", []string{"check", "--source", "+0"}, "--source +0: not a camera index: use 0, 1, 2… or a /dev/videoN device"},
		{"signed camera index to calibrate", []string{"calibrate", "--source", "-1"}, "--source -1: not a camera index"},
		{"signed camera index to install", []string{"install", "--", "--source", "-1"}, "--source -1: not a camera index"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr:\n%s", code, stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Fatalf("stderr %q does not mention %q", stderr, tc.want)
			}
			if strings.Contains(stderr, "goroutine") || strings.Contains(stderr, "panic") {
				t.Fatalf("panic trace on a usage error:\n%s", stderr)
			}
		})
	}
}

func TestHelpAndVersion(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"help"}, {"check", "--help"}, {"calibrate", "-h"}, {"doctor", "--help"}, {"help", "check"}} {
		code, stdout, _ := runCLI(t, args...)
		if code != 0 || !strings.Contains(stdout, "Usage") {
			t.Errorf("%v: exit %d, stdout %q", args, code, stdout)
		}
	}
	code, stdout, _ := runCLI(t, "check", "--help")
	if code != 0 || !strings.Contains(stdout, "forward_start_cm") || !strings.Contains(stdout, "--json") {
		t.Errorf("check --help does not list its flags and settings:\n%s", stdout)
	}
	code, stdout, _ = runCLI(t, "--version")
	if code != 0 || !strings.HasPrefix(stdout, "neckwatch ") {
		t.Errorf("--version: exit %d, %q", code, stdout)
	}
}

func TestRuntimeErrorsExitOne(t *testing.T) {
	isolateConfig(t)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"missing file", []string{"check", "--source", "/no/such/file.mp4"}, "no such file"},
		{"absent camera", []string{"check", "--source", "7"}, "camera 7: not found"},
		{"uncalibrated profile", []string{"check", "--source", "x", "--profile", "desk"}, "neckwatch calibrate --profile desk"},
		{"corrupt calibration", []string{"check", "--source", "x", "--calibration", writeFile(t, "cal.json", "{nope")}, "not a neckwatch calibration file"},
		{"empty folder", []string{"check", "--source", t.TempDir()}, "no images in folder"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			if code != 1 {
				t.Fatalf("exit %d, want 1; stderr:\n%s", code, stderr)
			}
			if !strings.Contains(stderr, tc.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Fatalf("want one line mentioning %q, got:\n%s", tc.want, stderr)
			}
		})
	}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// decodeRecords parses check --json output: exactly one object per line.
func decodeRecords(t *testing.T, stdout string) []map[string]any {
	t.Helper()
	var recs []map[string]any
	for i, line := range strings.Split(strings.TrimRight(stdout, "\n"), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("line %d is not one JSON object: %v\n%s", i+1, err, line)
		}
		recs = append(recs, rec)
	}
	return recs
}

func TestCheckJSONContract(t *testing.T) {
	isolateConfig(t)
	code, stdout, stderr := runCLI(t, "check", "--source", filepath.Join(testenv.Testdata(t), "frontal"), "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	recs := decodeRecords(t, stdout)
	wantFrames := []string{"apollo11_crew.jpg", "gocv_face.jpg", "grace_hopper.jpg", "skimage_astronaut.png"}
	if len(recs) != len(wantFrames) {
		t.Fatalf("%d records, want %d", len(recs), len(wantFrames))
	}
	for i, rec := range recs {
		for _, k := range []string{"frame", "person", "shoulders", "state", "severity", "neck_angle_deg", "forward_cm", "latency_ms", "calibrated"} {
			if _, ok := rec[k]; !ok {
				t.Errorf("record %d lacks %q: %v", i, k, rec)
			}
		}
		if rec["frame"] != wantFrames[i] {
			t.Errorf("record %d frame %v, want %s (source order)", i, rec["frame"], wantFrames[i])
		}
		if rec["state"] != "upright" || rec["person"] != true || rec["calibrated"] != false {
			t.Errorf("record %d: %v", i, rec)
		}
		// The default view is auto: a frontal portrait is read as the front view.
		if rec["view"] != "front" {
			t.Errorf("record %d: view %v, want front (detected)", i, rec["view"])
		}
		if lat, _ := rec["latency_ms"].(float64); lat <= 0 {
			t.Errorf("record %d: latency_ms %v", i, rec["latency_ms"])
		}
	}
}

func TestCheckSideViewJSON(t *testing.T) {
	isolateConfig(t)
	code, stdout, stderr := runCLI(t, "check", "--source", testenv.Photo(t, "side/desk_hunch.jpeg"), "--view", "side", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rec := decodeRecords(t, stdout)[0]
	if rec["state"] == "upright" || rec["forward_cm"] != nil || rec["neck_angle_deg"] == nil {
		t.Fatalf("side view of a hunch: %v", rec)
	}
}

func TestCalibrateThenCheckAgainstProfile(t *testing.T) {
	cfg := isolateConfig(t)
	seed := testenv.Photo(t, "frontal/gocv_face.jpg")
	code, stdout, stderr := runCLI(t, "calibrate", "--source", seed, "--profile", "desk")
	if code != 0 {
		t.Fatalf("calibrate: exit %d: %s", code, stderr)
	}
	saved := filepath.Join(cfg, "neckwatch", "profiles", "desk.json")
	if !strings.Contains(stdout, saved) || !strings.Contains(stdout, "Flagged:") {
		t.Fatalf("calibrate output does not name %s and its limits:\n%s", saved, stdout)
	}
	if st, err := os.Stat(saved); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("profile file: %v %v", st, err)
	}
	code, stdout, stderr = runCLI(t, "check", "--source", seed, "--profile", "desk", "--json")
	if code != 0 {
		t.Fatalf("check: exit %d: %s", code, stderr)
	}
	rec := decodeRecords(t, stdout)[0]
	if rec["calibrated"] != true || rec["state"] != "upright" || rec["forward_cm"] != 0.0 {
		t.Fatalf("the calibration frame against its own profile: %v", rec)
	}
	// A front profile is refused for the side view.
	code, _, stderr = runCLI(t, "check", "--source", seed, "--profile", "desk", "--view", "side")
	if code != 1 || !strings.Contains(stderr, "made for the front view") {
		t.Fatalf("front profile used for side view: exit %d, %s", code, stderr)
	}
	// --out writes a file instead of a profile; a frame with no face fails clearly.
	out := filepath.Join(t.TempDir(), "cal.json")
	code, _, stderr = runCLI(t, "calibrate", "--source", seed, "--out", out)
	if code != 0 {
		t.Fatalf("calibrate --out: %s", stderr)
	}
	if _, err := os.Stat(out); err != nil {
		t.Fatal(err)
	}
}

func TestCalibrateWithoutAFaceFailsClearly(t *testing.T) {
	cfg := isolateConfig(t)
	// The side photos in profile have no frontal face YuNet trusts: a
	// front-view calibration fails clearly.
	photo := testenv.Photo(t, "side/desk_hunch.jpeg")
	code, _, stderr := runCLI(t, "calibrate", "--source", photo, "--view", "front")
	if code != 1 || !strings.Contains(stderr, "too few usable frames") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(cfg, "neckwatch", "profiles", "default.json")); err == nil {
		t.Fatal("a failed calibration saved a profile")
	}
	// With the default --view auto the same photo is seen as the side
	// view and calibrates that.
	code, stdout, stderr := runCLI(t, "calibrate", "--source", photo)
	if code != 0 || !strings.Contains(stdout, "ear-shoulder angle") {
		t.Fatalf("auto view on a profile photo: exit %d\n%s%s", code, stdout, stderr)
	}
	data, err := os.ReadFile(filepath.Join(cfg, "neckwatch", "profiles", "default.json"))
	if err != nil || !strings.Contains(string(data), `"view": "side"`) {
		t.Fatalf("saved profile (%v):\n%s", err, data)
	}
}

// doctor checks what run needs with the configuration run would read, and
// fails exactly when run would: a broken or missing configuration, a
// profile that is not there, a source run refuses. It names the four
// models and the three networks run loads.
func TestDoctor(t *testing.T) {
	cases := []struct {
		name   string
		config string   // config.toml in the private config directory
		args   []string // doctor's; ["calibrated"]: none, after a calibration of the default profile
		code   int
		want   []string
	}{
		{"defaults", "", nil, 0, []string{"OpenCV", "[ok  ] config", "face_detection_yunet_2023mar.onnx sha256 ok", "yunet_n_320_320.onnx sha256 ok",
			"posenet_mobilenet_v1_050.pb sha256 ok", "face_landmark_mediapipe_opencv46.onnx sha256 ok",
			"three networks run uses load in OpenCV's dnn module: face_detection_yunet_2023mar.onnx, face_landmark_mediapipe_opencv46.onnx, posenet_mobilenet_v1_050.pb",
			"notifications", "[WARN] calibration    none: run judges by population figures"}},
		{"calibrated default profile", "", []string{"calibrated"}, 0, []string{"[ok  ] calibration", "profiles/default.json"}},
		{"accurate face in the config", "[camera]\naccurate_face = true\n", nil, 0, []string{"load in OpenCV's dnn module: yunet_n_320_320.onnx"}},
		{"config run refuses", "[alerts]\nonsett = \"5s\"\n", nil, 1, []string{"[FAIL] config", "did you mean alerts.onset", "run` would not start"}},
		{"missing --config", "", []string{"--config", "/no/such.toml"}, 1, []string{"[FAIL] config", "/no/such.toml"}},
		{"named profile not calibrated", "[camera]\nprofile = \"nosuch\"\n", nil, 1, []string{"[FAIL] calibration", "neckwatch calibrate --profile nosuch"}},
		{"source run refuses", "[camera]\nsource = \"/no/such/video.mp4\"\n", nil, 1, []string{"[FAIL] source", "/no/such/video.mp4: no such file"}},
		{"notifications off", "[notifications]\nenabled = false\n", nil, 0, []string{"off in the configuration"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := isolateConfig(t)
			t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
			t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
			if tc.config != "" {
				os.MkdirAll(filepath.Join(dir, "neckwatch"), 0o700)
				if err := os.WriteFile(filepath.Join(dir, "neckwatch", "config.toml"), []byte(tc.config), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			args := tc.args
			if len(args) == 1 && args[0] == "calibrated" {
				if code, _, stderr := runCLI(t, "calibrate", "--source", testenv.Photo(t, "frontal/gocv_face.jpg")); code != 0 {
					t.Fatal(stderr)
				}
				args = nil
			}
			code, stdout, stderr := runCLI(t, append([]string{"doctor"}, args...)...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s%s", code, tc.code, stdout, stderr)
			}
			for _, want := range tc.want {
				if !strings.Contains(stdout+stderr, want) {
					t.Errorf("doctor output lacks %q:\n%s%s", want, stdout, stderr)
				}
			}
		})
	}
}

// Every command's --help prints its usage once, a "Flags:" heading only
// over flags, and for journal and history the flags of each subcommand.
func TestHelpOncePerCommand(t *testing.T) {
	isolateConfig(t)
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := runCLI(t, c.name, "--help")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			first := strings.SplitN(out, "\n", 2)[0]
			if !strings.HasPrefix(first, "Usage: neckwatch ") || strings.Count(out, first) != 1 {
				t.Errorf("usage printed %d times:\n%s", strings.Count(out, first), out)
			}
			if i := strings.Index(out, "Flags:\n"); i >= 0 && !strings.HasPrefix(out[i+len("Flags:\n"):], "  ") {
				t.Errorf("an empty Flags: heading:\n%s", out)
			}
		})
	}
	for _, tc := range []struct{ cmd, want string }{
		{"journal", "journal add flags:"}, {"journal", "--pain"}, {"journal", "journal list flags:"},
		{"history", "history export flags:"}, {"history", "--format"}, {"history", "history forget flags:"}, {"history", "--before"},
	} {
		if _, out, _ := runCLI(t, tc.cmd, "--help"); !strings.Contains(out, tc.want) {
			t.Errorf("%s --help lacks %q:\n%s", tc.cmd, tc.want, out)
		}
	}
}

// Recalibrating keeps the previous baselines (the last 5, dated) and says
// so; `calibrate --restore` lists them and puts one back; a file that is
// not a calibration is never overwritten by one.
func TestCalibrateKeepsThePreviousBaselines(t *testing.T) {
	isolateConfig(t)
	photo := testenv.Photo(t, "frontal/gocv_face.jpg")
	out := filepath.Join(t.TempDir(), "desk.json")
	if code, stdout, _ := runCLI(t, "calibrate", "--restore", "--out", out); code != 0 || !strings.Contains(stdout, "No earlier baselines") {
		t.Errorf("--restore before any calibration: exit %d\n%s", code, stdout)
	}
	var made [][]byte // every baseline written, oldest first
	for i := 0; i < 7; i++ {
		code, stdout, stderr := runCLI(t, "calibrate", "--source", photo, "--out", out)
		if code != 0 {
			t.Fatalf("calibration %d: exit %d %s", i+1, code, stderr)
		}
		if i > 0 && !strings.Contains(stdout, "The previous baseline is kept as "+out+".") {
			t.Fatalf("calibration %d does not say where the previous baseline went:\n%s", i+1, stdout)
		}
		data, _ := os.ReadFile(out)
		made = append(made, data)
	}
	code, stdout, stderr := runCLI(t, "calibrate", "--restore", "--out", out)
	if code != 0 || strings.Count(stdout, " front view, 1 frame(s)") != 5 {
		t.Fatalf("--restore lists (exit %d) not the 5 earlier baselines:\n%s%s", code, stdout, stderr)
	}
	for _, bad := range [][]string{{"--restore", "6"}, {"--restore", "0"}, {"--restore", "x"}, {"--restore", "1", "2"}, {"stray"}} {
		if code, _, stderr := runCLI(t, append(append([]string{"calibrate"}, bad...), "--out", out)...); code != 2 {
			t.Errorf("calibrate %v: exit %d, want 2: %s", bad, code, stderr)
		}
	}
	// Back to the third newest: the baseline made before the last three.
	if code, stdout, stderr = runCLI(t, "calibrate", "--restore", "3", "--out", out); code != 0 || !strings.Contains(stdout, "Restored the baseline of") {
		t.Fatalf("--restore 3: exit %d\n%s%s", code, stdout, stderr)
	}
	if got, _ := os.ReadFile(out); string(got) != string(made[3]) {
		t.Errorf("--restore 3 did not bring back the fourth baseline")
	}
	// The replaced one (the newest) is a backup now.
	if code, stdout, _ = runCLI(t, "calibrate", "--restore", "--out", out); code != 0 || strings.Count(stdout, " front view, 1 frame(s)") != 5 {
		t.Errorf("after the restore, the list:\n%s", stdout)
	}

	other := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(other, []byte("my notes\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "calibrate", "--source", photo, "--out", other); code != 1 || !strings.Contains(stderr, "not a neckwatch calibration") {
		t.Fatalf("calibrate over another file: exit %d %s", code, stderr)
	}
	if got, _ := os.ReadFile(other); string(got) != "my notes\n" {
		t.Fatal("calibrate overwrote a file that is not a calibration")
	}
}

// TestInstallValidatesRunFlags: install parses the flags after -- exactly
// as run would, and writes no login entry when run would refuse them.
func TestInstallValidatesRunFlags(t *testing.T) {
	cfgDir := isolateConfig(t)
	t.Setenv("HOME", t.TempDir())
	t.Setenv("PATH", t.TempDir()) // no systemctl: the XDG autostart entry
	entry := filepath.Join(cfgDir, "autostart", "neckwatch.desktop")
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown run flag", []string{"install", "--", "--bogus"}, 2, "unknown flag: --bogus"},
		{"bad duration", []string{"install", "--", "--alert-onset", "banana"}, 2, "--alert-onset"},
		{"missing profile", []string{"install", "--", "--profile", "nosuch"}, 1, "nosuch"},
		{"argument before --", []string{"install", "extra"}, 2, `unexpected argument "extra"`},
		{"stray run argument", []string{"install", "--", "--tray", "extra"}, 2, `unexpected argument "extra"`},
		{"missing video", []string{"install", "--", "--source", "/nonexist.mp4"}, 1, "no such file"},
		{"missing config", []string{"install", "--", "--config", "/nonexist.toml"}, 1, "nonexist.toml"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, stderr %q; want exit %d mentioning %q", code, stderr, tc.code, tc.want)
			}
			if first, _, _ := strings.Cut(stderr, "\n"); !strings.Contains(first, tc.want) {
				t.Errorf("the error's first line does not say it: %q", stderr)
			}
			if _, err := os.Stat(entry); !os.IsNotExist(err) {
				t.Fatalf("a login entry was written for refused flags (stat: %v)", err)
			}
		})
	}

	// Accepted flags are written with absolute paths, since the entry does
	// not start in this directory.
	wd, _ := os.Getwd()
	if err := os.Chdir(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chdir(wd) })
	// The test binary sits in a go-build directory, which install refuses
	// as a vanishing `go run` binary; point the temp dir elsewhere.
	t.Setenv("TMPDIR", t.TempDir())
	if err := os.WriteFile("clip.mp4", []byte("not checked until run"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "install", "--", "--source", "clip.mp4", "--alert-onset", "30s")
	if code != 0 {
		t.Fatalf("install: exit %d\n%s%s", code, stdout, stderr)
	}
	data, err := os.ReadFile(entry)
	if err != nil {
		t.Fatal(err)
	}
	here, _ := os.Getwd()
	for _, want := range []string{"--tray", "--alert-onset=30s", "--source=" + filepath.Join(here, "clip.mp4")} {
		if !strings.Contains(string(data), want) {
			t.Errorf("login entry lacks %q:\n%s", want, data)
		}
	}
}

// TestCheckAndCalibrateReadTheConfig: check and calibrate read the same
// configuration file as run (--config, or the default path): its
// [thresholds] change a verdict, its [camera] keys choose the source, the
// view and the baseline, and flags override them.
func TestCheckAndCalibrateReadTheConfig(t *testing.T) {
	cfgDir := isolateConfig(t)
	hunch := testenv.Photo(t, "side/desk_hunch.jpeg")
	state := func(args ...string) string {
		t.Helper()
		code, stdout, stderr := runCLI(t, append([]string{"check", "--json"}, args...)...)
		if code != 0 {
			t.Fatalf("check %v: exit %d: %s", args, code, stderr)
		}
		rec := decodeRecords(t, stdout)[0]
		return fmt.Sprintf("%v %v calibrated=%v", rec["view"], rec["state"], rec["calibrated"])
	}
	if got := state("--source", hunch, "--view", "side"); got != "side forward_head calibrated=false" {
		t.Fatalf("without a config: %s", got)
	}

	// Side limits (each, and their combination) relaxed past the photo's
	// hunch: the verdict turns upright;
	// the view comes from the file too.
	relaxed := writeFile(t, "relaxed.toml", `[camera]
view = "side"
[thresholds]
side_neck_start_deg = 20
side_neck_severe_deg = 10
side_torso_start_deg = 30
side_torso_severe_deg = 60
side_flexion_start_deg = 60
side_flexion_severe_deg = 80
side_evidence = 3
`)
	if got := state("--config", relaxed, "--source", hunch); got != "side upright calibrated=false" {
		t.Errorf("with [thresholds]: %s", got)
	}
	// --set overrides the file's threshold once more.
	if got := state("--config", relaxed, "--source", hunch, "--set", "side_neck_start_deg=50", "--set", "side_evidence=1"); got != "side forward_head calibrated=false" {
		t.Errorf("--set over [thresholds]: %s", got)
	}
	// The file at the default path is read like run reads it.
	def := filepath.Join(cfgDir, "neckwatch", "config.toml")
	data, _ := os.ReadFile(relaxed)
	if err := os.MkdirAll(filepath.Dir(def), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(def, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if got := state("--source", hunch); got != "side upright calibrated=false" {
		t.Errorf("config at the default path: %s", got)
	}
	os.Remove(def)

	// camera.source, camera.profile: calibrate takes the source from the
	// file and stores the profile the file names; check judges by it.
	face := testenv.Photo(t, "frontal/gocv_face.jpg")
	desk := writeFile(t, "desk.toml", fmt.Sprintf("[camera]\nsource = %q\nprofile = \"desk\"\n", face))
	code, stdout, stderr := runCLI(t, "calibrate", "--config", desk)
	saved := filepath.Join(cfgDir, "neckwatch", "profiles", "desk.json")
	if code != 0 || !strings.Contains(stdout, saved) {
		t.Fatalf("calibrate from the config: exit %d\n%s%s", code, stdout, stderr)
	}
	if got := state("--config", desk); got != "front upright calibrated=true" {
		t.Errorf("check against the config's profile: %s", got)
	}
	// camera.calibration: calibrate writes the file run would read.
	calFile := filepath.Join(t.TempDir(), "cal.json")
	withFile := writeFile(t, "file.toml", fmt.Sprintf("[camera]\nsource = %q\ncalibration = %q\n", face, calFile))
	if code, stdout, stderr := runCLI(t, "calibrate", "--config", withFile); code != 0 || !strings.Contains(stdout, calFile) {
		t.Fatalf("calibrate to camera.calibration: exit %d\n%s%s", code, stdout, stderr)
	}
	if got := state("--config", withFile); got != "front upright calibrated=true" {
		t.Errorf("check against camera.calibration: %s", got)
	}
	// A flag names another baseline: the file's is not used.
	if code, _, stderr := runCLI(t, "check", "--config", withFile, "--profile", "nosuch"); code != 1 || !strings.Contains(stderr, "nosuch") {
		t.Errorf("--profile over camera.calibration: exit %d %s", code, stderr)
	}
}

// TestCheckAndCalibrateConfigErrors: a configuration file's mistakes stop
// check and calibrate with one line naming the file, the key and what to
// do, with its line where it has one.
func TestCheckAndCalibrateConfigErrors(t *testing.T) {
	isolateConfig(t)
	cases := []struct{ name, file, want string }{
		{"unknown key", "[camera]\nveiw = \"side\"\n", "unknown key camera.veiw (did you mean camera.view?)"},
		{"out of range", "[camera]\nsource = \"0\"\n[sampling]\nsettle = \"9s\"\n", "sampling.settle = 9s: must be between 0 and 5s (line 4)"},
		{"wrong type", "[thresholds]\n\nforward_start_cm = \"3\"\n", `line 3: thresholds.forward_start_cm = "3": must be a number`},
	}
	for _, tc := range cases {
		path := writeFile(t, "config.toml", tc.file)
		for _, cmd := range []string{"check", "calibrate"} {
			t.Run(tc.name+" "+cmd, func(t *testing.T) {
				code, _, stderr := runCLI(t, cmd, "--config", path, "--source", "x")
				if code != 1 || !strings.Contains(stderr, path+": ") || !strings.Contains(stderr, tc.want) {
					t.Fatalf("exit %d, stderr %q; want exit 1 naming %s and %q", code, stderr, path, tc.want)
				}
				if n := strings.Count(strings.TrimSpace(stderr), "\n"); n != 0 {
					t.Errorf("%d lines:\n%s", n+1, stderr)
				}
			})
		}
	}
	for _, cmd := range []string{"check", "calibrate"} {
		code, _, stderr := runCLI(t, cmd, "--config", "/no/such.toml", "--source", "x")
		if code != 1 || !strings.Contains(stderr, "/no/such.toml") {
			t.Errorf("%s with a missing --config: exit %d %s", cmd, code, stderr)
		}
	}
}

// calibrate --tired on real photos of one person (front-people p1): the
// upright step from their first good photos, the tired step from their
// first bad ones. The step is kept in the file; a tired posture that is
// their upright again is refused and nothing is written; the flag needs a
// second source when the first is not a camera.
func TestCalibrateTiredStep(t *testing.T) {
	isolateConfig(t)
	dir := t.TempDir()
	pick := func(sub, dst string, n int) string {
		src := testenv.Photo(t, "front-people/p1/"+sub)
		ents, err := os.ReadDir(src)
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, dst)
		if err := os.Mkdir(out, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, e := range ents[:n] { // by name: by capture time
			b, err := os.ReadFile(filepath.Join(src, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(out, e.Name()), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return out
	}
	upright, tired := pick("good", "upright", 8), pick("bad", "tired", 8)
	out := filepath.Join(dir, "cal.json")

	code, _, stderr := runCLI(t, "calibrate", "--source", upright, "--tired", "--out", out)
	if code != 2 || !strings.Contains(stderr, "--tired-source") {
		t.Errorf("--tired from a folder without --tired-source: exit %d, %q; want 2 naming --tired-source", code, stderr)
	}
	code, _, stderr = runCLI(t, "calibrate", "--source", upright, "--tired", "--tired-source", upright, "--out", out)
	if code == 0 || !strings.Contains(stderr, "tired posture") || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
		t.Errorf("tired posture = upright: exit %d, %q; want one line refusing it", code, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a refused tired step wrote %s (%v)", out, err)
	}
	code, stdout, stderr := runCLI(t, "calibrate", "--source", upright, "--tired", "--tired-source", tired, "--out", out)
	if code != 0 {
		t.Fatalf("calibrate --tired: exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var cal struct {
		Tired struct {
			Frames   int     `json:"frames"`
			PitchDeg float64 `json:"pitch_deg"`
			Drop     float64 `json:"drop"`
		} `json:"tired"`
	}
	if err := json.Unmarshal(data, &cal); err != nil {
		t.Fatal(err)
	}
	if cal.Tired.Frames < 3 || cal.Tired.PitchDeg <= 0 {
		t.Errorf("the tired step kept %+v, want several frames with the head pitched down\n%s", cal.Tired, stdout)
	}
	if !strings.Contains(stdout, "tired posture") {
		t.Errorf("calibrate did not say what the tired step measured:\n%s", stdout)
	}
}
