package main

import (
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/coach"
	"github.com/neckwatch/neckwatch/daemon"
	"github.com/neckwatch/neckwatch/tray"
	"github.com/neckwatch/neckwatch/vision"
)

func TestTrayModelFollowsTheDaemon(t *testing.T) {
	sample := func(state string) *daemon.SampleStatus { return &daemon.SampleStatus{State: state} }
	cases := []struct {
		name string
		st   daemon.Status
		want tray.State
	}{
		{"no sample yet", daemon.Status{}, tray.StateUnknown},
		{"upright", daemon.Status{LastSample: sample("upright")}, tray.StateUpright},
		{"slouch shows as needing attention", daemon.Status{LastSample: sample("slouch")}, tray.StateForwardHead},
		{"away", daemon.Status{LastSample: sample("away")}, tray.StateAway},
		{"paused wins", daemon.Status{LastSample: sample("forward_head"), Policy: coach.Status{Paused: true}}, tray.StatePaused},
		{"camera busy", daemon.Status{Camera: vision.CameraBusy, CameraProblem: "busy", LastSample: sample("upright")}, tray.StateCameraProblem},
		{"problem cleared by a good sample", daemon.Status{Camera: vision.CameraIdle, LastSample: sample("upright")}, tray.StateUpright},
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
