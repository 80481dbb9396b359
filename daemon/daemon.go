// Package daemon is `neckwatch run`: it samples the camera on a duty
// cycle, follows the posture over time through the alert policy, and
// nudges the user through desktop notifications. It is the composition of
// the other packages: a Sampler (camera or video), the posture classifier,
// coach.Policy, a notify.Notifier and a control socket handler.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/neckwatch/neckwatch/coach"
	"github.com/neckwatch/neckwatch/config"
	"github.com/neckwatch/neckwatch/notify"
	"github.com/neckwatch/neckwatch/posture"
)

// Intervals is the sampling schedule. Sampling adapts: often while the
// posture is bad or changing, rarely while it is stable or nobody is there.
type Intervals struct {
	Changing time.Duration // posture bad, or different from the last sample
	Stable   time.Duration // upright and unchanged
	Away     time.Duration // nobody at the desk
	// BusyBackoff is the first wait after the camera was busy or missing;
	// it doubles up to BusyBackoffMax while the problem lasts.
	BusyBackoff, BusyBackoffMax time.Duration
}

// IntervalsFrom is the sampling schedule of the [sampling] configuration.
// With keep_open the camera is open anyway, so every sample comes at the
// configured rate.
func IntervalsFrom(s config.SamplingConfig) Intervals {
	iv := Intervals{
		Changing: s.IntervalChanging, Stable: s.IntervalStable, Away: s.IntervalAway,
		BusyBackoff: s.BusyBackoff, BusyBackoffMax: s.BusyBackoffMax,
	}
	if s.KeepOpen {
		every := time.Duration(float64(time.Second) / s.KeepOpenFPS)
		iv.Changing, iv.Stable, iv.Away = every, every, every
	}
	return iv
}

// BurstFrom is the number of frames a sample judges under the [sampling]
// configuration: burst_frames on a duty cycle, where a burst makes one
// opening of the camera count; one with keep_open, where the samples come
// keep_open_fps times a second and a burst of three would analyse three
// times the frames the setting names (measured: 7.9% of a core at 2 fps
// against 5.2% with one frame a sample).
func BurstFrom(s config.SamplingConfig) int {
	if s.KeepOpen {
		return 1
	}
	return s.BurstFrames
}

// DefaultIntervals is the default configuration's schedule (see the
// config package for why those figures).
func DefaultIntervals() Intervals { return IntervalsFrom(config.Default().Sampling) }

// Journal records what the daemon sees for the posture history
// (history.Recorder behind an adapter in production). Tick is called every
// few seconds and writes when a minute has closed; its errors are shown in
// status and logged once, and never stop the daemon.
type Journal interface {
	Sample(s Sample)
	Event(e coach.Event)
	// Note records a user action: "paused", "resumed", "snoozed",
	// "calibrated", with a detail such as the duration.
	Note(at time.Time, kind, detail string)
	Tick(now time.Time) error
	Close() error
}

// Recalibrator builds a baseline from the landmarks of upright frames and
// stores it, returning the classifier to judge by from now on.
type Recalibrator func(frames []Sample) (*posture.Classifier, error)

// Options configures a Daemon. Sampler, Classifier, Policy and Notifier are
// required.
type Options struct {
	Sampler    Sampler
	Classifier *posture.Classifier
	Policy     *coach.Policy
	Notifier   notify.Notifier
	// DoNotDisturb, when set, is polled every DNDPoll to hold alerts while
	// the desktop is in do-not-disturb mode.
	DoNotDisturb func(ctx context.Context) (bool, error)
	DNDPoll      time.Duration
	Recalibrate  Recalibrator
	Intervals    Intervals
	Burst        int           // frames per sample
	Tick         time.Duration // how often the policy's clock advances between samples
	// SaveState persists the policy's day state (load, breaks today); called
	// every StateEvery and at shutdown.
	SaveState  func(coach.Snapshot) error
	StateEvery time.Duration
	Logger     *slog.Logger
	Now        func() time.Time
	Source     string // for status
	// OnSample, when set, is called from the sampling loop with every
	// sample taken; it must not block.
	OnSample func(Sample)
	// Journal, when set, keeps the posture history.
	Journal Journal
	// PainPrompt is the daily local time ("HH:MM") of the opt-in
	// pain-score prompt; empty is off.
	PainPrompt string
	// CalibrationCountdown is the wait between the user asking for a
	// guided calibration and the frames taken (see guide.go);
	// DefaultCalibrationCountdown when zero.
	CalibrationCountdown time.Duration
}

