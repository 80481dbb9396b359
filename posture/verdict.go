package posture

import "fmt"

// State is the per-frame posture classification.
type State string

// The six per-frame states. The string values are part of the JSON contract
// of `neckwatch check --json`.
const (
	Upright     State = "upright"
	ForwardHead State = "forward_head"
	Slouch      State = "slouch"
	Lean        State = "lean"
	Away        State = "away"      // nobody in front of the camera
	Uncertain   State = "uncertain" // someone there, not enough evidence
)

// States lists every State in a stable order.
var States = []State{Upright, ForwardHead, Slouch, Lean, Away, Uncertain}

// ParseState returns the State named s.
func ParseState(s string) (State, error) {
	for _, st := range States {
		if string(st) == s {
			return st, nil
		}
	}
	return "", fmt.Errorf("unknown posture state %q", s)
}

// Bad reports whether s is a posture the user should be told about.
func (s State) Bad() bool { return s == ForwardHead || s == Slouch || s == Lean }

// Present reports whether someone is in front of the camera.
func (s State) Present() bool { return s != Away }

// Verdict is the posture judgement for one frame. Pointer fields are nil
// when the quantity could not be estimated from this frame.
type Verdict struct {
	State    State
	Severity float64 // 0 (upright) .. 1 (severe)
	// Score orders frames by how close they are to bad, continuously: the
	// combined evidence over the decision limit, minus 1 (or, with the
	// user's tired posture, the share of the way there over the fraction
	// that is flagged, minus 1, when that is higher). So −1 for a frame
	// exactly at the user's upright, below 0 within the limit, 0 at the
	// decision, 2 at severe evidence. Severity is 0 for every upright
	// frame; Score still ranks them.
	Score float64
	// View is the camera placement the frame was judged in.
	View View

	Person     bool // a face or a confident body was found
	Shoulders  bool // both shoulders were seen and plausible
	Calibrated bool // judged against the user's baseline, not population defaults

	NeckAngleDeg *float64 // craniovertebral-angle proxy; larger is more upright
	ForwardCM    *float64 // estimated forward head displacement (front view)

	// The desk set-up as the camera sees it (front view, whenever a face
	// was measured; nil in the side view and without a face). Unlike the
	// posture figures above these are absolute, against the camera, not
	// against the calibration: a calibration made at a laptop that sits
	// too low takes the low screen as "upright", and these figures are
	// what shows it (package insights turns a week of them into advice).
	//
	// HeadPitchDeg is the head's pitch against the camera's line of sight,
	// looking down (chin towards the chest) positive, 0 for a face square
	// to the camera: the face mesh's forehead-to-chin pitch less the ~10°
	// it reads on a level face (the population figure; one face's shape
	// moves it by a few degrees). With the camera on the top edge of an
	// upright screen, about level with the eyes, it is the head's pitch
	// below the horizontal.
	HeadPitchDeg *float64
	// DistanceCM is the distance from the camera to the eyes, pinhole
	// model: the face's size against 6.3 cm between the eyes and the
	// camera model's field of view (70° unless set).
	DistanceCM *float64
	// HeadYawDeg is the head turned against the camera, to the subject's
	// left positive (to the right negative).
	HeadYawDeg *float64

	// Reasons names the evidence behind a non-upright state, for humans.
	Reasons []string

	// dev holds the front view's raw deviations from the baseline, for
	// the calibration's spread (NewBaseline).
	dev deviations
}

// devKind names one front-view deviation from the baseline.
type devKind int

// The deviations, signed: forward (cm), drop (face sizes), pitch and roll
// (degrees), lateral offset (shoulder widths).
const (
	devForward devKind = iota
	devDrop
	devPitch
	devRoll
	devLateral
	numDevs
)

// deviations are a front frame's changes against the baseline, by kind;
// has says which could be measured. Plain values: the classifier fills
// them on every frame without allocating.
type deviations struct {
	v   [numDevs]float64
	has [numDevs]bool
}

func (d *deviations) set(k devKind, x float64) { d.v[k], d.has[k] = x, true }
