// Package insights answers, from the numbers already in the posture
// history, the two questions people with tech neck ask and no posture
// tool answers: what in the desk set-up makes it worse (desk advice from
// a week of measured habits) and whether the effort pays off in less pain
// (pain against posture). It is pure: plain structs in (history.Minute,
// history.Day), plain structs and sentences out; no database, no clock,
// no files. The report (text and HTML) and the daemon's weekly
// notification call it.
package insights

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/neckwatch/neckwatch/history"

	"github.com/neckwatch/neckwatch/internal/stats"
)

// AdviceID names a piece of desk advice. The IDs are stable: a dismissal
// is stored by ID and the daemon remembers which it sent.
type AdviceID string

// The desk checks, each with at most one piece of advice.
const (
	ScreenHeight   AdviceID = "screen-height"   // the head pitched down: the screen is too low
	ScreenDistance AdviceID = "screen-distance" // the eyes too near the screen (or too far)
	ScreenSide     AdviceID = "screen-side"     // the head turned to one side most of the day
)

// AdviceIDs lists every advice ID in the order the checks are reported.
var AdviceIDs = []AdviceID{ScreenHeight, ScreenDistance, ScreenSide}

// ParseAdviceID returns the advice ID s names.
func ParseAdviceID(s string) (AdviceID, error) {
	for _, id := range AdviceIDs {
		if string(id) == s {
			return id, nil
		}
	}
	ids := make([]string, len(AdviceIDs))
	for i, id := range AdviceIDs {
		ids[i] = string(id)
	}
	return "", fmt.Errorf("unknown advice %q: use %s", s, strings.Join(ids, ", "))
}

// Status is what a desk check concluded.
type Status string

// Desk check outcomes.
const (
	Advise        Status = "advice"          // most days agree on something to change
	Fine          Status = "fine"            // most days within the limits: nothing to say
	Mixed         Status = "mixed"           // the days disagree: no advice
	TooLittleData Status = "too-little-data" // too few days measured: no advice
)

// When the evidence is enough, and when it agrees. A measured minute is
// a minute with the figure, which the history keeps over upright samples
// of the front view only (history.Minute).
const (
	// WindowDays: the advice looks at the last 7 calendar days.
	WindowDays = 7
	// MinDayMinutes: a day counts when at least this many of its
	// minutes have the figure (an hour of sitting upright in view).
	MinDayMinutes = 60
	// MinDays: a check needs at least this many counted days in the
	// window; with fewer it says how many more it needs and nothing else.
	MinDays = 5
)

// AgreeDays is how many of the counted days must lie beyond a limit the
// same way for advice: three quarters, rounded up (4 of 5, 5 of 6, 6 of
// 7). At most DisagreeDays of them beyond it (a quarter, rounded down) is
// "fine"; anything between is mixed, and mixed evidence gives no advice.
func AgreeDays(days int) int { return (3*days + 3) / 4 }

// DisagreeDays: see AgreeDays.
func DisagreeDays(days int) int { return days / 4 }

// The desk figures the checks judge by, from the desk set-up guides in
// the project's field notes.
const (
	// ScreenCentreGazeDeg: guides put the screen's centre about 15-20°
	// below the horizontal line of sight (OSHA Computer Workstations
	// eTool; top line at or slightly below eye level). The raise advised
	// brings the gaze to the near end, 15°.
	ScreenCentreGazeDeg = 15.0
	// HeadPitchLimitDeg: a head pitched down more than this while
	// upright is past the far end of that range: the screen is too low.
	HeadPitchLimitDeg = 20.0
	// DistanceNearCM and DistanceFarCM bound the viewing distance most
	// guides agree on (OSHA 50-100 cm, 46-76, 38-76 (Yale), 50-90): 50
	// to 75 cm, about an arm's length.
	DistanceNearCM = 50.0
	DistanceFarCM  = 75.0
	// TooCloseCM and TooFarCM are where the advice starts: the range
	// widened by the pinhole estimate's ~10% error (a laptop webcam was
	// within 9.4% over 25-55 cm, Toda et al. 2015).
	TooCloseCM = 45.0
	TooFarCM   = 85.0
	// YawLimitDeg: a head turned more than this to one side (at 60 cm a
	// screen centre about 16 cm off) for most of a day.
	YawLimitDeg = 15.0
	// TypicalDistanceCM is the viewing distance assumed in the
	// geometry when the distance itself has too little data.
	TypicalDistanceCM = 55.0
)

