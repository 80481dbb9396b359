package posture

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/landmark"
)

// uprightFeatures is an upright 640x480 frame of the test scene, in
// FrontFeatures' units: eyes eyeDist px apart at (320, 200) px, shoulders
// 280 px wide centred at (318, 396) px, all divided by the frame width.
func uprightFeatures(eyeDist, faceScale, eyeHeight float64) FrontFeatures {
	return FrontFeatures{
		FrameW: 640, FrameH: 480, Face: true, FaceScore: 0.9,
		EyeDistPx: eyeDist, FaceWidth: eyeDist / 640, EyeMid: landmark.Point{X: 320.0 / 640, Y: 200.0 / 640},
		HeadDistCM: 45.7, PitchDeg: 2, RollDeg: -1,
		Shoulders: true, ShoulderWidth: 280.0 / 640, ShoulderMid: landmark.Point{X: 318.0 / 640, Y: 396.0 / 640},
		FaceScale: faceScale, EyeHeight: eyeHeight, LateralOffset: 0.01,
	}
}

// meshFeatures is uprightFeatures measured with the face mesh: the chin
// chinHeight eye distances above the shoulder line.
func meshFeatures(eyeDist, faceScale, eyeHeight, chinHeight float64) FrontFeatures {
	f := uprightFeatures(eyeDist, faceScale, eyeHeight)
	f.Mesh, f.MeshPresence, f.ChinHeight = true, 0.95, chinHeight
	return f
}

func TestNewBaselineMedians(t *testing.T) {
	frames := []FrontFeatures{
		uprightFeatures(62, 0.224, 0.69),
		uprightFeatures(63, 0.225, 0.70),
		uprightFeatures(64, 0.226, 0.71),
		uprightFeatures(63, 0.225, 0.70),
		uprightFeatures(200, 0.9, 0.1), // a bad frame: far off, must not move the medians
	}
	before := time.Now()
	b, err := NewBaseline(frames)
	if err != nil {
		t.Fatal(err)
	}
	after := time.Now()
	// Positions and lengths in frame widths: the pixel figures / 640.
	want := Baseline{
		Version: BaselineVersion, View: Front, Frames: 5, Rejected: 0, FrameW: 640, FrameH: 480,
		FaceWidth: 63.0 / 640, EyeMidX: 320.0 / 640, EyeMidY: 200.0 / 640, HeadDistCM: 45.7, PitchDeg: 2, YawDeg: 0, RollDeg: -1,
		Shoulders: true, ShoulderWidth: 280.0 / 640, ShoulderMidX: 318.0 / 640, ShoulderMidY: 396.0 / 640,
		FaceScale: 0.225, EyeHeight: 0.70, LateralOffset: 0.01,
	}
	if b.CreatedAt.Before(before) || b.CreatedAt.After(after) || b.CreatedAt.Location() != time.UTC {
		t.Errorf("CreatedAt = %v, want now in UTC", b.CreatedAt)
	}
	b.CreatedAt = time.Time{}
	b.Spread = FrontSpread{} // TestNewBaselineSpread
	if b != want {
		t.Errorf("NewBaseline =\n%+v\nwant\n%+v", b, want)
	}
	if err := b.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestNewBaselineEvenMedian(t *testing.T) {
	b, err := NewBaseline([]FrontFeatures{uprightFeatures(60, 0.2, 0.6), uprightFeatures(64, 0.3, 0.8)})
	if err != nil {
		t.Fatal(err)
	}
	if !approx(b.FaceWidth, 62.0/640, 1e-12) || !approx(b.FaceScale, 0.25, 1e-12) || !approx(b.EyeHeight, 0.7, 1e-12) {
		t.Errorf("FaceWidth %v FaceScale %v EyeHeight %v, want means of the middle two", b.FaceWidth, b.FaceScale, b.EyeHeight)
	}
}

func TestNewBaselineRejects(t *testing.T) {
	good := uprightFeatures(63, 0.225, 0.7)
	noFace := FrontFeatures{FrameW: 640, FrameH: 480}
	weak := good
	weak.FaceScore = 0.6
	turned := good
	turned.YawDeg = 60 // beyond MaxCalibrationYawDeg
	offAxis := good
	offAxis.YawDeg = 35 // a webcam beside the monitor: accepted
	bowed := good
	bowed.PitchDeg = populationPitchDeg + MaxCalibrationPitchDeg + 5 // a camera far below the face
	noSize := good
	noSize.EyeDistPx, noSize.FaceWidth = 0, 0
	noShoulders := good
	noShoulders.Shoulders, noShoulders.ShoulderWidth, noShoulders.FaceScale, noShoulders.EyeHeight = false, 0, 0, 0

	tests := []struct {
		name          string
		frames        []FrontFeatures
		usable, rej   int
		wantShoulders bool
	}{
		{"frames without face rejected", []FrontFeatures{noFace, good, noFace, good, good}, 3, 2, true},
		{"weak and turned faces rejected", []FrontFeatures{weak, turned, good}, 1, 2, true},
		{"camera far below rejected", []FrontFeatures{bowed, good}, 1, 1, true},
		{"face without a size rejected", []FrontFeatures{noSize, good}, 1, 1, true},
		{"35° off-axis camera accepted", []FrontFeatures{offAxis, offAxis, turned}, 2, 1, true},
		{"shoulders need a majority", []FrontFeatures{good, noShoulders, noShoulders}, 3, 0, false},
		{"half with shoulders is enough", []FrontFeatures{good, noShoulders}, 2, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := NewBaseline(tc.frames)
			if err != nil {
				t.Fatal(err)
			}
			if b.Frames != tc.usable || b.Rejected != tc.rej || b.Shoulders != tc.wantShoulders {
				t.Errorf("Frames %d Rejected %d Shoulders %v, want %d %d %v", b.Frames, b.Rejected, b.Shoulders, tc.usable, tc.rej, tc.wantShoulders)
			}
			if tc.wantShoulders && (b.FaceScale != 0.225 || b.EyeHeight != 0.7 || b.ShoulderWidth != 280.0/640) {
				t.Errorf("shoulder medians must come from frames with shoulders only: %+v", b)
			}
			if !tc.wantShoulders && (b.FaceScale != 0 || b.ShoulderWidth != 0) {
				t.Errorf("shoulder figures set without a majority: %+v", b)
			}
			if err := b.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
		})
	}
}