// Daemon runs the sampling loop. Its control methods are safe for
// concurrent use with Run (the control socket calls them from its own
// goroutines).
type Daemon struct {
	opt Options
	log *slog.Logger

	mu          sync.Mutex
	cls         *posture.Classifier
	started     time.Time
	last        *Sample
	lastErr     string
	camera      CameraState
	samples     int
	openTotal   time.Duration
	notifyErr   string
	dnd         bool
	nextSample  time.Time
	recalibrate chan chan error
	events      int
	prevState   posture.State
	journalErr  string
	restart     []string  // configuration keys waiting for a restart
	breakEnd    time.Time // end of a user-started break, zero when none
	breakLen    time.Duration
	prompted    string // local day the pain prompt was shown
	promptAt    int    // PainPrompt in minutes after midnight, -1 off
	// guidePrompted: the first-run calibration was offered (or started)
	// in this run; calibrateAt: when a guided calibration is taken (zero:
	// none pending).
	guidePrompted bool
	calibrateAt   time.Time
	guideMu       sync.Mutex // serialises StartGuidedCalibration
}

// New checks the options and returns a daemon ready to Run.
func New(opt Options) (*Daemon, error) {
	switch {
	case opt.Sampler == nil:
		return nil, errors.New("daemon: no sampler")
	case opt.Classifier == nil:
		return nil, errors.New("daemon: no classifier")
	case opt.Policy == nil:
		return nil, errors.New("daemon: no alert policy")
	case opt.Notifier == nil:
		return nil, errors.New("daemon: no notifier")
	}
	if opt.Intervals == (Intervals{}) {
		opt.Intervals = DefaultIntervals()
	}
	if opt.Burst <= 0 {
		opt.Burst = 3
	}
	if opt.Tick <= 0 {
		opt.Tick = 5 * time.Second
	}
	if opt.DNDPoll <= 0 {
		opt.DNDPoll = time.Minute
	}
	if opt.StateEvery <= 0 {
		opt.StateEvery = 5 * time.Minute
	}
	if opt.CalibrationCountdown <= 0 {
		opt.CalibrationCountdown = DefaultCalibrationCountdown
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	promptAt := -1
	if opt.PainPrompt != "" {
		m, err := coach.ParseClock(opt.PainPrompt)
		if err != nil {
			return nil, fmt.Errorf("daemon: pain prompt: %w", err)
		}
		promptAt = m
	}
	return &Daemon{opt: opt, log: opt.Logger, cls: opt.Classifier, camera: CameraIdle, recalibrate: make(chan chan error, 1), promptAt: promptAt}, nil
}

// Classifier returns the classifier currently in use.
func (d *Daemon) Classifier() *posture.Classifier {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.cls
}

// Run samples until ctx is cancelled (returns nil) or a finite source ends
// (returns nil). The camera is released and the state saved on the way out.
func (d *Daemon) Run(ctx context.Context) error {
	defer d.opt.Sampler.Close()
	d.mu.Lock()
	d.started = d.opt.Now()
	d.mu.Unlock()
	defer d.saveState()
	if d.opt.Journal != nil {
		defer func() {
			if err := d.opt.Journal.Close(); err != nil {
				d.log.Warn("history not fully written", "err", err)
			}
		}()
	}
	d.log.Info("neckwatch running", "source", d.opt.Source, "view", d.cls.View, "calibrated", d.cls.Baseline != nil)

	backoff := time.Duration(0)
	lastSave := d.opt.Now()
	lastDND := time.Time{}
	next := d.opt.Now()
	for {
		// Between samples: keep the policy's clock moving (pause expiry,
		// break windows), poll do-not-disturb, persist state now and then.
		for {
			now := d.opt.Now()
			if d.opt.DoNotDisturb != nil && now.Sub(lastDND) >= d.opt.DNDPoll {
				lastDND = now
				d.pollDND(ctx)
			}
			d.deliver(d.policyTick(now))
			d.journalTick(now)
			d.breakOver(now)
			d.painPrompt(now)
			d.firstRunPrompt(now)
			d.guidedCalibration(ctx, now)
			if now.Sub(lastSave) >= d.opt.StateEvery {
				lastSave = now
				d.saveState()
			}
			wait := next.Sub(now)
			if wait <= 0 {
				break
			}
			if wait > d.opt.Tick {
				wait = d.opt.Tick
			}
			if at := d.calibrationDue(); !at.IsZero() && at.Sub(now) < wait {
				wait = max(at.Sub(now), time.Millisecond)
			}
			select {
			case <-ctx.Done():
				return nil
			case reply := <-d.recalibrate:
				reply <- d.runRecalibration(ctx)
			case <-time.After(wait):
			}
		}
		if ctx.Err() != nil {
			return nil
		}
		if d.paused(d.opt.Now()) {
			// Paused: the camera is released, even one kept open between
			// samples, and stays off; look again at the next tick.
			if r, ok := d.opt.Sampler.(Releaser); ok {
				r.Release()
			}
			d.mu.Lock()
			d.camera = CameraOff
			d.mu.Unlock()
			next = d.opt.Now().Add(d.opt.Tick)
			continue
		}
		iv, burst := d.schedule()
		s, err := d.opt.Sampler.Sample(ctx, burst)
		if errors.Is(err, io.EOF) {
			d.log.Info("source ended", "source", d.opt.Source)
			return nil
		}
		d.recordSample(s, err)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			backoff = nextBackoff(backoff, iv)
			d.log.Warn("camera problem, retrying", "state", s.Camera, "err", err, "retry_in", backoff)
			next = d.opt.Now().Add(backoff)
			d.setNext(next)
			continue
		}
		if backoff > 0 {
			d.log.Info("camera available again")
			backoff = 0
		}
		if d.opt.OnSample != nil {
			d.opt.OnSample(s)
		}
		if d.opt.Journal != nil {
			d.opt.Journal.Sample(s)
		}
		events := d.observe(s)
		d.deliver(events)
		next = s.At.Add(d.interval(s))
		d.setNext(next)
	}
}

