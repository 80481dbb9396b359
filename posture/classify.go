package posture

import (
	"fmt"
	"math"

	"github.com/neckwatch/neckwatch/vision/landmark"
)

// Thresholds are the named limits the classifier judges by. Each pair is a
// start (beyond it the posture is no longer upright, severity 0) and a
// severe point (severity 1); severity is linear in between. Front-view
// limits are changes against the baseline.
type Thresholds struct {
	// Head forward displacement against the baseline, centimetres.
	ForwardStartCM, ForwardSevereCM float64
	// Eyes dropping towards the shoulder line, as a fraction of their
	// upright height (0.15 = eyes 15% closer to the shoulders): slouching.
	DropStart, DropSevere float64
	// Head flexion (chin down) beyond the baseline, degrees.
	PitchStartDeg, PitchSevereDeg float64
	// Head shifted sideways over the shoulder midpoint, in shoulder widths.
	LateralStart, LateralSevere float64
	// Head tilted sideways beyond the baseline, degrees.
	RollStartDeg, RollSevereDeg float64
	// MaxYawDeg: a head turned further than this (looking at a second
	// screen, talking to someone) gives unreliable landmarks: uncertain.
	MaxYawDeg float64
	// UncalibratedWiden multiplies the front-view limits when judging
	// against population figures instead of the user's own baseline:
	// people differ, so without calibration only clear cases are flagged.
	UncalibratedWiden float64

	// Side view: ear-shoulder angle above horizontal, degrees (smaller is
	// worse). About 50 deg is the common "neck inclination over 40 deg" rule.
	SideNeckStartDeg, SideNeckSevereDeg float64
	// Side view: shoulders ahead of the hips, degrees from vertical.
	SideTorsoStartDeg, SideTorsoSevereDeg float64
	// Side view: ear-to-nose line below horizontal, degrees (looking down).
	SideFlexionStartDeg, SideFlexionSevereDeg float64
}

// DefaultThresholds returns the documented defaults.
func DefaultThresholds() Thresholds {
	return Thresholds{
		ForwardStartCM: 2.5, ForwardSevereCM: 8,
		DropStart: 0.15, DropSevere: 0.45,
		PitchStartDeg: 15, PitchSevereDeg: 40,
		LateralStart: 0.15, LateralSevere: 0.4,
		RollStartDeg: 12, RollSevereDeg: 30,
		MaxYawDeg:         40,
		UncalibratedWiden: 1.6,
		SideNeckStartDeg:  55, SideNeckSevereDeg: 30,
		SideTorsoStartDeg: 12, SideTorsoSevereDeg: 35,
		SideFlexionStartDeg: 15, SideFlexionSevereDeg: 45,
	}
}

// widened returns t with the front-view limits scaled by k.
func (t Thresholds) widened(k float64) Thresholds {
	t.ForwardStartCM *= k
	t.ForwardSevereCM *= k
	t.DropStart *= k
	t.DropSevere = math.Min(t.DropSevere*k, 0.9)
	t.PitchStartDeg *= k
	t.PitchSevereDeg *= k
	t.LateralStart *= k
	t.LateralSevere *= k
	t.RollStartDeg *= k
	t.RollSevereDeg *= k
	return t
}

// shoulderJitter is the relative change of the shoulder width below which
// it is taken as keypoint noise rather than the torso moving.
const shoulderJitter = 0.05

// Classifier judges frames. The zero value is not useful: use NewClassifier.
type Classifier struct {
	View       View
	Camera     CameraModel
	Thresholds Thresholds
	// Baseline is the user's calibrated upright posture, or nil to judge
	// against population figures (front view) or absolute angles (side).
	Baseline *Baseline
}

// NewClassifier returns a classifier with default camera model and
// thresholds. baseline may be nil.
func NewClassifier(view View, baseline *Baseline) *Classifier {
	return &Classifier{View: view, Camera: DefaultCameraModel(), Thresholds: DefaultThresholds(), Baseline: baseline}
}

// Classify measures and judges one frame's landmarks.
func (c *Classifier) Classify(fr *landmark.Frame) Verdict {
	if c.View == Side {
		return c.ClassifySide(MeasureSide(fr))
	}
	return c.ClassifyFront(MeasureFront(fr, c.Camera))
}

// component is one piece of evidence against upright.
type component struct {
	state  State
	value  float64 // 0..1 beyond the start, 0 when within limits
	over   bool    // past the start threshold
	reason string
}

func ramp(x, start, severe float64) (float64, bool) {
	if x <= start {
		return 0, false
	}
	if severe <= start {
		return 1, true
	}
	return clamp((x-start)/(severe-start), 0, 1), true
}

// judge turns components into a state and a severity. The state is the
// worst component's. The severity combines every component past its start
// as independent evidence, 1 - (1-a)(1-b)...: a head that is both forward
// and dropped loads the neck more than either alone, and the severity does
// not jump down when the worst component hands over to another.
func judge(v *Verdict, cs []component) {
	best := -1
	keep := 1.0
	for i, c := range cs {
		if !c.over {
			continue
		}
		v.Reasons = append(v.Reasons, c.reason)
		keep *= 1 - c.value
		if best < 0 || c.value > cs[best].value {
			best = i
		}
	}
	if best < 0 {
		v.State, v.Severity = Upright, 0
		return
	}
	v.State, v.Severity = cs[best].state, 1-keep
}

func ptr(v float64) *float64 { return &v }