// DayFigure is one calendar day of a check's figure.
type DayFigure struct {
	Date time.Time // local midnight
	// Minutes is the time sat upright with the figure, in whole minutes
	// (not the minutes that held some of it: a minute half upright is
	// half a minute).
	Minutes int
	// Value is the median of those minutes' means (0 when none): the
	// head's pitch or yaw in degrees, or the distance in centimetres.
	Value  float64
	Enough bool // Minutes >= MinDayMinutes: the day counts
}

// Check is one desk check's conclusion, with its evidence.
type Check struct {
	ID    AdviceID
	Title string // "Screen height", "Screen distance", "Screen to one side"
	// Status is the conclusion; only Advise carries advice.
	Status Status
	// Dismissed: the user dismissed this advice for good. The check is
	// still made (the report says so), but Desk.Advice leaves it out.
	Dismissed bool
	// Text is the advice (Advise) or the finding, one sentence with the
	// figures; Evidence the measurements behind it; Assumption what the
	// figures take for granted. Evidence and Assumption are empty when
	// there is too little data.
	Text, Evidence, Assumption string
	// Value is the week's figure, the median of the counted days' figures
	// (0 when no day counts), in Unit ("°" or "cm"); signed for the yaw
	// (to the user's left positive).
	Value float64
	Unit  string
	// Direction of the advice: screen height +1 raise; distance +1 move
	// the screen back, -1 bring it nearer; side +1 turned to the left,
	// -1 to the right. 0 unless Advise.
	Direction int
	// ChangeCM is how far the advice moves the screen, in centimetres
	// (0 unless Advise): the rise, the distance to move it back or
	// nearer, or the screen centre's offset to one side.
	ChangeCM float64
	// DistanceCM is the viewing distance the height and side geometry
	// used: the measured one, or TypicalDistanceCM when it had too little
	// data (DistanceMeasured false).
	DistanceCM       float64
	DistanceMeasured bool
	// Days counts the window's days with enough data; DaysBeyond those
	// beyond the limit the advised way (for Mixed and Fine: beyond it
	// either way).
	Days, DaysBeyond int
	// Minutes sums the counted days' measured minutes.
	Minutes int
	// Daily has the window's days, oldest first.
	Daily []DayFigure
}

// Desk is the desk advice of one week.
type Desk struct {
	From, To time.Time // the window's first and last day (local midnight)
	Checks   []Check   // one per AdviceIDs entry, in that order
}

// Advice returns the checks with advice to give: Status Advise and not
// dismissed. This is what the weekly notification sends.
func (d Desk) Advice() []Check {
	var out []Check
	for _, c := range d.Checks {
		if c.Status == Advise && !c.Dismissed {
			out = append(out, c)
		}
	}
	return out
}

// Check returns the check with the given ID.
func (d Desk) Check(id AdviceID) (Check, bool) {
	for _, c := range d.Checks {
		if c.ID == id {
			return c, true
		}
	}
	return Check{}, false
}

func midnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// figure reads one set-up measure of a minute; ok is false when the
// minute has none.
type figure func(m history.Minute) (float64, bool)

func pitchOf(m history.Minute) (float64, bool) { return m.HeadPitchDeg, m.HeadPitchSamples > 0 }
func distOf(m history.Minute) (float64, bool)  { return m.DistanceCM, m.DistanceSamples > 0 }
func yawOf(m history.Minute) (float64, bool)   { return m.HeadYawDeg, m.HeadYawSamples > 0 }

// daily computes a figure for each day of the window.
func daily(minutes []history.Minute, from time.Time, fig figure) []DayFigure {
	return dailyN(minutes, from, WindowDays, fig)
}

