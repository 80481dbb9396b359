package calibration

import (
	"cmp"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/neckwatch/neckwatch/posture"
)

// span is a plausible range for one baseline field, by its JSON name.
// absent: 0 means "not measured" (a side-view baseline has no face
// figures, a front one without shoulders no shoulder figures) and passes;
// whether a measure must be there is posture.Baseline.Validate's rule.
type span struct {
	field    string
	min, max float64
	absent   bool
}

// plausible bounds every number a calibration file holds. Lengths and
// positions are in frame widths, angles in degrees (see
// posture.FrontFeatures). The bounds are wide — far beyond any real desk,
// face or camera — and only keep out what no camera could have measured
// (head_distance_cm = 1e308 made every upright frame "1e308 cm forward";
// face_width = 1e308 made every slouch upright). A number field of
// posture.Baseline missing here is refused by TestEveryBaselineFieldHasARange:
// add a line for it.
var plausible = []span{
	{field: "version", min: 1, max: 1000},
	{field: "frames", min: 1, max: 10_000_000},
	{field: "rejected_frames", min: 0, max: 10_000_000},
	{field: "frame_width", min: 16, max: 16384, absent: true},
	{field: "frame_height", min: 16, max: 16384, absent: true},
	{field: "head_distance_cm", min: 10, max: 500, absent: true},
	{field: "face_width", min: 0.002, max: 1, absent: true},
	{field: "eye_mid_x", min: -0.5, max: 1.5},
	{field: "eye_mid_y", min: -0.5, max: 2.5}, // a portrait frame is up to ~2 frame widths high
	{field: "pitch_deg", min: -90, max: 90},
	{field: "yaw_deg", min: -90, max: 90},
	{field: "roll_deg", min: -90, max: 90},
	{field: "shoulder_width", min: 0.01, max: 2, absent: true},
	{field: "shoulder_mid_x", min: -0.5, max: 1.5},
	{field: "shoulder_mid_y", min: -0.5, max: 2.5},
	{field: "face_scale", min: 0.01, max: 2, absent: true},
	{field: "eye_height", min: 0.01, max: 5, absent: true},
	{field: "chin_height", min: -10, max: 20},
	{field: "lateral_offset", min: -5, max: 5},
	// The spread of each deviation over the upright frames (robust
	// standard deviation, in the deviation's unit; zero: none kept).
	{field: "spread.forward_cm", min: 0, max: 30},
	{field: "spread.drop", min: 0, max: 5}, // face sizes
	{field: "spread.pitch_deg", min: 0, max: 90},
	{field: "spread.roll_deg", min: 0, max: 90},
	{field: "spread.lateral", min: 0, max: 2}, // shoulder widths
	// The tired posture: its median deviation from upright (frames 0: not
	// taken).
	{field: "tired.frames", min: 0, max: 10_000_000},
	{field: "tired.forward_cm", min: -50, max: 100},
	{field: "tired.drop", min: -10, max: 10},
	{field: "tired.pitch_deg", min: -90, max: 90},
	{field: "tired.roll_deg", min: -90, max: 90},
	{field: "tired.lateral", min: -5, max: 5},
	{field: "neck_angle_deg", min: 0, max: 180},
	{field: "torso_forward_deg", min: -90, max: 90},
	{field: "head_flexion_deg", min: -90, max: 90},
}

// Calibrations were first made in 2025; one dated after 2200 comes from a
// clock or an editor gone wrong (an absent date is only unknown).
var (
	earliestCalibration = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	latestCalibration   = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

// CheckPlausible refuses a baseline with a number no camera could have
// measured, naming the field: "head_distance_cm = 1e+308 is not plausible
// (10 to 500)". Load applies it to every file read and Create to every
// baseline before it is saved.
func CheckPlausible(b posture.Baseline) error {
	if !b.CreatedAt.IsZero() && (b.CreatedAt.Before(earliestCalibration) || b.CreatedAt.After(latestCalibration)) {
		return fmt.Errorf("created_at = %s is not plausible (%d to %d)", b.CreatedAt.Format(time.RFC3339), earliestCalibration.Year(), latestCalibration.Year())
	}
	spans := map[string]span{}
	for _, s := range plausible {
		spans[s.field] = s
	}
	for _, n := range baselineNumbers(b) {
		s, ok := spans[n.field]
		if !ok || (s.absent && n.v == 0) {
			continue
		}
		if !(n.v >= s.min && n.v <= s.max) { // NaN fails too
			return fmt.Errorf("%s = %s is not plausible (%s to %s)", n.field, num(n.v), num(s.min), num(s.max))
		}
	}
	return nil
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

// number is one number a baseline holds, by its field's JSON name
// (nested: "spread.pitch_deg"; every element of a list or map of numbers
// under the list's or map's name).
type number struct {
	field string
	v     float64
}

// baselineNumbers is every number b holds, so that the table above is the
// whole rule.
func baselineNumbers(b posture.Baseline) []number {
	var out []number
	v := reflect.ValueOf(b)
	walkNumbers(v.Type(), v, "", func(name string, v reflect.Value) {
		switch {
		case v.CanInt():
			out = append(out, number{name, float64(v.Int())})
		case v.CanUint():
			out = append(out, number{name, float64(v.Uint())})
		case v.CanFloat():
			out = append(out, number{name, v.Float()})
		}
	})
	return out
}

// walkNumbers calls fn with every number field under t, named as in the
// JSON file ("a.b" when nested; the elements of a list or map under its
// name), and its value in v. With no value (the zero reflect.Value) it
// walks the type alone, once per field: the names every value may have.
func walkNumbers(t reflect.Type, v reflect.Value, name string, fn func(name string, v reflect.Value)) {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		fn(name, v)
	case reflect.Struct:
		if t == reflect.TypeOf(time.Time{}) {
			return
		}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || tag == "-" {
				continue
			}
			field := cmp.Or(tag, f.Name)
			if f.Anonymous {
				field = ""
			}
			var fv reflect.Value
			if v.IsValid() {
				fv = v.Field(i)
			}
			walkNumbers(f.Type, fv, join(name, field), fn)
		}
	case reflect.Pointer:
		switch {
		case !v.IsValid():
			walkNumbers(t.Elem(), v, name, fn)
		case !v.IsNil():
			walkNumbers(t.Elem(), v.Elem(), name, fn)
		}
	case reflect.Slice, reflect.Array, reflect.Map:
		switch {
		case !v.IsValid():
			walkNumbers(t.Elem(), v, name, fn)
		case t.Kind() == reflect.Map:
			for it := v.MapRange(); it.Next(); {
				walkNumbers(t.Elem(), it.Value(), name, fn)
			}
		default:
			for i := 0; i < v.Len(); i++ {
				walkNumbers(t.Elem(), v.Index(i), name, fn)
			}
		}
	}
}

func join(prefix, name string) string {
	if prefix == "" || name == "" {
		return prefix + name
	}
	return prefix + "." + name
}