// schedule returns the sampling settings, which SIGHUP may change.
func (d *Daemon) schedule() (Intervals, int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.opt.Intervals, d.opt.Burst
}

func nextBackoff(cur time.Duration, iv Intervals) time.Duration {
	if cur == 0 {
		return iv.BusyBackoff
	}
	cur *= 2
	if cur > iv.BusyBackoffMax {
		cur = iv.BusyBackoffMax
	}
	return cur
}

func (d *Daemon) setNext(t time.Time) {
	d.mu.Lock()
	d.nextSample = t
	d.mu.Unlock()
}

// interval chooses the wait before the next sample from this one and the
// one before.
func (d *Daemon) interval(s Sample) time.Duration {
	d.mu.Lock()
	iv := d.opt.Intervals
	prev := d.prevState
	d.prevState = s.Verdict.State
	d.mu.Unlock()
	switch {
	case s.Verdict.State == posture.Away && prev == posture.Away:
		return iv.Away
	case s.Verdict.State.Bad() || s.Verdict.State != prev:
		return iv.Changing
	}
	return iv.Stable
}

func (d *Daemon) recordSample(s Sample, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.camera = s.Camera
	d.openTotal += s.OpenFor
	if err != nil {
		d.lastErr = err.Error()
		return
	}
	d.lastErr = ""
	d.samples++
	cp := s
	cp.Frames = nil // landmarks are kept only for recalibration
	d.last = &cp
}

func (d *Daemon) observe(s Sample) []coach.Event {
	d.mu.Lock()
	defer d.mu.Unlock()
	v := s.Verdict
	d.log.Debug("sample", "state", v.State, "severity", v.Severity, "frames", len(s.Verdicts), "latency", s.Latency)
	return d.opt.Policy.Observe(s.At, v)
}