// dailyN computes a figure for n calendar days from from (local
// midnight): per day the median of the minutes' figures.
func dailyN(minutes []history.Minute, from time.Time, n int, fig figure) []DayFigure {
	loc := from.Location()
	vals := make([][]float64, n)
	upright := make([]time.Duration, n)
	index := map[[3]int]int{}
	out := make([]DayFigure, n)
	for i := range out {
		d := from.AddDate(0, 0, i)
		out[i].Date = d
		y, m, dd := d.Date()
		index[[3]int{y, int(m), dd}] = i
	}
	for _, m := range minutes {
		v, ok := fig(m)
		if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		y, mo, dd := m.Start.In(loc).Date()
		if i, ok := index[[3]int{y, int(mo), dd}]; ok {
			vals[i] = append(vals[i], v)
			upright[i] += min(m.Upright, time.Minute)
		}
	}
	for i := range out {
		out[i].Minutes = int(upright[i] / time.Minute)
		out[i].Value = stats.Median(vals[i])
		out[i].Enough = out[i].Minutes >= MinDayMinutes
	}
	return out
}

// SetupDay is one calendar day's desk set-up figures, each the median of
// the day's measured minutes (see DayFigure): for the report's daily
// table.
type SetupDay struct {
	Date                 time.Time
	Pitch, Distance, Yaw DayFigure
}

// SetupByDay gives the set-up figures of every calendar day from from to
// to (both included, in from's location).
func SetupByDay(minutes []history.Minute, from, to time.Time) []SetupDay {
	from = midnight(from)
	n := 0
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		n++
	}
	p, d, y := dailyN(minutes, from, n, pitchOf), dailyN(minutes, from, n, distOf), dailyN(minutes, from, n, yawOf)
	out := make([]SetupDay, n)
	for i := range out {
		out[i] = SetupDay{Date: p[i].Date, Pitch: p[i], Distance: d[i], Yaw: y[i]}
	}
	return out
}

// counted are the values of the days that count, and their minutes.
func counted(days []DayFigure) (vals []float64, minutes int) {
	for _, d := range days {
		if d.Enough {
			vals = append(vals, d.Value)
			minutes += d.Minutes
		}
	}
	return vals, minutes
}

// DeskAdvice makes the three desk checks over the 7 calendar days ending
// with lastDay (in lastDay's location; its time of day is ignored) from
// the history's minutes (others are ignored). dismissed lists the advice
// IDs the user dismissed for good.
//
// Each check takes, per day, the median of the measured minutes' figure;
// a day counts with at least MinDayMinutes measured minutes, and a check
// needs MinDays counted days (else TooLittleData). It advises when
// AgreeDays of the counted days lie beyond its limit the same way, is
// Fine when at most DisagreeDays do, and Mixed otherwise; the week's
// figure is the median of the counted days' figures.
func DeskAdvice(minutes []history.Minute, lastDay time.Time, dismissed []string) Desk {
	to := midnight(lastDay)
	from := to.AddDate(0, 0, -(WindowDays - 1))
	d := Desk{From: from, To: to}
	pitch := daily(minutes, from, pitchOf)
	dist := daily(minutes, from, distOf)
	yaw := daily(minutes, from, yawOf)

	distCheck := distanceCheck(dist)
	viewCM, measured := TypicalDistanceCM, false
	if distCheck.Status != TooLittleData {
		viewCM, measured = distCheck.Value, true
	}
	d.Checks = []Check{heightCheck(pitch, viewCM, measured), distCheck, sideCheck(yaw, viewCM, measured)}
	gone := map[string]bool{}
	for _, id := range dismissed {
		gone[id] = true
	}
	for i := range d.Checks {
		d.Checks[i].Dismissed = gone[string(d.Checks[i].ID)]
	}
	return d
}

// tooLittle fills a check that has too few counted days.
func tooLittle(c *Check, what string) {
	c.Status = TooLittleData
	c.Text = fmt.Sprintf("%s: not enough data yet: %d of the %d days needed with at least %d minutes of %s in the last %d days.",
		c.Title, c.Days, MinDays, MinDayMinutes, what, WindowDays)
}

