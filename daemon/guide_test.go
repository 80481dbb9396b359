package daemon

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/coach"
	"github.com/neckwatch/neckwatch/notify"
	"github.com/neckwatch/neckwatch/notify/notifytest"
	"github.com/neckwatch/neckwatch/posture"
)

// guideDaemon is an uncalibrated daemon on a stepping clock whose
// recalibrator fails with fail, or succeeds; calls counts its calls.
func guideDaemon(t *testing.T, cfg coach.Config, steps []step, fail error) (*Daemon, *notifytest.Recorder, *int) {
	return guideDaemonWith(t, cfg, coach.SessionOptions{CanCalibrate: true}, steps, fail)
}

func guideDaemonWith(t *testing.T, cfg coach.Config, so coach.SessionOptions, steps []step, fail error) (*Daemon, *notifytest.Recorder, *int) {
	t.Helper()
	rec := &notifytest.Recorder{}
	d, s, _ := newTestDaemonWith(t, steps, cfg, so, rec)
	d.opt.Now = steppingClock(time.Second)
	s.now = d.opt.Now
	var mu sync.Mutex
	calls := 0
	d.opt.Recalibrate = func(frames []Sample) (*posture.Classifier, error) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if len(frames) != 3 {
			t.Errorf("recalibrated from %d samples, want 3", len(frames))
		}
		// Whole bursts, even of a clearly upright user: a calibration's
		// spread needs its frames.
		for i, f := range frames {
			if len(f.Frames) != 5 {
				t.Errorf("calibration sample %d: %d frames, want 5", i, len(f.Frames))
			}
		}
		if fail != nil {
			return nil, fail
		}
		return posture.NewClassifier(posture.Front, &posture.Baseline{View: posture.Front}), nil
	}
	return d, rec, &calls
}

func titles(rec *notifytest.Recorder) []string {
	var out []string
	for _, n := range rec.Notifications() {
		out = append(out, n.Title)
	}
	return out
}

// Started uncalibrated, the daemon offers a calibration once the user is
// at the desk (once per run, with Calibrate now / Later buttons); choosing
// Calibrate now counts down, calibrates from the camera and reports the
// result; the calibrated daemon does not offer it again.
func TestFirstRunGuideCalibrates(t *testing.T) {
	clearlyUpright := verdict(posture.Upright, 0)
	clearlyUpright.Score = -0.8 // ends a burst of the daemon's own after one frame
	steps := append(repeat(verdict(posture.Away, 0), 5), repeat(clearlyUpright, 200)...)
	d, rec, calls := guideDaemon(t, coach.DefaultConfig(), steps, nil)
	var once sync.Once
	d.opt.OnSample = func(s Sample) {
		// The user answers the prompt as soon as it appears (from the
		// loop's goroutine here, so the script cannot end first).
		for _, n := range rec.Notifications() {
			if n.Category == coach.PromptCategory && len(n.Actions) == 2 {
				once.Do(func() {
					d.HandleAction(notify.ActionEvent{Category: coach.PromptCategory, Key: coach.ActionCalibrateNow})
				})
			}
		}
	}
	if err := d.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := titles(rec)
	want := []string{"Calibrate neckwatch to your posture", "Calibrating in 5 seconds", "Calibrated"}
	if strings.Join(got, " | ") != strings.Join(want, " | ") {
		t.Fatalf("notifications %q, want %q", got, want)
	}
	prompt := rec.Notifications()[0]
	if prompt.Actions[0] != (notify.Action{Key: notify.ActionDefault, Label: "Calibrate now"}) || prompt.Actions[1].Key != coach.ActionLater {
		t.Errorf("prompt actions %+v", prompt.Actions)
	}
	if !strings.Contains(prompt.Body, "neckwatch recalibrate") {
		t.Errorf("the prompt does not say what to do without buttons: %q", prompt.Body)
	}
	if *calls != 1 || d.Classifier().Baseline == nil {
		t.Errorf("recalibrator called %d times, baseline %v", *calls, d.Classifier().Baseline)
	}
}

// Later leaves the daemon on population figures and does not ask again in
// this run; a failed calibration says why and how to retry.
func TestFirstRunGuideLaterAndFailure(t *testing.T) {
	d, rec, calls := guideDaemon(t, coach.DefaultConfig(), repeat(verdict(posture.Upright, 0), 100), nil)
	d.opt.OnSample = func(Sample) {
		d.HandleAction(notify.ActionEvent{Category: coach.PromptCategory, Key: coach.ActionLater})
	}
	if err := d.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := titles(rec); len(got) != 1 || *calls != 0 {
		t.Errorf("after Later: notifications %q, %d calibrations; want the one prompt and none", got, *calls)
	}

	d, rec, _ = guideDaemon(t, coach.DefaultConfig(), repeat(verdict(posture.Upright, 0), 100), errors.New("no face in 12 of 15 frames"))
	d.StartGuidedCalibration()
	d.StartGuidedCalibration() // a second click during the countdown changes nothing
	if err := d.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	ns := rec.Notifications()
	if len(ns) != 2 || ns[1].Title != "Calibration did not work" || !strings.Contains(ns[1].Body, "no face in 12 of 15 frames") || !strings.Contains(ns[1].Body, "Recalibrate") {
		t.Fatalf("notifications %+v, want the countdown and the failure with its reason", ns)
	}
}

// The prompt waits for the user and for the silence to end: not while
// away, not in quiet hours; a calibrated daemon never shows it.
func TestFirstRunGuideWaits(t *testing.T) {
	cfg := coach.DefaultConfig()
	now := time.Now()
	cfg.QuietStart, cfg.QuietEnd = now.Add(-time.Hour).Format("15:04"), now.Add(2*time.Hour).Format("15:04")
	for _, tc := range []struct {
		name  string
		cfg   coach.Config
		steps []step
		calib bool
	}{
		{"away", coach.DefaultConfig(), repeat(verdict(posture.Away, 0), 50), false},
		{"quiet hours", cfg, repeat(verdict(posture.Upright, 0), 50), false},
		{"calibrated", coach.DefaultConfig(), repeat(verdict(posture.Upright, 0), 50), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, rec, _ := guideDaemonWith(t, tc.cfg, coach.SessionOptions{CanCalibrate: true, Calibrated: tc.calib}, tc.steps, nil)
			if err := d.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			for _, n := range rec.Notifications() {
				if n.Category == coach.PromptCategory || n.Category == coach.CalibrationCategory {
					t.Errorf("prompt shown: %q", n.Title)
				}
			}
		})
	}
}
