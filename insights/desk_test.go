package insights

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/history"
)

// zone is a fixed test zone far from UTC: the days are local days.
var zone = time.FixedZone("UTC-7", -7*3600)

// lastDay is the window's last day: Sun 22 Nov 2026 (the window is Mon
// 16 to Sun 22).
var lastDay = time.Date(2026, time.November, 22, 15, 30, 0, 0, zone)

func nov(d int) time.Time { return time.Date(2026, time.November, d, 0, 0, 0, 0, zone) }

// desk is a day's sitting: n minutes from 09:00 with the given pitch,
// distance and yaw (NaN: the minute has no such figure).
type desk struct {
	day                    int
	n                      int
	pitch, dist, yaw       float64
	noPitch, noDist, noYaw bool
	startHour              int
}

func (d desk) minutes() []history.Minute {
	var out []history.Minute
	h := d.startHour
	if h == 0 {
		h = 9
	}
	start := nov(d.day).Add(time.Duration(h) * time.Hour)
	for i := 0; i < d.n; i++ {
		m := history.Minute{Start: start.Add(time.Duration(i) * time.Minute), Present: time.Minute, Upright: time.Minute, Samples: 6}
		if !d.noPitch {
			m.HeadPitchDeg, m.HeadPitchSamples = d.pitch, 6
		}
		if !d.noDist {
			m.DistanceCM, m.DistanceSamples = d.dist, 6
		}
		if !d.noYaw {
			m.HeadYawDeg, m.HeadYawSamples = d.yaw, 6
		}
		out = append(out, m)
	}
	return out
}

func week(ds ...desk) []history.Minute {
	var out []history.Minute
	for _, d := range ds {
		out = append(out, d.minutes()...)
	}
	return out
}

// A laptop too low, too near and beside the monitor: six days of 90
// minutes at 24° down, 40 cm, 20° to the right; one day (the 18th) at
// 12° down and 60 cm straight ahead (a day at another desk).
func TestDeskAdviceLaptopTooLowNearAndToTheRight(t *testing.T) {
	var ds []desk
	for d := 16; d <= 22; d++ {
		if d == 18 {
			ds = append(ds, desk{day: d, n: 90, pitch: 12, dist: 60, yaw: 1})
			continue
		}
		ds = append(ds, desk{day: d, n: 90, pitch: 24, dist: 40, yaw: -20})
	}
	// A day outside the window (the 15th) and one after it (the 23rd)
	// change nothing.
	ds = append(ds, desk{day: 15, n: 300, pitch: 2, dist: 90, yaw: 30}, desk{day: 23, n: 300, pitch: 2, dist: 90, yaw: 30})
	d := DeskAdvice(week(ds...), lastDay, nil)
	if !d.From.Equal(nov(16)) || !d.To.Equal(nov(22)) {
		t.Fatalf("window %v..%v", d.From, d.To)
	}
	if len(d.Checks) != 3 || len(d.Advice()) != 3 {
		t.Fatalf("checks %+v, want three pieces of advice", d.Checks)
	}
	h, _ := d.Check(ScreenHeight)
	// Six of the seven days beyond 20°: the median of the daily medians
	// is 24°; at the measured 40 cm, 40 × (tan 24° − tan 15°) = 7.09 cm.
	wantRise := 40 * (math.Tan(24*math.Pi/180) - math.Tan(15*math.Pi/180))
	if h.Status != Advise || h.Value != 24 || h.Days != 7 || h.DaysBeyond != 6 || h.Minutes != 630 || h.Direction != 1 ||
		math.Abs(h.ChangeCM-wantRise) > 1e-9 || !h.DistanceMeasured || h.DistanceCM != 40 {
		t.Errorf("height %+v", h)
	}
	if want := "You look down about 24° on average while sitting upright: raise the screen by about 7 cm."; h.Text != want {
		t.Errorf("height text %q\nwant %q", h.Text, want)
	}
	if want := "Head pitch while sitting upright, the median of the daily medians: 24° down; more than 20° on 6 of the 7 days with at least 60 measured minutes in the last 7 days (630 minutes in all)."; h.Evidence != want {
		t.Errorf("height evidence %q\nwant %q", h.Evidence, want)
	}
	for _, s := range []string{"webcam sits on the top edge", "15-20° below the line of sight", "from 24° to 15° at your measured 40 cm takes 40 × (tan 24° − tan 15°) = 7 cm", "laptop lid"} {
		if !strings.Contains(h.Assumption, s) {
			t.Errorf("height assumption lacks %q: %q", s, h.Assumption)
		}
	}

	dist, _ := d.Check(ScreenDistance)
	if dist.Status != Advise || dist.Value != 40 || dist.Direction != 1 || dist.ChangeCM != 10 || dist.DaysBeyond != 6 {
		t.Errorf("distance %+v", dist)
	}
	if want := "Your eyes are about 40 cm from the screen on average: move it back by about 10 cm, to 50 cm or more (50-75 cm, about an arm's length, is what guides agree on)."; dist.Text != want {
		t.Errorf("distance text %q\nwant %q", dist.Text, want)
	}
	if want := "Camera-to-eyes distance while sitting upright, the median of the daily medians: 40 cm; under 45 cm on 6 of the 7 days with at least 60 measured minutes in the last 7 days (630 minutes in all)."; dist.Evidence != want {
		t.Errorf("distance evidence %q\nwant %q", dist.Evidence, want)
	}

	side, _ := d.Check(ScreenSide)
	wantOff := 40 * math.Tan(20*math.Pi/180) // 14.56 cm
	if side.Status != Advise || side.Value != -20 || side.Direction != -1 || side.DaysBeyond != 6 || math.Abs(side.ChangeCM-wantOff) > 1e-9 {
		t.Errorf("side %+v", side)
	}
	if want := "You sit turned about 20° to your right most of the day: centre the screen you use most in front of you (its centre is about 15 cm to your right); monitor, keyboard and chair in a line."; side.Text != want {
		t.Errorf("side text %q\nwant %q", side.Text, want)
	}
	if !strings.Contains(side.Assumption, "40 × tan 20° = 15 cm at your measured 40 cm") || !strings.Contains(side.Assumption, "straight in front of your chair") {
		t.Errorf("side assumption %q", side.Assumption)
	}
	// The daily figures: 90 minutes on each day of the window.
	if len(h.Daily) != 7 || !h.Daily[0].Date.Equal(nov(16)) || h.Daily[2].Value != 12 || h.Daily[2].Minutes != 90 || !h.Daily[6].Enough {
		t.Errorf("daily %+v", h.Daily)
	}
}