func (d *Daemon) policyTick(now time.Time) []coach.Event {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.opt.Policy.Tick(now)
}

func (d *Daemon) paused(now time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.opt.Policy.Status(now).Paused
}

func (d *Daemon) pollDND(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	on, err := d.opt.DoNotDisturb(ctx)
	if err != nil {
		return // unknown: keep the last value
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if on != d.dnd {
		d.log.Info("desktop do-not-disturb", "on", on)
	}
	d.dnd = on
	d.opt.Policy.SetDoNotDisturb(on)
}

// categories lets a newer notification of a kind replace the previous one
// instead of stacking up.
var categories = map[coach.Kind]string{
	coach.PostureAlert:     "neckwatch.posture",
	coach.PostureCorrected: "neckwatch.posture",
	coach.PreBreakNotice:   "neckwatch.break",
	coach.BreakSuggested:   "neckwatch.break",
	coach.BreakTaken:       "neckwatch.break",
	coach.BreakSkipped:     "neckwatch.break",
	coach.Resumed:          "neckwatch.status",
}

// deliver logs every event and shows those meant to be shown. A lost
// notification is logged once, shown in status, and never stops the daemon.
func (d *Daemon) deliver(events []coach.Event) {
	for _, e := range events {
		d.log.Info("event", "kind", e.Kind, "notify", e.Notify, "title", e.Title)
		d.mu.Lock()
		d.events++
		d.mu.Unlock()
		if d.opt.Journal != nil {
			d.opt.Journal.Event(e)
		}
		if !e.Notify {
			continue
		}
		n := notify.Notification{Title: e.Title, Body: e.Body, Category: categories[e.Kind], Urgency: notify.Normal}
		if e.Kind == coach.PostureCorrected {
			n.Urgency = notify.Low
		}
		d.notify(n)
	}
}

func (d *Daemon) saveState() {
	if d.opt.SaveState == nil {
		return
	}
	d.mu.Lock()
	snap := d.opt.Policy.Snapshot()
	d.mu.Unlock()
	if err := d.opt.SaveState(snap); err != nil {
		d.log.Warn("could not save state", "err", err)
	}
}

// runRecalibration samples a longer burst of upright frames and swaps in
// the classifier built from them.
func (d *Daemon) runRecalibration(ctx context.Context) error {
	if d.opt.Recalibrate == nil {
		return errors.New("recalibration is not available for this source")
	}
	var samples []Sample
	for i := 0; i < 3; i++ {
		s, err := d.opt.Sampler.Sample(ctx, 5)
		if err != nil {
			return fmt.Errorf("recalibrate: %w", err)
		}
		samples = append(samples, s)
	}
	cls, err := d.opt.Recalibrate(samples)
	if err != nil {
		return err
	}
	d.mu.Lock()
	d.cls = cls
	d.opt.Policy.SetBaseline(baselineAngle(cls))
	d.note("calibrated", 0)
	d.mu.Unlock()
	d.log.Info("recalibrated")
	return nil
}

// baselineAngle is the neck angle the alert text compares against: the
// model's upright angle once the user has calibrated, nothing otherwise.
func baselineAngle(cls *posture.Classifier) *float64 {
	if cls.Baseline == nil {
		return nil
	}
	a := cls.Camera.UprightNeckAngleDeg
	if cls.View == posture.Side {
		a = cls.Baseline.NeckAngleDeg
	}
	return &a
}

// BaselineAngle exposes baselineAngle for the policy set-up.
func BaselineAngle(cls *posture.Classifier) *float64 { return baselineAngle(cls) }

// Status is what `neckwatch status` shows.
type Status struct {
	Source        string        `json:"source"`
	View          string        `json:"view"`
	Calibrated    bool          `json:"calibrated"`
	Started       time.Time     `json:"started"`
	Camera        CameraState   `json:"camera"`
	CameraProblem string        `json:"camera_problem,omitempty"`
	CameraOpenPct float64       `json:"camera_open_pct"`
	Samples       int           `json:"samples"`
	LastSample    *SampleStatus `json:"last_sample,omitempty"`
	NextSampleIn  string        `json:"next_sample_in"`
	Notifications string        `json:"notifications"`
	History       string        `json:"history"`
	DoNotDisturb  bool          `json:"do_not_disturb"`
	Policy        coach.Status  `json:"policy"`
	// RestartNeeded names the configuration keys changed in the file that
	// take effect only after a restart.
	RestartNeeded []string `json:"restart_needed,omitempty"`
}

// SampleStatus summarises the last sample.
type SampleStatus struct {
	At           time.Time `json:"at"`
	State        string    `json:"state"`
	Severity     float64   `json:"severity"`
	NeckAngleDeg *float64  `json:"neck_angle_deg"`
	ForwardCM    *float64  `json:"forward_cm"`
	Frames       int       `json:"frames"`
}

// SetRestartNeeded records the configuration keys that changed but take
// effect only after a restart, for status.
func (d *Daemon) SetRestartNeeded(keys []string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.restart = append([]string(nil), keys...)
}

// Status returns the daemon's current state.
func (d *Daemon) Status() Status {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.opt.Now()
	st := Status{
		Source: d.opt.Source, View: string(d.cls.View), Calibrated: d.cls.Baseline != nil,
		Started: d.started, Camera: d.camera, CameraProblem: d.lastErr, Samples: d.samples,
		Notifications: "ok", DoNotDisturb: d.dnd, Policy: d.opt.Policy.Status(now),
		History: "off", RestartNeeded: append([]string(nil), d.restart...),
	}
	if d.opt.Journal != nil {
		st.History = "ok"
		if d.journalErr != "" {
			st.History = "unavailable (detection and alerts go on): " + d.journalErr
		}
	}
	if up := now.Sub(d.started); up > 0 {
		st.CameraOpenPct = 100 * float64(d.openTotal) / float64(up)
	}
	if d.notifyErr != "" {
		st.Notifications = "unavailable: " + d.notifyErr
	} else if r, ok := d.opt.Notifier.(notify.Reachability); ok && r.LastError() != nil {
		// Nothing sent yet, but the start-up check found no server.
		st.Notifications = "unavailable: " + r.LastError().Error()
	}
	if wait := d.nextSample.Sub(now); wait > 0 {
		st.NextSampleIn = wait.Round(time.Second).String()
	} else {
		st.NextSampleIn = "now"
	}
	if d.last != nil {
		v := d.last.Verdict
		st.LastSample = &SampleStatus{At: d.last.At, State: string(v.State), Severity: v.Severity, NeckAngleDeg: v.NeckAngleDeg, ForwardCM: v.ForwardCM, Frames: len(d.last.Verdicts)}
	}
	return st
}

// Pause stops sampling for dur (0: until Resume).
func (d *Daemon) Pause(dur time.Duration) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.opt.Policy.Pause(d.opt.Now(), dur)
	d.log.Info("paused", "for", dur)
	d.note("paused", dur)
}