// ClassifyFront judges front-view features against the baseline (or the
// population baseline when none is set).
func (c *Classifier) ClassifyFront(ft FrontFeatures) Verdict {
	var v Verdict
	b := PopulationBaseline()
	th := c.Thresholds
	if c.Baseline != nil && c.Baseline.View == Front {
		b = *c.Baseline
		v.Calibrated = true
	} else {
		th = th.widened(th.UncalibratedWiden)
	}
	if !ft.Face {
		if ft.BodyOnly {
			v.Person, v.State = true, Uncertain
			v.Reasons = []string{"no face visible (turned away?)"}
			return v
		}
		v.State = Away
		return v
	}
	v.Person = true
	v.Shoulders = ft.Shoulders
	if math.Abs(ft.YawDeg) > th.MaxYawDeg {
		v.State = Uncertain
		v.Reasons = []string{fmt.Sprintf("head turned %.0f° to the side", ft.YawDeg)}
		return v
	}

	var forward, height *float64
	switch {
	case ft.Shoulders && b.FaceScale > 0:
		// Head distance x (relative face scale - 1) is how much closer the
		// head is than the shoulders, beyond the upright offset.
		scale := ft.FaceScale
		if v.Calibrated && b.ShoulderWidthPx > 0 && math.Abs(ft.ShoulderWidthPx/b.ShoulderWidthPx-1) < shoulderJitter {
			// The shoulder keypoints jitter by a few percent from frame to
			// frame while the torso rarely moves relative to a fixed
			// webcam: a change that small is jitter, so the calibrated
			// width stands.
			scale = ft.EyeDistPx / b.ShoulderWidthPx
		}
		forward = ptr(ft.HeadDistCM * (scale/b.FaceScale - 1))
	case v.Calibrated && b.HeadDistCM > 0:
		// Shoulders out of frame: the head came closer, the torso is
		// assumed to have stayed where it was at calibration.
		forward = ptr(b.HeadDistCM - ft.HeadDistCM)
	}
	switch {
	case ft.Shoulders && b.EyeHeight > 0:
		height = ptr(ft.EyeHeight / b.EyeHeight)
	case v.Calibrated && b.Shoulders:
		// Measure the eyes against where the shoulder line was at calibration.
		height = ptr((b.ShoulderMidY - ft.EyeMid.Y) / b.ShoulderWidthPx / b.EyeHeight)
	}
	if forward != nil || height != nil {
		f, h := 0.0, 1.0
		if forward != nil {
			f = *forward
		}
		// Without calibration the eyes' height over the shoulders says as
		// much about where the camera sits as about the neck: leave it out.
		if height != nil && v.Calibrated {
			h = *height
		}
		v.NeckAngleDeg = ptr(c.Camera.NeckAngle(f, h))
	}
	v.ForwardCM = forward

	var cs []component
	if forward != nil {
		val, over := ramp(*forward, th.ForwardStartCM, th.ForwardSevereCM)
		cs = append(cs, component{ForwardHead, val, over, fmt.Sprintf("head about %.1f cm forward", *forward)})
	}
	if height != nil {
		drop := 1 - *height
		val, over := ramp(drop, th.DropStart, th.DropSevere)
		cs = append(cs, component{Slouch, val, over, fmt.Sprintf("eyes %.0f%% lower over the shoulders", 100*drop)})
	}
	pitch := ft.PitchDeg - b.PitchDeg
	val, over := ramp(pitch, th.PitchStartDeg, th.PitchSevereDeg)
	cs = append(cs, component{ForwardHead, val, over, fmt.Sprintf("head tilted %.0f° down", pitch)})
	roll := math.Abs(ft.RollDeg - b.RollDeg)
	val, over = ramp(roll, th.RollStartDeg, th.RollSevereDeg)
	cs = append(cs, component{Lean, val, over, fmt.Sprintf("head tilted %.0f° sideways", roll)})
	if ft.Shoulders {
		lat := math.Abs(ft.LateralOffset - b.LateralOffset)
		val, over = ramp(lat, th.LateralStart, th.LateralSevere)
		cs = append(cs, component{Lean, val, over, fmt.Sprintf("head %.0f%% of a shoulder width off centre", 100*lat)})
	}
	judge(&v, cs)
	if v.State == Upright && !ft.Shoulders && !v.Calibrated {
		// Face alone against population figures cannot tell upright from
		// a dropped head: say so rather than guess.
		v.State = Uncertain
		v.Reasons = []string{"shoulders not visible and no calibration"}
	}
	return v
}

// ClassifySide judges side-view features by absolute angles.
func (c *Classifier) ClassifySide(ft SideFeatures) Verdict {
	var v Verdict
	v.Calibrated = c.Baseline != nil && c.Baseline.View == Side
	if !ft.Usable {
		if ft.Person {
			v.Person, v.State = true, Uncertain
			v.Reasons = []string{"ear or shoulder not visible"}
			return v
		}
		v.State = Away
		return v
	}
	v.Person, v.Shoulders = true, true
	v.NeckAngleDeg = ptr(ft.NeckAngleDeg)
	th := c.Thresholds
	var cs []component
	val, over := ramp(th.SideNeckStartDeg-ft.NeckAngleDeg, 0, th.SideNeckStartDeg-th.SideNeckSevereDeg)
	cs = append(cs, component{ForwardHead, val, over, fmt.Sprintf("ear-shoulder angle %.0f°", ft.NeckAngleDeg)})
	if ft.Hips {
		val, over = ramp(ft.TorsoForwardDeg, th.SideTorsoStartDeg, th.SideTorsoSevereDeg)
		cs = append(cs, component{Slouch, val, over, fmt.Sprintf("torso %.0f° forward", ft.TorsoForwardDeg)})
	}
	if ft.NoseSeen {
		val, over = ramp(ft.HeadFlexionDeg, th.SideFlexionStartDeg, th.SideFlexionSevereDeg)
		cs = append(cs, component{ForwardHead, val, over, fmt.Sprintf("head tilted %.0f° down", ft.HeadFlexionDeg)})
	}
	judge(&v, cs)
	return v
}