func TestNewBaselineTooFew(t *testing.T) {
	for _, frames := range [][]FrontFeatures{nil, {{}}, {{Face: true, FaceScore: 0.5}, {}}} {
		b, err := NewBaseline(frames)
		if !errors.Is(err, ErrTooFewFrames) {
			t.Errorf("%d unusable frames: err = %v, want ErrTooFewFrames", len(frames), err)
		}
		if b.Rejected != len(frames) {
			t.Errorf("Rejected = %d, want %d", b.Rejected, len(frames))
		}
	}
	_, err := NewSideBaseline([]SideFeatures{{Person: true}})
	if !errors.Is(err, ErrTooFewFrames) {
		t.Errorf("NewSideBaseline without usable frames: err = %v, want ErrTooFewFrames", err)
	}
}

func TestNewSideBaseline(t *testing.T) {
	frames := []SideFeatures{
		{Usable: true, NeckAngleDeg: 70, Hips: true, TorsoForwardDeg: 4, NoseSeen: true, HeadFlexionDeg: 10},
		{Usable: true, NeckAngleDeg: 72, Hips: true, TorsoForwardDeg: 6},
		{Usable: true, NeckAngleDeg: 20, NoseSeen: true, HeadFlexionDeg: 12}, // outlier
		{Person: true}, // rejected
	}
	b, err := NewSideBaseline(frames)
	if err != nil {
		t.Fatal(err)
	}
	if b.View != Side || b.Frames != 3 || b.Rejected != 1 || b.NeckAngleDeg != 70 || b.TorsoForwardDeg != 5 || b.HeadFlexionDeg != 11 {
		t.Errorf("NewSideBaseline = %+v", b)
	}
	if err := b.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestBaselineValidate(t *testing.T) {
	good, err := NewBaseline([]FrontFeatures{uprightFeatures(63, 0.225, 0.7)})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		modify func(b *Baseline)
		want   string // "" = valid
	}{
		{"good", func(b *Baseline) {}, ""},
		{"old version", func(b *Baseline) { b.Version = 0 }, "version 0"},
		{"future version", func(b *Baseline) { b.Version = BaselineVersion + 1 }, "not supported"},
		{"bad view", func(b *Baseline) { b.View = "top" }, "view"},
		{"no face", func(b *Baseline) { b.FaceWidth = 0 }, "no face"},
		{"no head distance", func(b *Baseline) { b.HeadDistCM = 0 }, "no face"},
		{"no frame size", func(b *Baseline) { b.FrameW = 0 }, "no face"},
		{"no frame height", func(b *Baseline) { b.FrameH = 0 }, "no face"},
		{"bad shoulders", func(b *Baseline) { b.FaceScale = 0 }, "shoulder"},
		{"no shoulder width", func(b *Baseline) { b.ShoulderWidth = 0 }, "shoulder"},
		{"no shoulders is fine", func(b *Baseline) { b.Shoulders, b.FaceScale, b.EyeHeight, b.ShoulderWidth = false, 0, 0, 0 }, ""},
		{"side needs no face", func(b *Baseline) { *b = Baseline{Version: BaselineVersion, View: Side} }, ""},
	}
	for _, tc := range tests {
		b := good
		tc.modify(&b)
		err := b.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: Validate = %v, want nil", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "recalibrate")):
			t.Errorf("%s: Validate = %v, want an error mentioning %q and recalibrate", tc.name, err, tc.want)
		}
	}
}

