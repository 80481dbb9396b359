package coach

import (
	"strings"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/posture"
)

// firstAlert runs one bad run of verdicts from vs (cycled, one every 5 s)
// until the alert and returns it.
func firstAlert(t *testing.T, baseline *float64, vs ...posture.Verdict) Alert {
	t.Helper()
	s := newSim(t, noBreaks(), baseline, t0)
	for i := 0; i < 100; i++ {
		evs := s.run(5*time.Second, 5*time.Second, vs[i%len(vs)])
		if a := ofKind[Alert](evs, PostureAlert); len(a) > 0 {
			return a[0]
		}
	}
	t.Fatal("no alert")
	return Alert{}
}

func TestAlertTextFigures(t *testing.T) {
	// Medians: forward 3,4,4,5,40 -> 4; angle 40,41,41,42,20 -> 41.
	vs := []posture.Verdict{
		fwdFig(0.6, 3, 40, true), fwdFig(0.6, 4, 41, true), fwdFig(0.6, 40, 20, true),
		fwdFig(0.6, 4, 41, true), fwdFig(0.6, 5, 42, true),
	}
	a := firstAlert(t, f64(50), vs...)
	for _, w := range []string{"about 4 cm forward", "neck angle 41° against your 50° baseline", "for the last 50 s",
		"chin tucks", "shoulder blades", "belly breaths", "screen", "20-second reset"} {
		if !strings.Contains(shown(a).Body, w) {
			t.Errorf("body lacks %q:\n%s", w, shown(a).Body)
		}
	}
	if a.ForwardCM == nil || *a.ForwardCM != 4 || a.NeckAngleDeg == nil || *a.NeckAngleDeg != 41 ||
		a.BaselineNeckAngleDeg == nil || *a.BaselineNeckAngleDeg != 50 {
		t.Errorf("figures %+v", a)
	}
	if a.Severity < 0.59 || a.Severity > 0.61 || a.BadFor != DefaultOnset {
		t.Errorf("severity %v bad for %v", a.Severity, a.BadFor)
	}
	if lines := strings.Count(shown(a).Body, "\n") + 1; lines > 3 || len(shown(a).Body) > 400 {
		t.Errorf("alert body too long (%d lines, %d bytes):\n%s", lines, len(shown(a).Body), shown(a).Body)
	}
}

func TestAlertTextNeverClaimsMissingBaseline(t *testing.T) {
	tests := []struct {
		name     string
		baseline *float64
		v        posture.Verdict
	}{
		{"not calibrated", nil, fwdFig(0.6, 4, 41, false)},
		{"verdicts calibrated but no baseline given", nil, fwdFig(0.6, 4, 41, true)},
		{"baseline given but verdicts on population defaults", f64(50), fwdFig(0.6, 4, 41, false)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := firstAlert(t, tc.baseline, tc.v)
			if strings.Contains(strings.ToLower(shown(a).Body), "baseline") || a.BaselineNeckAngleDeg != nil {
				t.Errorf("claims a baseline:\n%s", shown(a).Body)
			}
			if !strings.Contains(shown(a).Body, "41°") || !strings.Contains(shown(a).Body, "4 cm") {
				t.Errorf("figures missing:\n%s", shown(a).Body)
			}
		})
	}
}

func TestAlertTextPerState(t *testing.T) {
	withFig := func(v posture.Verdict) posture.Verdict {
		v.NeckAngleDeg, v.ForwardCM, v.Calibrated = f64(38), f64(3), true
		return v
	}
	tests := []struct {
		state posture.State
		v     posture.Verdict
		want  []string
	}{
		{posture.ForwardHead, withFig(fwd(0.7)), []string{"Head", "about 3 cm forward", "chin tucks"}},
		{posture.Slouch, withFig(slouch(0.7)), []string{"Slumped", "slumped", "sit back", "38°", "chair"}},
		{posture.Lean, withFig(lean(0.7)), []string{"Leaning", "leaning to one side", "sit bones", "38°"}},
	}
	seen := map[string]bool{}
	for _, tc := range tests {
		a := firstAlert(t, f64(50), tc.v)
		if a.State != tc.state {
			t.Errorf("%s: event state %s", tc.state, a.State)
		}
		for _, w := range tc.want {
			if !strings.Contains(shown(a).Title+"\n"+shown(a).Body, w) {
				t.Errorf("%s: lacks %q:\n%s\n%s", tc.state, w, shown(a).Title, shown(a).Body)
			}
		}
		if seen[shown(a).Title] || seen[shown(a).Body] {
			t.Errorf("%s: same text as another state", tc.state)
		}
		seen[shown(a).Title], seen[shown(a).Body] = true, true
	}

	// The dominant state of the run names the alert.
	a := firstAlert(t, nil, slouch(0.5), slouch(0.5), fwd(0.5))
	if a.State != posture.Slouch {
		t.Errorf("mixed run named %s, want slouch", a.State)
	}
}

