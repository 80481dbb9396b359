package history

import (
	"fmt"
	"strconv"
	"time"

	"github.com/neckwatch/neckwatch/posture"
)

// The unwritten-history file is checked as a whole before anything in it
// is taken (it goes straight into the database): every number in a
// plausible range, every time between the first neckwatch and a day from
// now, every event of a kind and state neckwatch records. A problem is
// one line naming the entry and field: "minutes[3].samples = -3 is not
// plausible (0 to 10000)".

// earliestHistory is before any neckwatch history was recorded; a time
// before it (the year 1 of an empty field) is damage.
var earliestHistory = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// maxSamplesPerMinute is far above the fastest schedule (keep_open at its
// highest rate).
const maxSamplesPerMinute = 10000

// maxTextBytes bounds an event's detail or a pain note from the file.
const maxTextBytes = 4096

// bound is one checked number: its name in the file, its value and its
// plausible range.
type bound struct {
	field         string
	v, min, max   float64
	minDesc, desc string // the range in words, when not plain numbers
}

func (b bound) check(where string) error {
	if b.v >= b.min && b.v <= b.max { // NaN fails
		return nil
	}
	lo, hi := b.minDesc, b.desc
	if lo == "" {
		lo = strconv.FormatFloat(b.min, 'g', 6, 64)
	}
	if hi == "" {
		hi = strconv.FormatFloat(b.max, 'g', 6, 64)
	}
	return fmt.Errorf("%s.%s = %s is not plausible (%s to %s)", where, b.field, strconv.FormatFloat(b.v, 'g', 6, 64), lo, hi)
}

// bounds is the table of a minute's fields: add a line with a new field.
func (m unwrittenMinute) bounds(now time.Time) []bound {
	n := func(c int) float64 { return float64(c) }
	minute := float64(time.Minute)
	return []bound{
		{field: "start", v: float64(m.Start), min: float64(earliestHistory.Unix()), max: float64(now.Add(24 * time.Hour).Unix()), minDesc: earliestHistory.Format("2006-01-02"), desc: "a day from now"},
		{field: "present", v: float64(m.Present), max: minute, desc: "a minute"},
		{field: "upright", v: float64(m.Upright), max: minute, desc: "a minute"},
		{field: "forward_head", v: float64(m.Forward), max: minute, desc: "a minute"},
		{field: "slouch", v: float64(m.Slouch), max: minute, desc: "a minute"},
		{field: "lean", v: float64(m.Lean), max: minute, desc: "a minute"},
		{field: "uncertain", v: float64(m.Uncertain), max: minute, desc: "a minute"},
		{field: "samples", v: n(m.Samples), max: maxSamplesPerMinute},
		{field: "severity_samples", v: n(m.SevN), max: n(m.Samples), desc: "samples"},
		{field: "severity_sum", v: m.SevSum, max: n(m.SevN), desc: "severity_samples"}, // each severity is 0..1
		{field: "neck_samples", v: n(m.NeckN), max: n(m.Samples), desc: "samples"},
		{field: "neck_sum", v: m.NeckSum, min: -180 * n(m.NeckN), max: 180 * n(m.NeckN), minDesc: "-180° × neck_samples", desc: "180° × neck_samples"},
		{field: "head_pitch_samples", v: n(m.PitchN), max: n(m.Samples), desc: "samples"},
		{field: "head_pitch_sum", v: m.PitchSum, min: -180 * n(m.PitchN), max: 180 * n(m.PitchN), minDesc: "-180° × head_pitch_samples", desc: "180° × head_pitch_samples"},
		{field: "distance_samples", v: n(m.DistN), max: n(m.Samples), desc: "samples"},
		{field: "distance_sum", v: m.DistSum, max: 1000 * n(m.DistN), desc: "1000 cm × distance_samples"},
		{field: "yaw_samples", v: n(m.YawN), max: n(m.Samples), desc: "samples"},
		{field: "yaw_sum", v: m.YawSum, min: -180 * n(m.YawN), max: 180 * n(m.YawN), minDesc: "-180° × yaw_samples", desc: "180° × yaw_samples"},
	}
}

// timeBound checks a time of the file; zero is allowed where optional.
func timeBound(field string, t time.Time, now time.Time, optional bool) bound {
	if optional && t.IsZero() {
		return bound{field: field, v: 0, min: 0, max: 0}
	}
	return bound{field: field, v: float64(t.Unix()), min: float64(earliestHistory.Unix()), max: float64(now.Add(24 * time.Hour).Unix()),
		minDesc: earliestHistory.Format("2006-01-02"), desc: "a day from now"}
}

// recordedKinds are the event kinds the recorder writes (the daemon's adapter maps the coach's decisions onto them).
var recordedKinds = map[EventKind]bool{
	EventPostureAlert: true, EventCorrected: true, EventBreakSuggested: true, EventBreakTaken: true, EventBreakSkipped: true,
	EventCalibrated: true, EventPaused: true, EventResumed: true, EventSnoozed: true,
}

var recordedStates = map[string]bool{
	"": true, string(posture.Upright): true, string(posture.ForwardHead): true, string(posture.Slouch): true,
	string(posture.Lean): true, string(posture.Away): true, string(posture.Uncertain): true,
}

// check refuses a file with anything implausible in it; now is the clock.
func (f unwrittenFile) check(now time.Time) error {
	for i, m := range f.Minutes {
		where := fmt.Sprintf("minutes[%d]", i)
		for _, b := range m.bounds(now) {
			if err := b.check(where); err != nil {
				return err
			}
		}
		if m.Start%60 != 0 {
			return fmt.Errorf("%s.start = %d is not the start of a minute", where, m.Start)
		}
	}
	for i, e := range f.Events {
		where := fmt.Sprintf("events[%d]", i)
		switch {
		case !recordedKinds[e.Kind]:
			return fmt.Errorf("%s.kind = %q is not an event neckwatch records", where, e.Kind)
		case !recordedStates[e.State]:
			return fmt.Errorf("%s.state = %q is not a posture state", where, e.State)
		case len(e.Detail) > maxTextBytes:
			return fmt.Errorf("%s.detail is %d bytes long (at most %d)", where, len(e.Detail), maxTextBytes)
		}
		for _, b := range append([]bound{timeBound("at", e.At, now, false), timeBound("alert_at", e.AlertAt, now, true), {field: "severity", v: e.Severity, max: 1}}, e.Figures.bounds()...) {
			if err := b.check(where); err != nil {
				return err
			}
		}
	}
	for i, p := range f.Pain {
		where := fmt.Sprintf("pain[%d]", i)
		if err := p.Validate(); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if len(p.Note) > maxTextBytes {
			return fmt.Errorf("%s.note is %d bytes long (at most %d)", where, len(p.Note), maxTextBytes)
		}
		if err := timeBound("at", p.At, now, false).check(where); err != nil {
			return err
		}
	}
	for i, m := range f.Marks {
		where := fmt.Sprintf("marks[%d]", i)
		for _, b := range []bound{timeBound("alert_at", m.AlertAt, now, true), timeBound("before", m.Before, now, true), timeBound("after", m.After, now, true)} {
			if err := b.check(where); err != nil {
				return err
			}
		}
	}
	return nil
}