func TestBaselineMarshalRoundTrip(t *testing.T) {
	front, err := NewBaseline([]FrontFeatures{uprightFeatures(63.25, 0.2251, 0.7013)})
	if err != nil {
		t.Fatal(err)
	}
	front.Profile, front.Source = "desk", "camera 0"
	offAxis := uprightFeatures(63.25, 0.2251, 0.7013)
	offAxis.YawDeg = -33.7
	mesh, err := NewBaseline([]FrontFeatures{meshFeatures(61.5, 0.2231, 0.6987, 1.517), offAxis})
	if err != nil {
		t.Fatal(err)
	}
	if !mesh.Mesh || mesh.ChinHeight != 1.517 || mesh.YawDeg == 0 {
		t.Fatalf("mesh baseline %+v: want Mesh, ChinHeight and YawDeg set", mesh)
	}
	side, err := NewSideBaseline([]SideFeatures{{Usable: true, NeckAngleDeg: 71.3, Hips: true, TorsoForwardDeg: -2.5}})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []Baseline{front, mesh, side} {
		data, err := MarshalBaseline(b)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(string(data), "}\n") || !strings.Contains(string(data), `"version": 2`) {
			t.Errorf("MarshalBaseline output:\n%s", data)
		}
		got, err := UnmarshalBaseline(data)
		if err != nil {
			t.Fatalf("UnmarshalBaseline: %v\n%s", err, data)
		}
		if !got.CreatedAt.Equal(b.CreatedAt) {
			t.Errorf("CreatedAt %v, want %v", got.CreatedAt, b.CreatedAt)
		}
		got.CreatedAt, b.CreatedAt = time.Time{}, time.Time{}
		if got != b {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, b)
		}
	}
}

func TestUnmarshalBaselineErrors(t *testing.T) {
	tests := []struct {
		name string
		data string
		want []string
	}{
		{"garbage", "hello", []string{"not a neckwatch calibration file"}},
		{"empty", "", []string{"not a neckwatch calibration file"}},
		{"wrong type", `{"version": "one"}`, []string{"not a neckwatch calibration file"}},
		{"wrong version", `{"version": 3, "view": "front", "face_width": 0.1, "head_distance_cm": 45, "frame_width": 640, "frame_height": 480}`, []string{"version 3", "recalibrate"}},
		{"missing version", `{"view": "front", "face_width": 0.1, "head_distance_cm": 45, "frame_width": 640, "frame_height": 480}`, []string{"version 0", "recalibrate"}},
		{"no measurements", `{"version": 2, "view": "front"}`, []string{"recalibrate"}},
		{"pixel fields only", `{"version": 2, "view": "front", "eye_distance_px": 63, "frame_width": 640, "frame_height": 480}`, []string{"no face", "recalibrate"}},
	}
	for _, tc := range tests {
		_, err := UnmarshalBaseline([]byte(tc.data))
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", tc.name, err, w)
			}
		}
	}
}

