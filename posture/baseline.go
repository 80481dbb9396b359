package posture

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/neckwatch/neckwatch/landmark"
	"math"
	"time"

	"github.com/neckwatch/neckwatch/internal/stats"
)

// BaselineVersion is the current version of the stored baseline format.
// Version 2 stores every front-view figure in units that do not depend on
// the frame's pixel size (frame widths, ratios, angles) and the face
// measured with the face mesh; version 1 stored pixels and cannot be
// converted (its face size was a different measure), so it must be redone.
const BaselineVersion = 2

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

	// The frame size at calibration. Only its shape matters: another
	// resolution of the same camera is judged correctly, another aspect
	// ratio means another field of view (or camera) and a recalibration.
	FrameW int `json:"frame_width"`
	FrameH int `json:"frame_height"`

	// Front view: medians over the calibration frames, in FrontFeatures'
	// units (positions and lengths in frame widths).
	Mesh          bool    `json:"mesh,omitempty"` // measured with the face mesh
	HeadDistCM    float64 `json:"head_distance_cm,omitempty"`
	FaceWidth     float64 `json:"face_width,omitempty"`
	EyeMidX       float64 `json:"eye_mid_x,omitempty"`
	EyeMidY       float64 `json:"eye_mid_y,omitempty"`
	PitchDeg      float64 `json:"pitch_deg"`
	YawDeg        float64 `json:"yaw_deg"`
	RollDeg       float64 `json:"roll_deg"`
	Shoulders     bool    `json:"shoulders"` // shoulders were visible at calibration
	ShoulderWidth float64 `json:"shoulder_width,omitempty"`
	ShoulderMidX  float64 `json:"shoulder_mid_x,omitempty"`
	ShoulderMidY  float64 `json:"shoulder_mid_y,omitempty"`
	FaceScale     float64 `json:"face_scale,omitempty"`
	EyeHeight     float64 `json:"eye_height,omitempty"`
	ChinHeight    float64 `json:"chin_height,omitempty"`
	LateralOffset float64 `json:"lateral_offset"`
	// Spread is how much the user's own posture measures varied while
	// they sat upright: each limit is widened to a few of these when that
	// is larger (Thresholds.SpreadK). Zero in a calibration made before
	// it was kept, or from one frame: the physical limits alone apply.
	Spread FrontSpread `json:"spread"`
	// Tired is the user's own tired posture from the optional second
	// calibration step (Frames 0 when it was not taken): its direction
	// and size set their operating point (TiredFraction).
	Tired TiredPosture `json:"tired"`

	// Side view.
	NeckAngleDeg    float64 `json:"neck_angle_deg,omitempty"`
	TorsoForwardDeg float64 `json:"torso_forward_deg,omitempty"`
	HeadFlexionDeg  float64 `json:"head_flexion_deg,omitempty"`
}

// FrontSpread is the robust spread (1.4826 times the median absolute
// deviation, the standard deviation of normal data) of each front-view
// deviation over the calibration frames, in the deviation's own unit.
type FrontSpread struct {
	ForwardCM float64 `json:"forward_cm"`
	Drop      float64 `json:"drop"` // face sizes (eye distances)
	PitchDeg  float64 `json:"pitch_deg"`
	RollDeg   float64 `json:"roll_deg"`
	Lateral   float64 `json:"lateral"` // shoulder widths
}

// TiredPosture is the median deviation from the user's upright over the frames
// of their own tired posture, in the deviations' units.
type TiredPosture struct {
	Frames    int     `json:"frames"`
	ForwardCM float64 `json:"forward_cm"`
	Drop      float64 `json:"drop"` // face sizes (eye distances)
	PitchDeg  float64 `json:"pitch_deg"`
	RollDeg   float64 `json:"roll_deg"`
	Lateral   float64 `json:"lateral"` // shoulder widths
}

func (s TiredPosture) deviations() deviations {
	return deviations{v: [numDevs]float64{s.ForwardCM, s.Drop, s.PitchDeg, s.RollDeg, s.Lateral}, has: [numDevs]bool{true, true, true, true, true}}
}