// A well set-up desk: nothing to say, and it says so with the figures.
func TestDeskAdviceFine(t *testing.T) {
	var ds []desk
	for d := 16; d <= 22; d++ {
		ds = append(ds, desk{day: d, n: 120, pitch: 9, dist: 62, yaw: 4})
	}
	// One day beyond every limit is within "a quarter of the days".
	ds[3] = desk{day: 19, n: 120, pitch: 30, dist: 30, yaw: 25}
	d := DeskAdvice(week(ds...), lastDay, nil)
	if n := len(d.Advice()); n != 0 {
		t.Fatalf("%d pieces of advice for a good desk: %+v", n, d.Advice())
	}
	want := map[AdviceID]string{
		ScreenHeight:   "Screen height: you look down about 9° on average while sitting upright (advice beyond 20°): nothing to change.",
		ScreenDistance: "Screen distance: about 62 cm on average (advice under 45 or beyond 85 cm): nothing to change.",
		ScreenSide:     "Screen to one side: you face the camera within 15° most days: nothing to change.",
	}
	for _, c := range d.Checks {
		if c.Status != Fine || c.Text != want[c.ID] || c.DaysBeyond != 1 || c.Days != 7 {
			t.Errorf("%s: %s %q (beyond %d of %d)\nwant fine %q", c.ID, c.Status, c.Text, c.DaysBeyond, c.Days, want[c.ID])
		}
	}
	side, _ := d.Check(ScreenSide)
	if !strings.Contains(side.Evidence, "4° to your left") {
		t.Errorf("side evidence %q", side.Evidence)
	}
}

// Thin evidence says nothing but how much more it needs: four days with
// enough minutes and a fifth with 59.
func TestDeskAdviceTooLittleData(t *testing.T) {
	ds := []desk{
		{day: 16, n: 90, pitch: 30, dist: 35, yaw: -25},
		{day: 17, n: 60, pitch: 30, dist: 35, yaw: -25},
		{day: 19, n: 200, pitch: 30, dist: 35, yaw: -25},
		{day: 21, n: 61, pitch: 30, dist: 35, yaw: -25},
		{day: 22, n: 59, pitch: 30, dist: 35, yaw: -25},
	}
	d := DeskAdvice(week(ds...), lastDay, nil)
	for _, c := range d.Checks {
		if c.Status != TooLittleData || c.Days != 4 || c.Evidence != "" || c.Direction != 0 || c.ChangeCM != 0 {
			t.Errorf("%s: %+v", c.ID, c)
		}
	}
	h, _ := d.Check(ScreenHeight)
	if want := "Screen height: not enough data yet: 4 of the 5 days needed with at least 60 minutes of sitting upright in front of the camera in the last 7 days."; h.Text != want {
		t.Errorf("text %q\nwant %q", h.Text, want)
	}
	if len(d.Advice()) != 0 {
		t.Error("advice from four days")
	}
	// No data at all.
	if c := DeskAdvice(nil, lastDay, nil).Checks[0]; c.Status != TooLittleData || c.Days != 0 || !strings.Contains(c.Text, "0 of the 5 days") {
		t.Errorf("no data: %+v", c)
	}
}