func TestSet(t *testing.T) {
	tests := []struct {
		assignment string
		check      func(c *Classifier) bool
		wantErr    []string
	}{
		{"forward_start_cm=3", func(c *Classifier) bool { return c.Thresholds.ForwardStartCM == 3 }, nil},
		{" forward_severe_cm = 10 ", func(c *Classifier) bool { return c.Thresholds.ForwardSevereCM == 10 }, nil},
		{"side_neck_start_deg=60", func(c *Classifier) bool { return c.Thresholds.SideNeckStartDeg == 60 }, nil},
		{"camera_hfov_deg=78", func(c *Classifier) bool { return c.Camera.HFOVDeg == 78 }, nil},
		{"pitch_start_deg=0", func(c *Classifier) bool { return c.Thresholds.PitchStartDeg == 0 }, nil},
		{"forward_start_cm", nil, []string{"name=value"}},
		{"no_such_thing=1", nil, []string{`unknown setting "no_such_thing"`, "known:", "drop_start", "forward_start_cm", "upright_neck_angle_deg"}},
		{"forward_start_cm=abc", nil, []string{"forward_start_cm", `"abc" is not a number`}},
		{"forward_start_cm=", nil, []string{"not a number"}},
		{"forward_start_cm=-1", nil, []string{"must be positive"}},
		{"drop_start=0", nil, []string{"must be positive"}},
		{"forward_start_cm=8", nil, []string{"forward_start_cm < forward_severe_cm"}},
		{"forward_start_cm=9", nil, []string{"forward_start_cm < forward_severe_cm"}},
		{"roll_severe_deg=5", nil, []string{"roll_start_deg < roll_severe_deg"}},
		{"side_neck_severe_deg=60", nil, []string{"side_neck_start_deg > side_neck_severe_deg"}},
		{"camera_hfov_deg=170", nil, []string{"below 170"}},
	}
	for _, tc := range tests {
		c := NewClassifier(Front, nil)
		err := c.Set(tc.assignment)
		if tc.wantErr == nil {
			if err != nil || !tc.check(c) {
				t.Errorf("Set(%q) = %v; thresholds %+v camera %+v", tc.assignment, err, c.Thresholds, c.Camera)
			}
			continue
		}
		if err == nil {
			t.Errorf("Set(%q): no error", tc.assignment)
			continue
		}
		for _, w := range tc.wantErr {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Set(%q) = %q, want it to mention %q", tc.assignment, err, w)
			}
		}
	}
}

func TestSetChangesClassification(t *testing.T) {
	c := NewClassifier(Side, nil)
	ft := SideFeatures{Person: true, Usable: true, Facing: 1, NeckAngleDeg: 58}
	if v := c.ClassifySide(ft); v.State != Upright {
		t.Fatalf("58° with defaults: %s, want upright", v.State)
	}
	if err := c.Set("side_neck_start_deg=60"); err != nil {
		t.Fatal(err)
	}
	if v := c.ClassifySide(ft); v.State != ForwardHead {
		t.Errorf("58° with side_neck_start_deg=60: %s, want forward_head", v.State)
	}
}

func TestSettingsNamesUnique(t *testing.T) {
	c := NewClassifier(Front, nil)
	seen := map[string]bool{}
	for _, s := range c.Settings() {
		if seen[s.Name] || s.Doc == "" || s.Value == nil {
			t.Errorf("setting %+v duplicated or undocumented", s)
		}
		seen[s.Name] = true
		if *s.Value < 0 {
			t.Errorf("default %s = %v", s.Name, *s.Value)
		}
	}
	// Every default must pass validation.
	if err := c.validate(); err != nil {
		t.Errorf("defaults do not validate: %v", err)
	}
}

func TestSetRejectsNonFiniteAndKeepsOldValue(t *testing.T) {
	c := NewClassifier(Front, nil)
	for _, in := range []string{"forward_start_cm=NaN", "forward_severe_cm=Inf", "camera_hfov_deg=nan", "forward_start_cm=-1"} {
		before := c.Thresholds
		if err := c.Set(in); err == nil {
			t.Errorf("Set(%q) accepted", in)
		}
		if c.Thresholds != before {
			t.Errorf("Set(%q) changed the thresholds although it failed", in)
		}
	}
	if err := c.Set("forward_start_cm=9"); err == nil {
		t.Fatal("start beyond severe accepted")
	}
	if c.Thresholds.ForwardStartCM != DefaultThresholds().ForwardStartCM {
		t.Fatalf("rejected value kept: %v", c.Thresholds.ForwardStartCM)
	}
}