// frameDeviations judges frames against b and lists each deviation's
// finite values by kind; n counts the frames judged (a face whose pose
// could be compared: not turned away, nor of another camera's shape).
func frameDeviations(b Baseline, frames []FrontFeatures) (vals [numDevs][]float64, n int) {
	cls := NewClassifier(Front, &b)
	for _, f := range frames {
		d := cls.ClassifyFront(f).dev
		if !d.has[devPitch] {
			continue
		}
		n++
		for k, x := range d.v {
			if d.has[k] && finite(x) {
				vals[k] = append(vals[k], x)
			}
		}
	}
	return vals, n
}

// ErrTiredTooClose is returned by AddTiredPosture when the tired posture was
// measured within the limits of the user's upright: it would set an
// operating point inside their own upright's noise.
var ErrTiredTooClose = errors.New("tired posture too close to upright")

// MinTiredFrames is the fewest usable frames a tired posture is taken from.
const MinTiredFrames = 3

// AddTiredFrames is AddTiredPosture over the landmarks of frames, measured
// with cam as BuildBaseline measures the upright ones.
func (b *Baseline) AddTiredFrames(frames []landmark.Frame, cam CameraModel) error {
	feats := make([]FrontFeatures, len(frames))
	for i := range frames {
		feats[i] = MeasureFront(&frames[i], cam)
	}
	return b.AddTiredPosture(feats)
}

// AddTiredPosture measures the optional second calibration step: frames of the
// user sitting the way they do when tired (or with the chin poked
// forward), judged against b's upright. It keeps the median deviation and
// refuses one that lies within the physical limits' combined evidence of
// 1 (no feature, nor their combination, past its start): such a step
// would flag the user's own upright jitter.
func (b *Baseline) AddTiredPosture(frames []FrontFeatures) error {
	if b.View != Front {
		return fmt.Errorf("a tired-posture step needs a front-view calibration (this one is %s)", b.View)
	}
	base := *b
	base.Tired = TiredPosture{}
	var confident []FrontFeatures
	for _, f := range frames {
		if f.Face && !f.MeshRefused && f.FaceScore >= 0.7 && f.EyeDistPx > 0 {
			confident = append(confident, f)
		}
	}
	vals, n := frameDeviations(base, confident)
	if n < MinTiredFrames {
		return fmt.Errorf("%w: %d of %d frames of the tired posture had a confident face (at least %d needed)", ErrTooFewFrames, n, len(frames), MinTiredFrames)
	}
	s := TiredPosture{Frames: n, ForwardCM: stats.Median(vals[devForward]), Drop: stats.Median(vals[devDrop]),
		PitchDeg: stats.Median(vals[devPitch]), RollDeg: stats.Median(vals[devRoll]), Lateral: stats.Median(vals[devLateral])}
	cls := NewClassifier(Front, &base)
	v := slouchVector(s.deviations(), cls.Thresholds)
	e := 0.0
	for _, x := range v {
		e += x * x
	}
	if math.Sqrt(e) <= 1 {
		return fmt.Errorf("%w: it measured %.1f cm forward, %.0f cm lower and %.0f° down from your upright, within the limits: sit the way you do at the end of a long day (or poke your chin towards the screen), or leave this step out",
			ErrTiredTooClose, s.ForwardCM, s.Drop*cls.Camera.EyeDistanceCM, s.PitchDeg)
	}
	b.Tired = s
	return nil
}
func (b *Baseline) Pose() HeadPose { return poseFromAngles(b.PitchDeg, b.YawDeg, b.RollDeg) }

// Aspect is the calibration frame's width over its height (0 if unknown).
func (b *Baseline) Aspect() float64 {
	if b.FrameH <= 0 {
		return 0
	}
	return float64(b.FrameW) / float64(b.FrameH)
}