// measuredWhat is what a counted day needs minutes of.
const measuredWhat = "sitting upright in front of the camera"

// daysText is "on 6 of the 6 days with at least 60 measured minutes
// (2,710 minutes)".
func daysText(beyond, days, minutes int) string {
	return fmt.Sprintf("on %d of the %d days with at least %d measured minutes in the last %d days (%s minutes in all)",
		beyond, days, MinDayMinutes, WindowDays, thousands(minutes))
}

// thousands writes n with a comma every three digits.
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// whole rounds to an integer for display (never "-0").
func whole(v float64) int { return int(math.Round(v)) }

func distanceText(cm float64, measured bool) string {
	if measured {
		return fmt.Sprintf("your measured %d cm", whole(cm))
	}
	return fmt.Sprintf("a typical %d cm (your distance has too little data)", whole(cm))
}

const deg = math.Pi / 180

// measure fills in the days counted and the week's figure (the median of
// their figures) and returns those days' figures; with fewer than MinDays
// it marks the check as having too little data and returns false.
func (c *Check) measure(days []DayFigure) ([]float64, bool) {
	vals, minutes := counted(days)
	c.Days, c.Minutes = len(vals), minutes
	if c.Days < MinDays {
		tooLittle(c, measuredWhat)
		return nil, false
	}
	c.Value = stats.Median(vals)
	return vals, true
}

// heightCheck: the head's pitch while upright against the screen-centre
// gaze guides. A screen too low shows as a head pitched down while the
// posture is otherwise fine (the calibration, made at that desk, takes it
// as upright).
//
// Geometry: with the eyes at horizontal distance d from the screen, the
// point a gaze pitched p below the horizontal meets is d·tan p below the
// eyes; bringing it to ScreenCentreGazeDeg needs the screen's centre
// raised by d·(tan p − tan 15°) (small changes: atan(h/d), about 6° for
// 6 cm at 55 cm). Taking the head's pitch as the gaze's ignores the eyes'
// own share of looking down, which only makes the real gaze lower: the
// rise is a lower bound.
func heightCheck(days []DayFigure, viewCM float64, measured bool) Check {
	c := Check{ID: ScreenHeight, Title: "Screen height", Unit: "°", Daily: days, DistanceCM: viewCM, DistanceMeasured: measured}
	vals, enough := c.measure(days)
	if !enough {
		return c
	}
	for _, v := range vals {
		if v > HeadPitchLimitDeg {
			c.DaysBeyond++
		}
	}
	p := whole(c.Value)
	c.Evidence = fmt.Sprintf("Head pitch while sitting upright, the median of the daily medians: %d° down; more than %d° %s.",
		p, whole(HeadPitchLimitDeg), daysText(c.DaysBeyond, c.Days, c.Minutes))
	switch {
	case c.DaysBeyond >= AgreeDays(c.Days):
		c.Status, c.Direction = Advise, 1
		c.ChangeCM = viewCM * (math.Tan(c.Value*deg) - math.Tan(ScreenCentreGazeDeg*deg))
		c.Text = fmt.Sprintf("You look down about %d° on average while sitting upright: raise the screen by about %d cm.", p, whole(c.ChangeCM))
		c.Assumption = fmt.Sprintf("Assumes the webcam sits on the top edge of an upright screen, about level with your eyes, and that your head points where you look. "+
			"Guides put the screen's centre 15-20° below the line of sight (OSHA); raising it by h at a distance d changes the gaze by about atan(h/d), "+
			"so bringing the gaze from %d° to %d° at %s takes %d × (tan %d° − tan %d°) = %d cm. "+
			"If your eyes look further down than your head, the screen is lower still. "+
			"A laptop lid tilted back adds its tilt to the measured pitch, and a face's shape shifts it by a few degrees.",
			p, whole(ScreenCentreGazeDeg), distanceText(viewCM, measured), whole(viewCM), p, whole(ScreenCentreGazeDeg), whole(c.ChangeCM))
	case c.DaysBeyond <= DisagreeDays(c.Days):
		c.Status = Fine
		c.Text = fmt.Sprintf("Screen height: you look down about %d° on average while sitting upright (advice beyond %d°): nothing to change.", p, whole(HeadPitchLimitDeg))
		c.Assumption = "Assumes the webcam sits on the top edge of the screen, about level with your eyes; guides put the screen's centre 15-20° below the line of sight (OSHA)."
	default:
		c.Status = Mixed
		c.Text = fmt.Sprintf("Screen height: mixed: more than %d° down on %d of %d days, less on the others: no advice until most days agree.",
			whole(HeadPitchLimitDeg), c.DaysBeyond, c.Days)
		c.Assumption = "Different desks or screens on different days (a laptop some days, a monitor on others) give mixed figures."
	}
	return c
}