// Resume ends a pause or snooze.
func (d *Daemon) Resume() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.opt.Policy.Resume(d.opt.Now())
	d.log.Info("resumed")
	d.note("resumed", 0)
}

// Snooze silences posture alerts for dur.
func (d *Daemon) Snooze(dur time.Duration) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.opt.Policy.Snooze(d.opt.Now(), dur)
	d.log.Info("snoozed", "for", dur)
	d.note("snoozed", dur)
}

// Recalibrate asks the running loop to recalibrate at once and waits for
// the result (the loop owns the camera).
func (d *Daemon) Recalibrate(ctx context.Context) error {
	reply := make(chan error, 1)
	select {
	case d.recalibrate <- reply:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-reply:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Reconfigure applies a reloaded configuration (SIGHUP) without losing the
// day's state: the alert policy is rebuilt from its snapshot.
func (d *Daemon) Reconfigure(iv Intervals, burst int, alertsCfg coach.Config, cls *posture.Classifier) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.opt.Now()
	pol, err := coach.New(alertsCfg, baselineAngle(cls), now)
	if err != nil {
		return err
	}
	if err := pol.Restore(d.opt.Policy.Snapshot(), now); err != nil {
		return err
	}
	pol.SetDoNotDisturb(d.dnd)
	d.opt.Policy = pol
	d.opt.Intervals = iv
	if burst > 0 {
		d.opt.Burst = burst
	}
	d.cls = cls
	return nil
}

// note records a user action in the journal; called with d.mu held.
func (d *Daemon) note(kind string, dur time.Duration) {
	if d.opt.Journal == nil {
		return
	}
	detail := ""
	if dur > 0 {
		detail = dur.String()
	}
	d.opt.Journal.Note(d.opt.Now(), kind, detail)
}

// journalTick lets the journal write closed minutes; a failing database is
// logged once and shown in status while detection and alerts go on.
func (d *Daemon) journalTick(now time.Time) {
	if d.opt.Journal == nil {
		return
	}
	err := d.opt.Journal.Tick(now)
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case err != nil && d.journalErr == "":
		d.log.Warn("history unavailable; detection and alerts go on", "err", err)
		d.journalErr = err.Error()
	case err != nil:
		d.journalErr = err.Error()
	case d.journalErr != "":
		d.log.Info("history available again")
		d.journalErr = ""
	}
}