// The agreement rule at its edges: with five counted days, four beyond
// the limit advise, three are mixed, two are mixed, one is fine.
func TestDeskAdviceAgreementEdges(t *testing.T) {
	for _, tc := range []struct {
		beyond int
		want   Status
	}{{5, Advise}, {4, Advise}, {3, Mixed}, {2, Mixed}, {1, Fine}, {0, Fine}} {
		var ds []desk
		for i := 0; i < 5; i++ {
			p := 10.0
			if i < tc.beyond {
				p = 26
			}
			ds = append(ds, desk{day: 16 + i, n: 60, pitch: p, dist: 60, yaw: 0})
		}
		c := DeskAdvice(week(ds...), lastDay, nil).Checks[0]
		if c.Status != tc.want || c.DaysBeyond != tc.beyond {
			t.Errorf("%d of 5 days beyond: %s (%d), want %s", tc.beyond, c.Status, c.DaysBeyond, tc.want)
		}
		if tc.beyond == 3 {
			if want := "Screen height: mixed: more than 20° down on 3 of 5 days, less on the others: no advice until most days agree."; c.Text != want {
				t.Errorf("mixed text %q\nwant %q", c.Text, want)
			}
		}
	}
	if AgreeDays(5) != 4 || AgreeDays(6) != 5 || AgreeDays(7) != 6 || DisagreeDays(5) != 1 || DisagreeDays(7) != 1 || DisagreeDays(8) != 2 {
		t.Error("AgreeDays / DisagreeDays")
	}
}

// Turned left on some days and right on others is mixed, not advice.
func TestDeskAdviceSideMixedDirections(t *testing.T) {
	var ds []desk
	for i, y := range []float64{25, 25, 25, -25, -25, -25, 0} {
		ds = append(ds, desk{day: 16 + i, n: 80, pitch: 5, dist: 60, yaw: y})
	}
	c, _ := DeskAdvice(week(ds...), lastDay, nil).Check(ScreenSide)
	if c.Status != Mixed || c.Text != "Screen to one side: mixed: turned more than 15° to the left on 3 and to the right on 3 of 7 days: no advice until most days agree." {
		t.Errorf("%s %q", c.Status, c.Text)
	}
}

// Mixed evidence one way only names that way.
func TestDeskAdviceMixedOneWay(t *testing.T) {
	var ds []desk
	for i := 0; i < 7; i++ {
		dist, yaw := 62.0, 2.0
		if i >= 3 {
			dist, yaw = 95, 25
		}
		ds = append(ds, desk{day: 16 + i, n: 80, pitch: 5, dist: dist, yaw: yaw})
	}
	d := DeskAdvice(week(ds...), lastDay, nil)
	dist, _ := d.Check(ScreenDistance)
	side, _ := d.Check(ScreenSide)
	if dist.Status != Mixed || dist.Text != "Screen distance: mixed: beyond 85 cm on 4 of 7 days: no advice until most days agree." {
		t.Errorf("distance %s %q", dist.Status, dist.Text)
	}
	if side.Status != Mixed || side.Text != "Screen to one side: mixed: turned more than 15° to the left on 4 of 7 days: no advice until most days agree." {
		t.Errorf("side %s %q", side.Status, side.Text)
	}
}

// A day's figure is the median of its minutes: an hour at the low laptop
// and a shorter while at another screen is a day at the laptop.
func TestDeskAdviceDayMedianAndFarScreen(t *testing.T) {
	var ds []desk
	for d := 16; d <= 20; d++ {
		ds = append(ds, desk{day: d, n: 70, pitch: 5, dist: 96, yaw: 22}, desk{day: d, n: 40, pitch: 5, dist: 60, yaw: 0, startHour: 14})
	}
	d := DeskAdvice(week(ds...), lastDay, nil)
	dist, _ := d.Check(ScreenDistance)
	if dist.Status != Advise || dist.Direction != -1 || dist.Value != 96 || dist.ChangeCM != 21 || dist.Days != 5 || dist.Minutes != 550 {
		t.Errorf("far screen %+v", dist)
	}
	if want := "Your eyes are about 96 cm from the screen on average: bring it nearer by about 21 cm, to 75 cm or less, or make the text larger (50-75 cm, about an arm's length, is what guides agree on)."; dist.Text != want {
		t.Errorf("text %q\nwant %q", dist.Text, want)
	}
	side, _ := d.Check(ScreenSide)
	if side.Status != Advise || side.Direction != 1 || !strings.HasPrefix(side.Text, "You sit turned about 22° to your left most of the day") {
		t.Errorf("side %+v", side)
	}
}

