package tray

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// State is what the tray icon's colour and glyph show.
type State string

// The states the tray can show. They are coarser than the daemon's own
// phases on purpose: a panel icon of about 22 px can carry a colour and a
// simple shape, not a taxonomy.
const (
	// StateUpright: posture is fine (green, upright figure).
	StateUpright State = "upright"
	// StateForwardHead covers forward head, slouch and lean alike: "posture
	// needs attention" (amber, figure with the head pushed forward).
	StateForwardHead State = "forward-head"
	// StateAway: nobody in front of the camera (grey ring, no figure).
	StateAway State = "away"
	// StatePaused: monitoring paused by the user (blue, pause bars).
	StatePaused State = "paused"
	// StateCameraProblem: the camera cannot be opened or read (red, "!").
	StateCameraProblem State = "camera-problem"
	// StateUnknown: no recent sample yet, e.g. while starting (light grey).
	StateUnknown State = "unknown"
)

// states lists every known state, in a stable order (for icon caching and
// tests).
var states = []State{StateUpright, StateForwardHead, StateAway, StatePaused, StateCameraProblem, StateUnknown}

// known maps any State value onto one the tray can draw: a value the
// daemon invents later must still give an icon and a tooltip.
func (s State) known() State {
	for _, k := range states {
		if s == k {
			return s
		}
	}
	return StateUnknown
}

// Label is the state as the user reads it in the tooltip and title.
func (s State) Label() string {
	switch s.known() {
	case StateUpright:
		return "upright"
	case StateForwardHead:
		return "posture needs attention"
	case StateAway:
		return "away"
	case StatePaused:
		return "paused"
	case StateCameraProblem:
		return "camera problem"
	default:
		return "status unknown"
	}
}

// Model is everything the tray displays. The zero value is not "unknown"
// for the numbers (0 % upright, break due now), so callers that lack a
// figure must say so with -1.
type Model struct {
	State State
	// UprightPct is today's upright share, 0..100; negative (or NaN) when
	// unknown, e.g. before the first sample of the day.
	UprightPct float64
	// NextBreakIn is the time left until the next traction break is due;
	// negative when unknown or when no break is due any more today.
	NextBreakIn time.Duration
	// Detail qualifies the state in a few words, e.g. "camera busy".
	Detail string
}

// appName starts the title and the tooltip: a tray holds many icons, and
// the tooltip is how the user finds out which one is ours.
const appName = "neckwatch"

// Title is the first line of the tooltip, also used as the item's Title
// property: "neckwatch — upright", with the Detail in parentheses.
func Title(m Model) string {
	t := appName + " — " + m.State.Label()
	if d := strings.TrimSpace(m.Detail); d != "" {
		t += " (" + d + ")"
	}
	return t
}

// Tooltip is the tooltip text for m, e.g.
//
//	neckwatch — upright
//	Today 72% upright · next break in ~25 min
//
// The second line leaves out what is unknown, and is left out when it
// would be empty.
func Tooltip(m Model) string {
	var parts []string
	if p := m.UprightPct; p >= 0 && !math.IsNaN(p) {
		parts = append(parts, fmt.Sprintf("Today %d%% upright", int(math.Round(math.Min(p, 100)))))
	}
	if m.NextBreakIn >= 0 {
		parts = append(parts, breakText(m.NextBreakIn))
	}
	if len(parts) == 0 {
		return Title(m)
	}
	return Title(m) + "\n" + strings.Join(parts, " · ")
}

// breakText words the time to the next break. It is rounded to the minute
// and marked approximate: the daemon moves the break as the load changes,
// so seconds would be false precision (and would change the tooltip, and
// send a D-Bus signal, every second).
func breakText(d time.Duration) string {
	if d < time.Minute {
		return "break due now"
	}
	mins := int((d + 30*time.Second) / time.Minute)
	if mins < 60 {
		return fmt.Sprintf("next break in ~%d min", mins)
	}
	if mins%60 == 0 {
		return fmt.Sprintf("next break in ~%d h", mins/60)
	}
	return fmt.Sprintf("next break in ~%d h %d min", mins/60, mins%60)
}