// distanceCheck: the camera-to-eyes distance while upright against the
// viewing distance guides.
func distanceCheck(days []DayFigure) Check {
	c := Check{ID: ScreenDistance, Title: "Screen distance", Unit: "cm", Daily: days}
	vals, enough := c.measure(days)
	if !enough {
		return c
	}
	c.DistanceCM, c.DistanceMeasured = c.Value, true
	near, far := 0, 0
	for _, v := range vals {
		switch {
		case v < TooCloseCM:
			near++
		case v > TooFarCM:
			far++
		}
	}
	D := whole(c.Value)
	assumption := fmt.Sprintf("A pinhole estimate from the size of your face: 6.3 cm between the eyes and a 70° webcam field of view (a wider one reads nearer, a narrower one further; `--set camera_hfov_deg` changes it). "+
		"Such estimates were within about 10%% at 25-55 cm (Toda et al. 2015), hence advice only below %d or beyond %d cm. Assumes the webcam is on the screen you read.",
		whole(TooCloseCM), whole(TooFarCM))
	c.Assumption = assumption
	guide := fmt.Sprintf("%d-%d cm, about an arm's length, is what guides agree on", whole(DistanceNearCM), whole(DistanceFarCM))
	switch {
	case near >= AgreeDays(c.Days):
		c.Status, c.Direction, c.DaysBeyond = Advise, 1, near
		c.ChangeCM = DistanceNearCM - c.Value
		c.Text = fmt.Sprintf("Your eyes are about %d cm from the screen on average: move it back by about %d cm, to %d cm or more (%s).",
			D, whole(c.ChangeCM), whole(DistanceNearCM), guide)
		c.Evidence = fmt.Sprintf("Camera-to-eyes distance while sitting upright, the median of the daily medians: %d cm; under %d cm %s.",
			D, whole(TooCloseCM), daysText(near, c.Days, c.Minutes))
	case far >= AgreeDays(c.Days):
		c.Status, c.Direction, c.DaysBeyond = Advise, -1, far
		c.ChangeCM = c.Value - DistanceFarCM
		c.Text = fmt.Sprintf("Your eyes are about %d cm from the screen on average: bring it nearer by about %d cm, to %d cm or less, or make the text larger (%s).",
			D, whole(c.ChangeCM), whole(DistanceFarCM), guide)
		c.Evidence = fmt.Sprintf("Camera-to-eyes distance while sitting upright, the median of the daily medians: %d cm; beyond %d cm %s.",
			D, whole(TooFarCM), daysText(far, c.Days, c.Minutes))
	default:
		c.DaysBeyond = near + far
		c.Evidence = fmt.Sprintf("Camera-to-eyes distance while sitting upright, the median of the daily medians: %d cm; under %d or beyond %d cm %s.",
			D, whole(TooCloseCM), whole(TooFarCM), daysText(c.DaysBeyond, c.Days, c.Minutes))
		if c.DaysBeyond <= DisagreeDays(c.Days) {
			c.Status = Fine
			c.Text = fmt.Sprintf("Screen distance: about %d cm on average (advice under %d or beyond %d cm): nothing to change.", D, whole(TooCloseCM), whole(TooFarCM))
		} else {
			c.Status = Mixed
			c.Text = fmt.Sprintf("Screen distance: mixed: %s of %d days: no advice until most days agree.",
				counts(fmt.Sprintf("under %d cm on %%d", whole(TooCloseCM)), near, fmt.Sprintf("beyond %d cm on %%d", whole(TooFarCM)), far), c.Days)
		}
	}
	return c
}

