package tray

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestTooltip(t *testing.T) {
	tests := []struct {
		name string
		m    Model
		want string
	}{
		{"upright", Model{State: StateUpright, UprightPct: 72, NextBreakIn: 25 * time.Minute},
			"neckwatch — upright\nToday 72% upright · next break in ~25 min"},
		{"forward head rounds", Model{State: StateForwardHead, UprightPct: 64.6, NextBreakIn: 4*time.Minute + 40*time.Second},
			"neckwatch — posture needs attention\nToday 65% upright · next break in ~5 min"},
		{"hours", Model{State: StateUpright, UprightPct: 100, NextBreakIn: 80 * time.Minute},
			"neckwatch — upright\nToday 100% upright · next break in ~1 h 20 min"},
		{"whole hours", Model{State: StateUpright, UprightPct: 0, NextBreakIn: 2 * time.Hour},
			"neckwatch — upright\nToday 0% upright · next break in ~2 h"},
		{"break due", Model{State: StateAway, UprightPct: 50, NextBreakIn: 20 * time.Second},
			"neckwatch — away\nToday 50% upright · break due now"},
		{"break due at zero", Model{State: StateUpright, UprightPct: 50, NextBreakIn: 0},
			"neckwatch — upright\nToday 50% upright · break due now"},
		{"no more breaks", Model{State: StatePaused, UprightPct: 88, NextBreakIn: -1},
			"neckwatch — paused\nToday 88% upright"},
		{"pct unknown", Model{State: StateUpright, UprightPct: -1, NextBreakIn: 10 * time.Minute},
			"neckwatch — upright\nnext break in ~10 min"},
		{"NaN pct", Model{State: StateUpright, UprightPct: math.NaN(), NextBreakIn: -1},
			"neckwatch — upright"},
		{"over 100 clamps", Model{State: StateUpright, UprightPct: 130, NextBreakIn: -1},
			"neckwatch — upright\nToday 100% upright"},
		{"all unknown", Model{State: StateUnknown, UprightPct: -1, NextBreakIn: -1},
			"neckwatch — status unknown"},
		{"detail", Model{State: StateCameraProblem, UprightPct: -1, NextBreakIn: -1, Detail: " camera busy "},
			"neckwatch — camera problem (camera busy)"},
		{"invented state", Model{State: "levitating", UprightPct: -1, NextBreakIn: -1},
			"neckwatch — status unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Tooltip(tt.m); got != tt.want {
				t.Errorf("Tooltip(%+v) =\n%q\nwant\n%q", tt.m, got, tt.want)
			}
			if got, want := Title(tt.m), strings.SplitN(tt.want, "\n", 2)[0]; got != want {
				t.Errorf("Title(%+v) = %q, want the tooltip's first line %q", tt.m, got, want)
			}
		})
	}
}

func TestLabelsDistinct(t *testing.T) {
	seen := map[string]State{}
	for _, s := range states {
		l := s.Label()
		if prev, ok := seen[l]; ok {
			t.Errorf("states %s and %s share the label %q", prev, s, l)
		}
		seen[l] = s
	}
}
