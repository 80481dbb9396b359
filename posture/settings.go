package posture

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Setting is one named, overridable number of the classifier.
type Setting struct {
	Name  string
	Doc   string
	Value *float64
}

// Settings lists the classifier's thresholds and camera-model figures by
// name, pointing into c so that Set changes c.
func (c *Classifier) Settings() []Setting {
	t, m := &c.Thresholds, &c.Camera
	return []Setting{
		{"forward_start_cm", "head forward displacement where forward_head starts (front)", &t.ForwardStartCM},
		{"forward_severe_cm", "head forward displacement of severity 1 (front)", &t.ForwardSevereCM},
		{"drop_start", "eyes' drop towards the shoulders, in face sizes (eye distances), where slouch starts (front)", &t.DropStart},
		{"drop_severe", "eye drop in face sizes of severity 1 (front)", &t.DropSevere},
		{"pitch_start_deg", "head flexion beyond baseline where forward_head starts (front)", &t.PitchStartDeg},
		{"pitch_severe_deg", "head flexion of severity 1 (front)", &t.PitchSevereDeg},
		{"lateral_start", "sideways head offset (shoulder widths) where lean starts (front)", &t.LateralStart},
		{"lateral_severe", "sideways head offset of severity 1 (front)", &t.LateralSevere},
		{"roll_start_deg", "sideways head tilt where lean starts (front)", &t.RollStartDeg},
		{"roll_severe_deg", "sideways head tilt of severity 1 (front)", &t.RollSevereDeg},
		{"max_yaw_deg", "head turned further than this is uncertain (front)", &t.MaxYawDeg},
		{"uncalibrated_widen", "factor widening front limits without a calibration", &t.UncalibratedWiden},
		{"uncalibrated_forward_widen", "further factor on the forward limit without a calibration (0: face-to-shoulder size not used uncalibrated)", &t.UncalibratedForwardWiden},
		{"uncalibrated_chin", "factor on the drop limits for the chin's height over the shoulders without a calibration (0: not used)", &t.UncalibratedChin},
		{"evidence", "combined evidence (1 = one feature at its start) where a calibrated front frame is flagged", &t.Evidence},
		{"evidence_uncalibrated", "combined evidence where an uncalibrated front frame is flagged", &t.EvidenceUncalibrated},
		{"side_evidence", "combined evidence where a side-view frame is flagged", &t.SideEvidence},
		{"spread_k", "calibration spreads a feature may move before its limit widens", &t.SpreadK},
		{"side_neck_start_deg", "ear-shoulder angle below which forward_head starts (side)", &t.SideNeckStartDeg},
		{"side_neck_severe_deg", "ear-shoulder angle of severity 1 (side)", &t.SideNeckSevereDeg},
		{"side_torso_start_deg", "forward torso inclination where slouch starts (side)", &t.SideTorsoStartDeg},
		{"side_torso_severe_deg", "forward torso inclination of severity 1 (side)", &t.SideTorsoSevereDeg},
		{"side_flexion_start_deg", "ear-nose line below horizontal where forward_head starts (side)", &t.SideFlexionStartDeg},
		{"side_flexion_severe_deg", "ear-nose flexion of severity 1 (side)", &t.SideFlexionSevereDeg},
		{"camera_hfov_deg", "webcam horizontal field of view for the cm estimate", &m.HFOVDeg},
		{"eye_distance_cm", "assumed distance between the eye centres", &m.EyeDistanceCM},
		{"neck_height_cm", "neck height (C7 to ear) of the neck-angle model", &m.NeckHeightCM},
		{"upright_neck_angle_deg", "neck angle assumed for the upright baseline", &m.UprightNeckAngleDeg},
	}
}

// Set applies an override written as "name=value".
func (c *Classifier) Set(assignment string) error {
	name, val, ok := strings.Cut(assignment, "=")
	if !ok {
		return fmt.Errorf("setting %q: write it as name=value", assignment)
	}
	name = strings.TrimSpace(name)
	f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
	if err != nil {
		return fmt.Errorf("setting %s: %q is not a number", name, val)
	}
	var names []string
	for _, s := range c.Settings() {
		if s.Name == name {
			if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || (f == 0 && name != "pitch_start_deg" && name != "uncalibrated_forward_widen" && name != "uncalibrated_chin") {
				return fmt.Errorf("setting %s: must be positive (a finite number), got %v", name, val)
			}
			old := *s.Value
			*s.Value = f
			if err := c.validate(); err != nil {
				*s.Value = old // a rejected setting leaves the classifier as it was
				return err
			}
			return nil
		}
		names = append(names, s.Name)
	}
	sort.Strings(names)
	return fmt.Errorf("unknown setting %q (known: %s)", name, strings.Join(names, ", "))
}

// validate checks that every start lies before its severe point.
func (c *Classifier) validate() error {
	t := c.Thresholds
	pairs := []struct {
		name          string
		start, severe float64
		decreasing    bool
	}{
		{"forward_start_cm < forward_severe_cm", t.ForwardStartCM, t.ForwardSevereCM, false},
		{"drop_start < drop_severe", t.DropStart, t.DropSevere, false},
		{"pitch_start_deg < pitch_severe_deg", t.PitchStartDeg, t.PitchSevereDeg, false},
		{"lateral_start < lateral_severe", t.LateralStart, t.LateralSevere, false},
		{"roll_start_deg < roll_severe_deg", t.RollStartDeg, t.RollSevereDeg, false},
		{"side_neck_start_deg > side_neck_severe_deg", t.SideNeckStartDeg, t.SideNeckSevereDeg, true},
		{"side_torso_start_deg < side_torso_severe_deg", t.SideTorsoStartDeg, t.SideTorsoSevereDeg, false},
		{"side_flexion_start_deg < side_flexion_severe_deg", t.SideFlexionStartDeg, t.SideFlexionSevereDeg, false},
	}
	for _, p := range pairs {
		if (!p.decreasing && p.start >= p.severe) || (p.decreasing && p.start <= p.severe) {
			return fmt.Errorf("settings must keep %s (now %v and %v)", p.name, p.start, p.severe)
		}
	}
	if c.Camera.HFOVDeg >= 170 {
		return fmt.Errorf("setting camera_hfov_deg: must be below 170")
	}
	return nil
}