// StartBreak starts a break the user asked for (tray menu); a notification
// says when it is over.
func (d *Daemon) StartBreak() {
	d.mu.Lock()
	now := d.opt.Now()
	evs, started := d.opt.Policy.StartBreak(now)
	if started {
		d.breakLen = d.opt.Policy.Config().BreakLength
		d.breakEnd = now.Add(d.breakLen)
	}
	d.mu.Unlock()
	d.deliver(evs)
}

// breakOver sends the end-of-break notification of a user-started break.
func (d *Daemon) breakOver(now time.Time) {
	d.mu.Lock()
	if d.breakEnd.IsZero() || now.Before(d.breakEnd) {
		d.mu.Unlock()
		return
	}
	d.breakEnd = time.Time{}
	if d.opt.Policy.Silenced(now) {
		d.mu.Unlock()
		return // nothing stale is delivered once the silence ends
	}
	title, body := coach.BreakOverText(d.breakLen)
	d.mu.Unlock()
	d.notify(notify.Notification{Title: title, Body: body, Category: categories[coach.BreakSuggested]})
}

// painPrompt asks once a day, at the configured time, for a pain score:
// only while the user is at the desk and not in do-not-disturb.
func (d *Daemon) painPrompt(now time.Time) {
	if d.promptAt < 0 {
		return
	}
	d.mu.Lock()
	day := now.Format("2006-01-02")
	due := now.Hour()*60+now.Minute() >= d.promptAt && d.prompted != day
	present := d.last != nil && d.last.Verdict.State != posture.Away
	// Held while silenced (do-not-disturb, quiet hours): asked once the
	// silence ends, the same day.
	if !due || !present || d.dnd || d.opt.Policy.Silenced(now) {
		d.mu.Unlock()
		return
	}
	d.prompted = day
	d.mu.Unlock()
	d.notify(notify.Notification{
		Title:    "How are your neck and back today?",
		Body:     "Score today's pain from 0 (none) to 10 for your journal:\nneckwatch journal add --pain N --area neck\nA week or two of entries shows whether the posture work helps.",
		Category: "neckwatch.journal", Urgency: notify.Low,
	})
}

// notify shows one notification, tracking whether the service is there:
// a lost notification is logged once and shown in status, never fatal.
func (d *Daemon) notify(n notify.Notification) {
	err := d.opt.Notifier.Notify(n)
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case err != nil && d.notifyErr == "":
		d.log.Warn("notifications unavailable; alerts are logged only", "err", err)
		d.notifyErr = err.Error()
	case err != nil:
		d.notifyErr = err.Error()
	case d.notifyErr != "":
		d.log.Info("notifications available again")
		d.notifyErr = ""
	}
}