// Without enough distance figures the geometry takes a typical 55 cm and
// says so.
func TestDeskAdviceTypicalDistance(t *testing.T) {
	var ds []desk
	for d := 16; d <= 22; d++ {
		ds = append(ds, desk{day: d, n: 90, pitch: 28, yaw: 0, noDist: true})
	}
	d := DeskAdvice(week(ds...), lastDay, nil)
	h, _ := d.Check(ScreenHeight)
	dist, _ := d.Check(ScreenDistance)
	want := 55 * (math.Tan(28*math.Pi/180) - math.Tan(15*math.Pi/180)) // 14.5 cm
	if dist.Status != TooLittleData || h.Status != Advise || h.DistanceMeasured || h.DistanceCM != 55 || math.Abs(h.ChangeCM-want) > 1e-9 {
		t.Fatalf("height %+v\ndistance %+v", h, dist)
	}
	if !strings.Contains(h.Assumption, "at a typical 55 cm (your distance has too little data) takes 55 × (tan 28° − tan 15°) = 15 cm") {
		t.Errorf("assumption %q", h.Assumption)
	}
}

// A dismissed piece of advice is still checked but not given.
func TestDeskAdviceDismissed(t *testing.T) {
	var ds []desk
	for d := 16; d <= 22; d++ {
		ds = append(ds, desk{day: d, n: 90, pitch: 24, dist: 40, yaw: 0})
	}
	d := DeskAdvice(week(ds...), lastDay, []string{"screen-height", "not-an-id"})
	h, _ := d.Check(ScreenHeight)
	if h.Status != Advise || !h.Dismissed {
		t.Fatalf("height %+v", h)
	}
	adv := d.Advice()
	if len(adv) != 1 || adv[0].ID != ScreenDistance {
		t.Fatalf("advice %+v, want the distance only", adv)
	}
}

// Minutes fall on the local day of the window's zone: 23:30 local on the
// 15th is outside the window even though it is the 16th in UTC.
func TestDeskAdviceLocalDays(t *testing.T) {
	var ds []desk
	for d := 16; d <= 20; d++ {
		ds = append(ds, desk{day: d, n: 60, pitch: 24, dist: 60, yaw: 0})
	}
	late := desk{day: 15, n: 30, pitch: 24, dist: 60, yaw: 0, startHour: 23}.minutes()
	ds[0].n = 30 // the 16th has 30 minutes of its own: with the 15th's it would count
	d := DeskAdvice(append(week(ds...), late...), lastDay, nil)
	if c := d.Checks[0]; c.Days != 4 || c.Status != TooLittleData {
		t.Errorf("%d days counted (%s), want 4: the 15th's late minutes are not the 16th's", c.Days, c.Status)
	}
}

func TestParseAdviceID(t *testing.T) {
	for _, id := range AdviceIDs {
		if got, err := ParseAdviceID(string(id)); err != nil || got != id {
			t.Errorf("ParseAdviceID(%q) = %q, %v", id, got, err)
		}
	}
	if _, err := ParseAdviceID("chair"); err == nil || !strings.Contains(err.Error(), "screen-height, screen-distance, screen-side") {
		t.Errorf("ParseAdviceID(chair): %v", err)
	}
}

func TestSetupByDay(t *testing.T) {
	ms := week(desk{day: 20, n: 30, pitch: 12, dist: 58, yaw: -3}, desk{day: 20, n: 10, pitch: 30, noDist: true, yaw: 40, startHour: 15},
		desk{day: 22, n: 5, pitch: 7, dist: 70, yaw: 2})
	got := SetupByDay(ms, nov(19), nov(22))
	if len(got) != 4 || !got[0].Date.Equal(nov(19)) || !got[3].Date.Equal(nov(22)) {
		t.Fatalf("%+v", got)
	}
	if d := got[1]; d.Pitch.Minutes != 40 || d.Pitch.Value != 12 || d.Distance.Minutes != 30 || d.Distance.Value != 58 || d.Yaw.Value != -3 || d.Pitch.Enough {
		t.Errorf("20 Nov %+v", d)
	}
	if d := got[0]; d.Pitch.Minutes != 0 || d.Distance.Minutes != 0 {
		t.Errorf("19 Nov %+v", d)
	}
	if d := got[3]; d.Pitch.Value != 7 || d.Distance.Value != 70 || d.Yaw.Minutes != 5 {
		t.Errorf("22 Nov %+v", d)
	}
}