// PopulationBaseline is the reference used when the user has not
// calibrated: figures typical of an upright adult in front of a webcam,
// measured with the face mesh on several different people. The classifier
// widens its thresholds when judging against it.
func PopulationBaseline() Baseline {
	return Baseline{
		Version:    BaselineVersion,
		View:       Front,
		Mesh:       true,
		FaceScale:  populationFaceScale,
		EyeHeight:  populationEyeHeight * populationFaceScale, // in shoulder widths, as Baseline stores it
		ChinHeight: populationChinHeight,
		PitchDeg:   populationPitchDeg,
	}
}

// ErrTooFewFrames is returned by NewBaseline when too few frames had a
// confident face to trust a baseline.
var ErrTooFewFrames = errors.New("too few usable frames for a baseline")

// ErrCameraPlacement is returned by NewBaseline when the face was seen but
// the camera looks at it from too far to the side, above or below.
var ErrCameraPlacement = errors.New("camera placement")

// MinBaselineFrames is the fewest usable frames a baseline is built from.
const MinBaselineFrames = 1

// Camera placements a front-view calibration accepts: a webcam up to 45°
// to the side of the screen, or well above or below eye level. Beyond
// that the face's landmarks lose too much precision to judge posture.
const (
	MaxCalibrationYawDeg   = 45
	MaxCalibrationPitchDeg = 40
)

// NewBaseline builds a front-view baseline from the features of frames
// taken while the user sat upright. Frames without a confident face, or
// seen from beyond the accepted camera placement, are counted as
// rejected; medians make it robust to a few bad frames (a blink, a glance).
func NewBaseline(frames []FrontFeatures) (Baseline, error) {
	b := Baseline{Version: BaselineVersion, View: Front, CreatedAt: time.Now().UTC()}
	var usable, placed []FrontFeatures
	for _, f := range frames {
		// A face the mesh was fitted to but could not trust (a profile, a
		// face mostly covered) gets five points from the face detector
		// but is no baseline to judge a frontal face against.
		if !f.Face || f.MeshRefused || f.FaceScore < 0.7 || f.EyeDistPx <= 0 {
			b.Rejected++
			continue
		}
		usable = append(usable, f)
		if math.Abs(f.YawDeg) <= MaxCalibrationYawDeg && math.Abs(f.PitchDeg-populationPitchDeg) <= MaxCalibrationPitchDeg {
			placed = append(placed, f)
		} else {
			b.Rejected++
		}
	}
	if len(placed) < MinBaselineFrames {
		if len(usable) > 0 {
			f := usable[len(usable)/2]
			return b, fmt.Errorf("%w: the camera sees your face turned %.0f° sideways and %.0f° up or down (at most %d° and %d°): place the camera in front of you or at most %d° to the side, near eye level, facing you",
				ErrCameraPlacement, math.Abs(f.YawDeg), math.Abs(f.PitchDeg-populationPitchDeg), MaxCalibrationYawDeg, MaxCalibrationPitchDeg, MaxCalibrationYawDeg)
		}
		return b, fmt.Errorf("%w: %d of %d frames had a confident, clearly visible face", ErrTooFewFrames, len(usable), len(frames))
	}
	usable = placed
	b.Frames = len(usable)
	b.FrameW, b.FrameH = usable[0].FrameW, usable[0].FrameH
	pick := func(get func(FrontFeatures) float64, only func(FrontFeatures) bool) float64 {
		var vs []float64
		for _, f := range usable {
			if only == nil || only(f) {
				vs = append(vs, get(f))
			}
		}
		return stats.Median(vs)
	}
	meshFrames := 0
	for _, f := range usable {
		if f.Mesh {
			meshFrames++
		}
	}
	b.Mesh = 2*meshFrames >= len(usable)
	b.FaceWidth = pick(func(f FrontFeatures) float64 { return f.FaceWidth }, nil)
	b.EyeMidX = pick(func(f FrontFeatures) float64 { return f.EyeMid.X }, nil)
	b.EyeMidY = pick(func(f FrontFeatures) float64 { return f.EyeMid.Y }, nil)
	b.HeadDistCM = pick(func(f FrontFeatures) float64 { return f.HeadDistCM }, nil)
	b.PitchDeg = pick(func(f FrontFeatures) float64 { return f.PitchDeg }, nil)
	b.YawDeg = pick(func(f FrontFeatures) float64 { return f.YawDeg }, nil)
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
		b.ShoulderWidth = pick(func(f FrontFeatures) float64 { return f.ShoulderWidth }, withShoulders)
		b.ShoulderMidX = pick(func(f FrontFeatures) float64 { return f.ShoulderMid.X }, withShoulders)
		b.ShoulderMidY = pick(func(f FrontFeatures) float64 { return f.ShoulderMid.Y }, withShoulders)
		b.FaceScale = pick(func(f FrontFeatures) float64 { return f.FaceScale }, withShoulders)
		b.EyeHeight = pick(func(f FrontFeatures) float64 { return f.EyeHeight }, withShoulders)
		b.LateralOffset = pick(func(f FrontFeatures) float64 { return f.LateralOffset }, withShoulders)
		if b.Mesh {
			b.ChinHeight = pick(func(f FrontFeatures) float64 { return f.ChinHeight }, func(f FrontFeatures) bool { return f.Shoulders && f.Mesh })
		}
	}
	b.Spread = frontSpread(b, usable)
	return b, nil
}