// v1Baseline is a calibration file as neckwatch wrote it before format 2:
// pixel figures that cannot be converted.
const v1Baseline = `{
  "version": 1,
  "view": "front",
  "profile": "default",
  "created_at": "2024-03-02T09:15:00Z",
  "frames": 48,
  "rejected_frames": 2,
  "source": "camera 0",
  "frame_width": 1280,
  "frame_height": 720,
  "eye_distance_px": 126.4,
  "eye_mid_y_px": 301.2,
  "eye_mid_x_px": 640.8,
  "head_distance_cm": 45.5,
  "pitch_deg": 1.8,
  "roll_deg": -0.6,
  "shoulders": true,
  "shoulder_width_px": 561.9,
  "shoulder_mid_y_px": 694.3,
  "shoulder_mid_x_px": 636.1,
  "face_scale": 0.225,
  "eye_height": 0.7,
  "lateral_offset": 0.008
}
`

func TestUnmarshalBaselineRefusesVersion1(t *testing.T) {
	_, err := UnmarshalBaseline([]byte(v1Baseline))
	if err == nil {
		t.Fatal("a version 1 (pixel) calibration was accepted")
	}
	for _, w := range []string{"neckwatch calibrate", "format 1", "cannot be converted"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not mention %q", err, w)
		}
	}
	// Validate says the same of a version 1 baseline in memory.
	b := Baseline{Version: 1, View: Front, FaceWidth: 0.1, HeadDistCM: 45, FrameW: 640, FrameH: 480}
	if err := b.Validate(); err == nil || !strings.Contains(err.Error(), "neckwatch calibrate") {
		t.Errorf("Validate(version 1) = %v, want an error naming `neckwatch calibrate`", err)
	}
}

func TestNewBaselineCameraPlacement(t *testing.T) {
	at := func(yaw, pitch float64) []FrontFeatures {
		var fs []FrontFeatures
		for i := 0; i < 3; i++ {
			f := uprightFeatures(63, 0.225, 0.7)
			f.YawDeg, f.PitchDeg = yaw, pitch
			fs = append(fs, f)
		}
		return fs
	}
	tests := []struct {
		name       string
		yaw, pitch float64
		ok         bool
	}{
		{"centred", 0, 2, true},
		{"35° to the right", 35, 2, true},
		{"35° to the left", -35, 2, true},
		{"at the 45° limit", MaxCalibrationYawDeg, 2, true},
		{"camera below eye level", 0, populationPitchDeg + 30, true},
		{"60° to the right", 60, 2, false},
		{"60° to the left", -60, 2, false},
		{"camera far below", 0, populationPitchDeg + MaxCalibrationPitchDeg + 5, false},
		{"camera far above", 0, populationPitchDeg - MaxCalibrationPitchDeg - 5, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := NewBaseline(at(tc.yaw, tc.pitch))
			if !tc.ok {
				if !errors.Is(err, ErrCameraPlacement) || errors.Is(err, ErrTooFewFrames) {
					t.Fatalf("err = %v, want ErrCameraPlacement (not ErrTooFewFrames)", err)
				}
				// The message says how to place the camera.
				for _, w := range []string{"place the camera", "45°"} {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not mention %q", err, w)
					}
				}
				if b.Rejected != 3 {
					t.Errorf("Rejected = %d, want 3", b.Rejected)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewBaseline: %v", err)
			}
			if b.Frames != 3 || b.Rejected != 0 || b.YawDeg != tc.yaw || b.PitchDeg != tc.pitch {
				t.Errorf("Frames %d Rejected %d YawDeg %v PitchDeg %v, want 3 0 %v %v", b.Frames, b.Rejected, b.YawDeg, b.PitchDeg, tc.yaw, tc.pitch)
			}
			if err := b.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
			// The calibrated pose is the camera's view of the upright head.
			p, y, r := b.Pose().Angles()
			if !approx(p, tc.pitch, 1e-9) || !approx(y, tc.yaw, 1e-9) || !approx(r, b.RollDeg, 1e-9) {
				t.Errorf("Pose().Angles() = %v, %v, %v, want %v, %v, %v", p, y, r, tc.pitch, tc.yaw, b.RollDeg)
			}
		})
	}
	// Without any confident face the error stays ErrTooFewFrames.
	if _, err := NewBaseline([]FrontFeatures{{FrameW: 640, FrameH: 480}}); !errors.Is(err, ErrTooFewFrames) || errors.Is(err, ErrCameraPlacement) {
		t.Errorf("no face: err = %v, want ErrTooFewFrames", err)
	}
}

