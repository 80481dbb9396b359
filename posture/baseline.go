package posture

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"
)

// BaselineVersion is the current version of the stored baseline format.
const BaselineVersion = 1

// Baseline is the user's own upright posture, measured at calibration, that
// front-view frames are judged against. Every desk, chair and face differs,
// so relative change is far more telling than any population figure.
type Baseline struct {
	Version   int       `json:"version"`
	View      View      `json:"view"`
	Profile   string    `json:"profile,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	Frames    int       `json:"frames"`           // frames that went into it
	Rejected  int       `json:"rejected_frames"`  // frames without a confident face
	Source    string    `json:"source,omitempty"` // what was sampled

	FrameW int `json:"frame_width"`
	FrameH int `json:"frame_height"`

	// Front view (medians over the calibration frames).
	EyeDistPx       float64 `json:"eye_distance_px,omitempty"`
	EyeMidY         float64 `json:"eye_mid_y_px,omitempty"`
	EyeMidX         float64 `json:"eye_mid_x_px,omitempty"`
	HeadDistCM      float64 `json:"head_distance_cm,omitempty"`
	PitchDeg        float64 `json:"pitch_deg"`
	RollDeg         float64 `json:"roll_deg"`
	Shoulders       bool    `json:"shoulders"` // shoulders were visible at calibration
	ShoulderWidthPx float64 `json:"shoulder_width_px,omitempty"`
	ShoulderMidY    float64 `json:"shoulder_mid_y_px,omitempty"`
	ShoulderMidX    float64 `json:"shoulder_mid_x_px,omitempty"`
	FaceScale       float64 `json:"face_scale,omitempty"`
	EyeHeight       float64 `json:"eye_height,omitempty"`
	LateralOffset   float64 `json:"lateral_offset"`

	// Side view.
	NeckAngleDeg    float64 `json:"neck_angle_deg,omitempty"`
	TorsoForwardDeg float64 `json:"torso_forward_deg,omitempty"`
	HeadFlexionDeg  float64 `json:"head_flexion_deg,omitempty"`
}

// PopulationBaseline is the reference used when the user has not
// calibrated: figures typical of an upright adult in front of a webcam. The
// classifier widens its thresholds when judging against it.
func PopulationBaseline() Baseline {
	return Baseline{
		Version:   BaselineVersion,
		View:      Front,
		FaceScale: 0.225, // eye distance / shoulder-keypoint width, upright at a webcam
		EyeHeight: 0.70,  // eyes above the shoulder line, in shoulder widths
		PitchDeg:  0,
		RollDeg:   0,
	}
}

// ErrTooFewFrames is returned by NewBaseline when too few frames had a
// confident face to trust a baseline.
var ErrTooFewFrames = errors.New("too few usable frames for a baseline")

// MinBaselineFrames is the fewest usable frames a baseline is built from.
const MinBaselineFrames = 1

// NewBaseline builds a front-view baseline from the features of frames
// taken while the user sat upright. Frames without a face are counted as
// rejected; medians make it robust to a few bad frames (a blink, a glance).
func NewBaseline(frames []FrontFeatures) (Baseline, error) {
	b := Baseline{Version: BaselineVersion, View: Front, CreatedAt: time.Now().UTC()}
	var usable []FrontFeatures
	for _, f := range frames {
		if f.Face && f.FaceScore >= 0.7 && math.Abs(f.YawDeg) < 30 {
			usable = append(usable, f)
		} else {
			b.Rejected++
		}
	}
	if len(usable) < MinBaselineFrames {
		return b, fmt.Errorf("%w: %d of %d frames had a confident, roughly frontal face", ErrTooFewFrames, len(usable), len(frames))
	}
	b.Frames = len(usable)
	b.FrameW, b.FrameH = usable[0].FrameW, usable[0].FrameH
	pick := func(get func(FrontFeatures) float64, only func(FrontFeatures) bool) float64 {
		var vs []float64
		for _, f := range usable {
			if only == nil || only(f) {
				vs = append(vs, get(f))
			}
		}
		return median(vs)
	}
	b.EyeDistPx = pick(func(f FrontFeatures) float64 { return f.EyeDistPx }, nil)
	b.EyeMidX = pick(func(f FrontFeatures) float64 { return f.EyeMid.X }, nil)
	b.EyeMidY = pick(func(f FrontFeatures) float64 { return f.EyeMid.Y }, nil)
	b.HeadDistCM = pick(func(f FrontFeatures) float64 { return f.HeadDistCM }, nil)
	b.PitchDeg = pick(func(f FrontFeatures) float64 { return f.PitchDeg }, nil)
	b.RollDeg = pick(func(f FrontFeatures) float64 { return f.RollDeg }, nil)
	withShoulders := func(f FrontFeatures) bool { return f.Shoulders }
	n := 0
	for _, f := range usable {
		if f.Shoulders {
			n++
		}
	}
	// Shoulder figures only count when most frames saw the shoulders.
	if 2*n >= len(usable) {
		b.Shoulders = true
		b.ShoulderWidthPx = pick(func(f FrontFeatures) float64 { return f.ShoulderWidthPx }, withShoulders)
		b.ShoulderMidX = pick(func(f FrontFeatures) float64 { return f.ShoulderMid.X }, withShoulders)
		b.ShoulderMidY = pick(func(f FrontFeatures) float64 { return f.ShoulderMid.Y }, withShoulders)
		b.FaceScale = pick(func(f FrontFeatures) float64 { return f.FaceScale }, withShoulders)
		b.EyeHeight = pick(func(f FrontFeatures) float64 { return f.EyeHeight }, withShoulders)
		b.LateralOffset = pick(func(f FrontFeatures) float64 { return f.LateralOffset }, withShoulders)
	}
	return b, nil
}

// NewSideBaseline builds a side-view baseline from upright frames. The
// side view needs none (its angles are absolute), but a stored one lets
// the classifier note the user's own upright neck angle.
func NewSideBaseline(frames []SideFeatures) (Baseline, error) {
	b := Baseline{Version: BaselineVersion, View: Side, CreatedAt: time.Now().UTC()}
	var neck, torso, flex []float64
	for _, f := range frames {
		if !f.Usable {
			b.Rejected++
			continue
		}
		neck = append(neck, f.NeckAngleDeg)
		if f.Hips {
			torso = append(torso, f.TorsoForwardDeg)
		}
		if f.NoseSeen {
			flex = append(flex, f.HeadFlexionDeg)
		}
	}
	if len(neck) < MinBaselineFrames {
		return b, fmt.Errorf("%w: %d of %d frames showed an ear and a shoulder", ErrTooFewFrames, len(neck), len(frames))
	}
	b.Frames = len(neck)
	b.NeckAngleDeg = median(neck)
	b.TorsoForwardDeg = median(torso)
	b.HeadFlexionDeg = median(flex)
	return b, nil
}

// Validate reports whether b can be used to judge frames.
func (b *Baseline) Validate() error {
	switch {
	case b.Version != BaselineVersion:
		return fmt.Errorf("baseline version %d is not supported (want %d): recalibrate", b.Version, BaselineVersion)
	case b.View != Front && b.View != Side:
		return fmt.Errorf("baseline view %q is not front or side: recalibrate", b.View)
	case b.View == Front && (b.EyeDistPx <= 0 || b.FrameW <= 0):
		return fmt.Errorf("baseline has no face measurements: recalibrate")
	case b.View == Front && b.Shoulders && (b.ShoulderWidthPx <= 0 || b.FaceScale <= 0 || b.EyeHeight <= 0):
		return fmt.Errorf("baseline shoulder measurements are invalid: recalibrate")
	}
	return nil
}

// MarshalBaseline encodes b as indented JSON.
func MarshalBaseline(b Baseline) ([]byte, error) {
	out, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// UnmarshalBaseline decodes and validates a baseline.
func UnmarshalBaseline(data []byte) (Baseline, error) {
	var b Baseline
	if err := json.Unmarshal(data, &b); err != nil {
		return b, fmt.Errorf("not a neckwatch calibration file: %w", err)
	}
	if err := b.Validate(); err != nil {
		return b, err
	}
	return b, nil
}

func median(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	s := append([]float64(nil), vs...)
	sort.Float64s(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}