func TestAlertTextWithoutFigures(t *testing.T) {
	a := firstAlert(t, f64(50), fwd(0.5))
	if !strings.HasPrefix(shown(a).Body, "Your head has been forward for the last 50 s.\n") || a.ForwardCM != nil {
		t.Errorf("body:\n%s", shown(a).Body)
	}
}

func TestFmtDur(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0 s"},
		{time.Second, "1 s"},
		{50 * time.Second, "50 s"},
		{52 * time.Second, "50 s"},
		{time.Minute, "1 min"},
		{75 * time.Second, "75 s"},
		{2 * time.Minute, "2 min"},
		{19*time.Minute + 20*time.Second, "19 min"},
		{time.Hour, "1 h"},
		{80 * time.Minute, "1 h 20 min"},
		{-time.Second, "0 s"},
	}
	for _, tc := range tests {
		if got := fmtDur(tc.d); got != tc.want {
			t.Errorf("fmtDur(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

// noticeOf shows the decisions meant for the user, worded from their
// figures, each in its category, and only records the rest.
func TestNoticeOf(t *testing.T) {
	cases := []struct {
		e        Event
		category string // "": not shown
		inBody   string
	}{
		{Alert{EventMeta: EventMeta{Kind: PostureAlert}, State: posture.Slouch, BadFor: 75 * time.Second}, "neckwatch.posture", "slumped for the last 75 s"},
		{Correction{EventMeta: EventMeta{Kind: PostureCorrected}, Ack: true, CorrectedWithinMinute: true, CorrectedAfter: 20 * time.Second}, "neckwatch.posture", "20 s after the reminder"},
		{Correction{EventMeta: EventMeta{Kind: PostureCorrected}, CorrectedWithinMinute: true}, "", ""},
		{BreakNotice{EventMeta: EventMeta{Kind: PreBreakNotice}, Load: 18 * time.Minute, Lead: 2 * time.Minute, BreakLength: 5 * time.Minute}, "neckwatch.break", "18 min of forward-head load"},
		{BreakStart{EventMeta: EventMeta{Kind: BreakSuggested}, Load: 20 * time.Minute, BreakLength: 5 * time.Minute, SafetyNote: true}, "neckwatch.break", SafetyNote},
		{BreakStart{EventMeta: EventMeta{Kind: BreakSuggested}, Manual: true, BreakLength: 5 * time.Minute}, "neckwatch.break", "tell you when the 5 min are up"},
		{BreakEnd{EventMeta: EventMeta{Kind: BreakTaken}, AwayFor: 5 * time.Minute}, "", ""},
		{BreakEnd{EventMeta: EventMeta{Kind: BreakSkipped}}, "", ""},
		{Command{EventMeta: EventMeta{Kind: Resumed}, For: 10 * time.Minute}, "", ""},
		{Command{EventMeta: EventMeta{Kind: Paused}}, "", ""},
		{Command{EventMeta: EventMeta{Kind: Calibrated}}, "", ""},
	}
	for _, c := range cases {
		n, ok := noticeOf(c.e)
		if ok != (c.category != "") || n.Category != c.category || !strings.Contains(n.Body, c.inBody) {
			t.Errorf("%s: shown %v in %q:\n%s\nwant shown %v in %q with %q", c.e.Meta().Kind, ok, n.Category, n.Body, c.category != "", c.category, c.inBody)
		}
	}
}