func TestNewBaselineMesh(t *testing.T) {
	noMesh := uprightFeatures(63, 0.225, 0.7)
	meshNoShoulders := meshFeatures(63, 0, 0, 0)
	meshNoShoulders.Shoulders, meshNoShoulders.ShoulderWidth = false, 0
	tests := []struct {
		name     string
		frames   []FrontFeatures
		wantMesh bool
		chin     float64
	}{
		{"all mesh", []FrontFeatures{meshFeatures(63, 0.225, 0.7, 1.4), meshFeatures(63, 0.225, 0.7, 1.6), meshFeatures(63, 0.225, 0.7, 1.5)}, true, 1.5},
		{"mesh majority: chin from mesh frames only", []FrontFeatures{meshFeatures(63, 0.225, 0.7, 1.4), meshFeatures(63, 0.225, 0.7, 1.6), noMesh}, true, 1.5},
		{"chin needs the shoulders", []FrontFeatures{meshFeatures(63, 0.225, 0.7, 1.4), meshNoShoulders, meshFeatures(63, 0.225, 0.7, 1.6)}, true, 1.5},
		{"mesh minority: no chin", []FrontFeatures{meshFeatures(63, 0.225, 0.7, 1.4), noMesh, noMesh}, false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := NewBaseline(tc.frames)
			if err != nil {
				t.Fatal(err)
			}
			if b.Mesh != tc.wantMesh || !approx(b.ChinHeight, tc.chin, 1e-12) {
				t.Errorf("Mesh %v ChinHeight %v, want %v %v", b.Mesh, b.ChinHeight, tc.wantMesh, tc.chin)
			}
		})
	}
}

// A face whose mesh was fitted but refused (a profile, a covered face) is
// no calibration frame, whatever its five points say.
func TestNewBaselineRefusesRefusedMesh(t *testing.T) {
	refused := uprightFeatures(63, 0.225, 0.7)
	refused.MeshRefused = true
	if _, err := NewBaseline([]FrontFeatures{refused, refused}); !errors.Is(err, ErrTooFewFrames) {
		t.Fatalf("err = %v, want ErrTooFewFrames", err)
	}
	b, err := NewBaseline([]FrontFeatures{refused, uprightFeatures(63, 0.225, 0.7)})
	if err != nil || b.Frames != 1 || b.Rejected != 1 {
		t.Fatalf("one refused, one good: frames %d rejected %d, %v", b.Frames, b.Rejected, err)
	}
}

// The spread is the robust spread of each deviation over the calibration
// frames, in the deviation's unit: one outlier frame does not move it.
func TestNewBaselineSpread(t *testing.T) {
	cam := DefaultCameraModel()
	var frames []FrontFeatures
	// Five frames whose heads are tilted -2, -1, 0, 1, 2° and a glance of 25°.
	for _, roll := range []float64{-2, -1, 0, 1, 2, 25} {
		fr := frontFrame(frontalFace(320, 200, testIED), uprightBody())
		r := roll * math.Pi / 180
		f := &fr.Faces[0] // five points, no mesh
		rot := func(p landmark.Point) landmark.Point {
			d := p.Sub(landmark.Point{X: 320, Y: 200})
			return landmark.Point{X: 320 + d.X*math.Cos(r) - d.Y*math.Sin(r), Y: 200 + d.X*math.Sin(r) + d.Y*math.Cos(r)}
		}
		f.LeftEye, f.RightEye, f.Nose, f.LeftMouth, f.RightMouth = rot(f.LeftEye), rot(f.RightEye), rot(f.Nose), rot(f.LeftMouth), rot(f.RightMouth)
		frames = append(frames, MeasureFront(fr, cam))
	}
	b, err := NewBaseline(frames)
	if err != nil {
		t.Fatal(err)
	}
	// Deviations about -1.5..2 around the median 0.5: MAD 1.5 x 1.4826.
	if b.Spread.RollDeg < 1.5 || b.Spread.RollDeg > 3 {
		t.Errorf("roll spread %.2f°, want about 2.2° (the glance left out)", b.Spread.RollDeg)
	}
	if b.Spread.ForwardCM > 0.5 || b.Spread.PitchDeg > 1 {
		t.Errorf("forward spread %.2f cm, pitch %.2f°: want near 0 for a still head", b.Spread.ForwardCM, b.Spread.PitchDeg)
	}
	// A calibration of one frame keeps none.
	one, err := NewBaseline(frames[:1])
	if err != nil || one.Spread != (FrontSpread{}) {
		t.Errorf("one frame: spread %+v, %v; want none", one.Spread, err)
	}
}
