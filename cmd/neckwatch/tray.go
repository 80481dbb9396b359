package main

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/neckwatch/neckwatch/coach"
	"github.com/neckwatch/neckwatch/daemon"
	"github.com/neckwatch/neckwatch/history"
	"github.com/neckwatch/neckwatch/landmark"
	"github.com/neckwatch/neckwatch/tray"
)

// trayActions carries out the tray menu on the running daemon. Menu calls
// arrive on the tray's goroutine and must return quickly, so the slow ones
// (recalibration samples the camera) run in their own goroutine.
type trayActions struct {
	ctx        context.Context
	d          *daemon.Daemon
	quit       context.CancelFunc
	log        *slog.Logger
	openReport func() error
}

// Pause runs in its own goroutine: it returns once the sampling loop has
// the camera off, which may take a burst's time.
func (a trayActions) Pause(d time.Duration) { go a.d.Pause(d) }

// PauseUntilTomorrow pauses until the next local midnight.
func (a trayActions) PauseUntilTomorrow() {
	now := time.Now()
	y, m, day := now.Date()
	go a.d.Pause(time.Date(y, m, day+1, 0, 0, 0, 0, now.Location()).Sub(now))
}

func (a trayActions) Snooze(d time.Duration) { a.d.Snooze(d) }
func (a trayActions) StartBreak()            { go a.d.StartBreak() }
func (a trayActions) Quit()                  { a.quit() }

// Recalibrate from the tray is the guided calibration: a countdown
// notification gives the user time to sit back after clicking, and a
// second one gives the result.
func (a trayActions) Recalibrate() { go a.d.StartGuidedCalibration() }

// AddTiredPosture from the tray is the guided tired-posture step, counted
// down like Recalibrate.
func (a trayActions) AddTiredPosture() { go a.d.StartGuidedTiredPosture() }

func (a trayActions) OpenReport() {
	go func() {
		if a.openReport == nil {
			a.log.Warn("no report: the history is off")
			return
		}
		if err := a.openReport(); err != nil {
			a.log.Warn("cannot open today's report", "err", err)
		}
	}()
}

// trayModel turns the daemon's status into what the icon shows. The
// posture colour is the coach's phase, the one status reports: amber only
// once a bad posture has lasted past its onset, not on one bad sample.
func trayModel(st daemon.Status, uprightPct float64) tray.Model {
	m := tray.Model{State: tray.StateUnknown, UprightPct: uprightPct, NextBreakIn: -1}
	p := st.Policy
	switch {
	case p.Paused:
		m.State = tray.StatePaused
	case st.CameraProblem != "" && st.Camera != landmark.CameraIdle && st.Camera != landmark.CameraOpen:
		m.State, m.Detail = tray.StateCameraProblem, "camera "+string(st.Camera)
	case p.Phase == coach.PhaseAway:
		m.State = tray.StateAway
	case p.Phase == coach.PhaseBad:
		m.State = tray.StateForwardHead
	case p.Phase == coach.PhaseUpright:
		m.State = tray.StateUpright
	case p.Phase == coach.PhaseSnoozed:
		// Alerts are off, the watching goes on: the posture as the coach
		// holds it, bad only past its onset.
		m.State = tray.StateUpright
		if p.Posture.Bad() && p.OnsetProgress >= 1 {
			m.State = tray.StateForwardHead
		}
	}
	if st.Policy.BreaksToday < st.Policy.MaxBreaksPerDay && st.Policy.TimeToBreak > 0 {
		m.NextBreakIn = st.Policy.TimeToBreak
	}
	return m
}

// startTray shows the tray icon and keeps it current until ctx ends.
// Without a tray host it logs that once and returns: the daemon runs
// headless.
func startTray(ctx context.Context, acts trayActions, uprightToday func() float64, log *slog.Logger) {
	t, err := tray.Start(ctx, acts, log)
	if errors.Is(err, tray.ErrNoTrayHost) {
		log.Info("no system tray host; running without a tray icon", "err", err)
		return
	}
	if err != nil {
		log.Warn("tray icon unavailable; running without it", "err", err)
		return
	}
	go func() {
		defer t.Close()
		tick := time.NewTicker(2 * time.Second)
		defer tick.Stop()
		pct, pctAt := -1.0, time.Time{}
		for {
			if uprightToday != nil && time.Since(pctAt) > time.Minute {
				pct, pctAt = uprightToday(), time.Now()
			}
			t.Update(trayModel(acts.d.Status(), pct))
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
}

// uprightToday is today's upright share of present time in percent, or -1
// when there is nothing yet.
func uprightToday(store *history.Store) float64 {
	today := midnight(time.Now())
	days, err := store.Days(today, today.AddDate(0, 0, 1))
	if err != nil || len(days) == 0 || days[0].Present <= 0 {
		return -1
	}
	return 100 * days[0].UprightFraction()
}
