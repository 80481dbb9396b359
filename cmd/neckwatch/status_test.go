package main

import (
	"strings"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/coach"
	"github.com/neckwatch/neckwatch/daemon"
	"github.com/neckwatch/neckwatch/landmark"
)

// The human status agrees with itself and the README: a pause shows the
// camera off, no sample until it ends and its end to the second when near;
// after a resume the alerts are on (waiting for a sample), not "unknown";
// a camera open a little is not "0.0%"; a configuration that could not be
// reloaded shows until a reload works.
func TestStatusTellsTheTruth(t *testing.T) {
	now := time.Now()
	base := func() daemon.Status {
		return daemon.Status{PID: 77, Source: "0", View: "front", Started: now.Add(-time.Hour), Camera: landmark.CameraIdle,
			CameraOpenPct: 12.5, NextSampleIn: "5s", Notifications: "ok", History: "ok",
			Policy: coach.Status{Phase: coach.PhaseUpright, Onset: 50 * time.Second, Budget: 20 * time.Minute, MaxBreaksPerDay: 1}}
	}
	cases := []struct {
		name   string
		edit   func(*daemon.Status)
		want   []string
		unwant []string
	}{
		{"paused 20 s", func(s *daemon.Status) {
			s.Camera, s.NextSampleIn = landmark.CameraOff, "after the pause"
			s.Policy.Phase, s.Policy.Paused, s.Policy.PausedUntil = coach.PhasePaused, true, now.Add(20*time.Second)
		}, []string{"camera:        off;", "next sample after the pause", "alerts:        paused until " + now.Add(20*time.Second).Local().Format("15:04:05") + " (camera off)"},
			[]string{"next sample in"}},
		{"paused with the camera missing before", func(s *daemon.Status) {
			s.Camera, s.CameraProblem, s.NextSampleIn = landmark.CameraOff, "camera 7: not found", "after the pause"
			s.Policy.Phase, s.Policy.Paused = coach.PhasePaused, true
		}, []string{"camera:        off (paused); before the pause: camera 7: not found;"}, []string{"off: camera 7"}},
		{"paused until resumed", func(s *daemon.Status) {
			s.Camera, s.NextSampleIn = landmark.CameraOff, "after the pause"
			s.Policy.Phase, s.Policy.Paused = coach.PhasePaused, true
		}, []string{"alerts:        paused until `neckwatch resume` (camera off)"}, nil},
		{"paused until tomorrow", func(s *daemon.Status) {
			s.Policy.Phase, s.Policy.Paused, s.Policy.PausedUntil = coach.PhasePaused, true, now.Add(30*time.Hour)
		}, []string{"paused until " + now.Add(30*time.Hour).Local().Format("Mon 2 Jan 15:04")}, nil},
		{"just resumed", func(s *daemon.Status) { s.Policy.Phase = coach.PhaseUnknown },
			[]string{"alerts:        on; waiting for a sample"}, []string{"unknown"}},
		{"snoozed while bad", func(s *daemon.Status) {
			s.Policy.Phase, s.Policy.Snoozed, s.Policy.SnoozedUntil, s.Policy.Bad = coach.PhaseSnoozed, true, now.Add(10*time.Minute), true
		}, []string{"alerts:        snoozed until " + now.Add(10*time.Minute).Local().Format("15:04:05") + " (breaks still come); posture needs attention"}, nil},
		{"camera open a little", func(s *daemon.Status) { s.CameraOpenPct = 0.04 },
			[]string{"open under 0.1% of the time"}, []string{"0.0%"}},
		{"camera never opened", func(s *daemon.Status) { s.CameraOpenPct = 0; s.Camera = landmark.CameraAbsent },
			[]string{"camera:        absent; not opened yet"}, []string{"0.0%"}},
		{"broken configuration reloaded", func(s *daemon.Status) { s.ConfigProblem = "config.toml: unknown key alerts.onsett" },
			[]string{"config:        not reloaded, the previous one is in effect: config.toml: unknown key alerts.onsett"}, nil},
		{"pid", func(s *daemon.Status) {}, []string{"pid 77"}, []string{"config:"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := base()
			tc.edit(&st)
			var b strings.Builder
			printStatus(&b, st, now)
			out := b.String()
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("status lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tc.unwant {
				if strings.Contains(out, w) {
					t.Errorf("status has %q:\n%s", w, out)
				}
			}
		})
	}
}