// side names a yaw's direction from the user's point of view.
func side(yaw float64) string {
	if yaw < 0 {
		return "right"
	}
	return "left"
}

// sideCheck: the head's yaw while upright. A day's median beyond the
// limit means the head was turned that way for more than half of the
// day's measured minutes.
func sideCheck(days []DayFigure, viewCM float64, measured bool) Check {
	c := Check{ID: ScreenSide, Title: "Screen to one side", Unit: "°", Daily: days, DistanceCM: viewCM, DistanceMeasured: measured}
	vals, enough := c.measure(days)
	if !enough {
		return c
	}
	left, right := 0, 0
	for _, v := range vals {
		switch {
		case v > YawLimitDeg:
			left++
		case v < -YawLimitDeg:
			right++
		}
	}
	Y := whole(math.Abs(c.Value))
	c.Assumption = "Assumes the webcam sits straight in front of your chair and keyboard: on a side screen or beside the monitor, this figure says where the camera is, not where you look."
	switch {
	case left >= AgreeDays(c.Days) || right >= AgreeDays(c.Days):
		c.Status = Advise
		c.Direction, c.DaysBeyond = 1, left
		if right > left {
			c.Direction, c.DaysBeyond = -1, right
		}
		c.ChangeCM = viewCM * math.Tan(math.Abs(c.Value)*deg)
		s := side(c.Value)
		c.Text = fmt.Sprintf("You sit turned about %d° to your %s most of the day: centre the screen you use most in front of you (its centre is about %d cm to your %s); monitor, keyboard and chair in a line.",
			Y, s, whole(c.ChangeCM), s)
		c.Evidence = fmt.Sprintf("Head turn while sitting upright, the median of the daily medians: %d° to your %s; more than %d° to the %s for more than half of the day %s.",
			Y, s, whole(YawLimitDeg), s, daysText(c.DaysBeyond, c.Days, c.Minutes))
		c.Assumption += fmt.Sprintf(" The screen's offset is the distance × tan(turn): %d × tan %d° = %d cm at %s.",
			whole(viewCM), Y, whole(c.ChangeCM), distanceText(viewCM, measured))
	default:
		c.DaysBeyond = left + right
		c.Evidence = fmt.Sprintf("Head turn while sitting upright, the median of the daily medians: %s; more than %d° to one side for most of the day %s.",
			turnText(c.Value), whole(YawLimitDeg), daysText(c.DaysBeyond, c.Days, c.Minutes))
		if c.DaysBeyond <= DisagreeDays(c.Days) {
			c.Status = Fine
			c.Text = fmt.Sprintf("Screen to one side: you face the camera within %d° most days: nothing to change.", whole(YawLimitDeg))
		} else {
			c.Status = Mixed
			c.Text = fmt.Sprintf("Screen to one side: mixed: turned more than %d° %s of %d days: no advice until most days agree.",
				whole(YawLimitDeg), counts("to the left on %d", left, "to the right on %d", right), c.Days)
		}
	}
	return c
}

// counts joins two "… on %d" counts with "and", leaving out a zero one
// (both zero cannot be mixed).
func counts(a string, na int, b string, nb int) string {
	switch {
	case na == 0:
		return fmt.Sprintf(b, nb)
	case nb == 0:
		return fmt.Sprintf(a, na)
	}
	return fmt.Sprintf(a, na) + " and " + fmt.Sprintf(b, nb)
}

// turnText is a yaw in words: "3° to your left", "straight ahead".
func turnText(yaw float64) string {
	if whole(yaw) == 0 {
		return "straight ahead"
	}
	return fmt.Sprintf("%d° to your %s", whole(math.Abs(yaw)), side(yaw))
}