// frontSpread judges the calibration frames against the baseline built
// from them and keeps each deviation's robust spread. With one frame there
// is no spread (zero: the physical limits alone).
func frontSpread(b Baseline, frames []FrontFeatures) FrontSpread {
	if len(frames) < 2 {
		return FrontSpread{}
	}
	vals, _ := frameDeviations(b, frames)
	return FrontSpread{
		ForwardCM: stats.RobustSpread(vals[devForward]),
		Drop:      stats.RobustSpread(vals[devDrop]),
		PitchDeg:  stats.RobustSpread(vals[devPitch]),
		RollDeg:   stats.RobustSpread(vals[devRoll]),
		Lateral:   stats.RobustSpread(vals[devLateral]),
	}
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
	b.NeckAngleDeg = stats.Median(neck)
	b.TorsoForwardDeg = stats.Median(torso)
	b.HeadFlexionDeg = stats.Median(flex)
	return b, nil
}

// Validate reports whether b can be used to judge frames.
func (b *Baseline) Validate() error {
	switch {
	case b.Version == 1:
		return fmt.Errorf("this calibration was made by an older neckwatch that measured in pixels (format 1, now %d): it cannot be converted; run `neckwatch calibrate` again", BaselineVersion)
	case b.Version != BaselineVersion:
		return fmt.Errorf("baseline version %d is not supported (want %d): recalibrate", b.Version, BaselineVersion)
	case b.View != Front && b.View != Side:
		return fmt.Errorf("baseline view %q is not front or side: recalibrate", b.View)
	case b.View == Front && (b.FaceWidth <= 0 || b.HeadDistCM <= 0 || b.FrameW <= 0 || b.FrameH <= 0):
		return fmt.Errorf("baseline has no face measurements: recalibrate")
	case b.View == Front && b.Shoulders && (b.ShoulderWidth <= 0 || b.FaceScale <= 0 || b.EyeHeight <= 0):
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

// BuildBaseline measures frames taken while the user sat upright and
// builds the baseline for view; with Auto the view most frames show is
// used (a frontal face: front; a body in profile: side). It is the one
// baseline builder behind calibrate, recalibrate and the tests.
func BuildBaseline(view View, frames []landmark.Frame, cam CameraModel) (Baseline, error) {
	if view != Front && view != Side {
		sides := 0
		for i := range frames {
			if DetectView(&frames[i], cam) == Side {
				sides++
			}
		}
		view = Front
		if 2*sides > len(frames) {
			view = Side
		}
	}
	if view == Side {
		feats := make([]SideFeatures, len(frames))
		for i := range frames {
			feats[i] = MeasureSide(&frames[i])
		}
		return NewSideBaseline(feats)
	}
	feats := make([]FrontFeatures, len(frames))
	for i := range frames {
		feats[i] = MeasureFront(&frames[i], cam)
	}
	return NewBaseline(feats)
}
