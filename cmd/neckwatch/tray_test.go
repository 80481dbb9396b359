package main

import (
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/coach"
	"github.com/neckwatch/neckwatch/daemon"
	"github.com/neckwatch/neckwatch/landmark"
	"github.com/neckwatch/neckwatch/tray"
)

func TestTrayModelFollowsTheDaemon(t *testing.T) {
	sample := func(state string) *daemon.SampleStatus { return &daemon.SampleStatus{State: state} }
	phase := func(ph coach.Phase) coach.Status { return coach.Status{Phase: ph} }
	cases := []struct {
		name string
		st   daemon.Status
		want tray.State
	}{
		{"no sample yet", daemon.Status{Policy: phase(coach.PhaseUnknown)}, tray.StateUnknown},
		{"upright", daemon.Status{LastSample: sample("upright"), Policy: phase(coach.PhaseUpright)}, tray.StateUpright},
		// One bad sample is the onset under way: status says upright, so does the icon.
		{"one bad sample", daemon.Status{LastSample: sample("slouch"), Policy: coach.Status{Phase: coach.PhaseUpright, Posture: "slouch", OnsetProgress: 0.2}}, tray.StateUpright},
		{"past the onset shows as needing attention", daemon.Status{LastSample: sample("slouch"), Policy: phase(coach.PhaseBad)}, tray.StateForwardHead},
		{"away", daemon.Status{LastSample: sample("away"), Policy: phase(coach.PhaseAway)}, tray.StateAway},
		{"snoozed, bad past the onset", daemon.Status{Policy: coach.Status{Phase: coach.PhaseSnoozed, Snoozed: true, Posture: "forward_head", OnsetProgress: 1}}, tray.StateForwardHead},
		{"snoozed, upright", daemon.Status{Policy: coach.Status{Phase: coach.PhaseSnoozed, Snoozed: true, Posture: "upright"}}, tray.StateUpright},
		{"paused wins", daemon.Status{LastSample: sample("forward_head"), Policy: coach.Status{Phase: coach.PhasePaused, Paused: true}}, tray.StatePaused},
		{"camera busy", daemon.Status{Camera: landmark.CameraBusy, CameraProblem: "busy", LastSample: sample("upright"), Policy: phase(coach.PhaseUpright)}, tray.StateCameraProblem},
		{"problem cleared by a good sample", daemon.Status{Camera: landmark.CameraIdle, LastSample: sample("upright"), Policy: phase(coach.PhaseUpright)}, tray.StateUpright},
	}
	for _, tc := range cases {
		if got := trayModel(tc.st, 70).State; got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
	m := trayModel(daemon.Status{Policy: coach.Status{MaxBreaksPerDay: 1, TimeToBreak: 25 * time.Minute}}, 72)
	if m.NextBreakIn != 25*time.Minute || m.UprightPct != 72 {
		t.Errorf("model %+v", m)
	}
	if m := trayModel(daemon.Status{Policy: coach.Status{MaxBreaksPerDay: 1, BreaksToday: 1, TimeToBreak: time.Minute}}, -1); m.NextBreakIn != -1 {
		t.Errorf("no more breaks today, but next break in %v", m.NextBreakIn)
	}
}
