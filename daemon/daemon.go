// Package daemon is the I/O shell of `neckwatch run`: a loop that takes
// landmark samples from a Sampler (vision's in production), classifies
// them (posture), feeds the verdicts and the user's commands to the
// coach.Session, and carries out the session's effects: notifications
// (notify), history records (a Journal), calibrations and saved state.
// Every decision is the session's; the daemon has no timers of its own
// and depends on no gocv, even indirectly (internal/layers checks it), so
// it builds and is tested without OpenCV.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/neckwatch/neckwatch/coach"
	"github.com/neckwatch/neckwatch/config"
	"github.com/neckwatch/neckwatch/landmark"
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

// Sampler takes bursts of landmarks from a camera (vision.CameraSampler)
// or a video played in real time (vision.VideoSampler), as the request
// says: up to its frames, fewer once its Settled says the frames so far
// decide the burst. Sample returns io.EOF when a finite source has ended;
// on a camera problem it returns an error with the burst's Camera set,
// and the daemon backs off and retries.
type Sampler interface {
	Sample(ctx context.Context, req landmark.BurstRequest) (landmark.Burst, error)
	Close() error
}

// Releaser is a Sampler that can let go of its camera without closing
// (pause releases it even when it is kept open between samples); the next
// Sample opens it again. An optional capability, as database/sql/driver's
// Pinger is.
type Releaser interface {
	Release()
}

// Sample is one judged burst: the sampler's landmarks with the verdict of
// each frame and of the burst.
type Sample struct {
	landmark.Burst
	Verdict  posture.Verdict   // the burst's combined verdict
	Verdicts []posture.Verdict // per frame
}

// Journal records what the daemon sees for the posture history
// (history.Recorder behind an adapter in production). Tick is called every
// few seconds from a goroutine of its own, never from the sampling loop
// (a database held by another program makes a write wait), and writes
// when a minute has closed; ctx is cancelled when the daemon stops, and
// the write must then give up at once. Its errors are shown in status and
// logged once, and never stop the daemon. Close, after the last Tick has
// returned, writes what is left within a bounded time.
type Journal interface {
	// Sample counts a sample's figures; Accrue credits the time, as spans
	// of the coach's timeline (time is accrued once, by the coach).
	Sample(s Sample)
	Accrue(spans []coach.Span)
	Event(e coach.Event)
	// Discard drops what the journal holds from before cut (everything
	// when cut is zero): `history forget` has deleted it from the store.
	Discard(cut time.Time)
	Tick(ctx context.Context, now time.Time) error
	Close() error
}

// Recalibrator builds a baseline from the landmarks of upright frames and
// stores it, returning the classifier to judge by from now on.
type Recalibrator func(frames []Sample) (*posture.Classifier, error)

// Advisor finds the desk advice the history supports and keeps the
// pieces the user dismissed (the history and the insights in production).
type Advisor interface {
	Advice(now time.Time) ([]coach.Advice, error)
	Dismiss(id string) error
}

// Judge classifies one frame's landmarks; (*posture.Classifier).Classify
// unless a test scripts the verdicts of a scripted sampler.
type Judge func(cls *posture.Classifier, fr *landmark.Frame) posture.Verdict

// Options configures a Daemon. Sampler, Classifier, Coach and Notifier are
// required. The Sampler stays its opener's: Run releases its camera at the
// end but does not close it.
type Options struct {
	Sampler    Sampler
	Classifier *posture.Classifier
	Coach      *coach.Session
	Notifier   notify.Notifier
	Judge      Judge
	// DoNotDisturb, when set, is polled every DNDPoll to hold alerts while
	// the desktop is in do-not-disturb mode.
	DoNotDisturb func(ctx context.Context) (bool, error)
	DNDPoll      time.Duration
	Recalibrate  Recalibrator
	// AddTiredPosture adds the optional second calibration step (frames
	// of the user's own tired posture) to the current calibration and
	// returns the classifier to use; nil: not offered for this source.
	AddTiredPosture Recalibrator
	Intervals       Intervals
	Burst           int           // frames per sample
	Tick            time.Duration // how often the coach's clock advances between samples
	// SaveState persists the day state (load, breaks today) when the coach
	// asks and at shutdown.
	SaveState func(coach.Snapshot) error
	Logger    *slog.Logger
	Now       func() time.Time
	Source    string // for status
	// OnSample, when set, is called from the sampling loop with every
	// sample taken; it must not block.
	OnSample func(Sample)
	// Journal, when set, keeps the posture history.
	Journal Journal
	// Advisor, when set, answers the coach's occasional question for desk
	// advice; without one there is none to give.
	Advisor Advisor
}

// Daemon runs the sampling loop. Its control methods are safe for
// concurrent use with Run (the control socket calls them from its own
// goroutines).
type Daemon struct {
	opt Options
	log *slog.Logger

	mu          sync.Mutex // guards the coach session and the fields below
	cls         *posture.Classifier
	started     time.Time
	last        *Sample
	lastErr     string
	camera      landmark.CameraState
	samples     int
	openTotal   time.Duration
	notifyErr   string
	dnd         bool
	nextSample  time.Time
	recalibrate chan chan error
	events      int
	prevState   posture.State
	journalErr  string
	restart     []string // configuration keys waiting for a restart
	configErr   string   // why the last configuration reload failed
	// wake makes the loop look at once (a pause releases the camera, a
	// resume samples); running says the loop is there to look, and
	// offAck is closed by the loop once a pause has the camera off.
	wake    chan struct{}
	running bool
	offAck  chan struct{}
	ackWait time.Duration // pauseAckWait; a test waits as long as it takes
}

// pauseAckWait bounds how long Pause waits for the loop to release the
// camera: a burst in progress ends first (about a second).
const pauseAckWait = 3 * time.Second

// New checks the options and returns a daemon ready to Run.
func New(opt Options) (*Daemon, error) {
	switch {
	case opt.Sampler == nil:
		return nil, errors.New("daemon: no sampler")
	case opt.Classifier == nil:
		return nil, errors.New("daemon: no classifier")
	case opt.Coach == nil:
		return nil, errors.New("daemon: no coach session")
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
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opt.Judge == nil {
		opt.Judge = (*posture.Classifier).Classify
	}
	return &Daemon{opt: opt, log: opt.Logger, cls: opt.Classifier, camera: landmark.CameraIdle, recalibrate: make(chan chan error, 1), wake: make(chan struct{}, 1), ackWait: pauseAckWait}, nil
}

// Classifier returns the classifier currently in use.
func (d *Daemon) Classifier() *posture.Classifier {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.cls
}

// Run samples until ctx is cancelled (returns nil) or a finite source ends
// (returns nil). The camera is released (a Releaser's) and the state
// saved on the way out; the sampler is its opener's to close, after Run.
func (d *Daemon) Run(ctx context.Context) error {
	defer d.release()
	d.mu.Lock()
	d.started = d.opt.Now()
	d.running = true
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		d.running = false
		d.ackOff()
		d.mu.Unlock()
	}()
	defer d.saveState()
	if d.opt.Journal != nil {
		// The history is written off the sampling loop; at the stop the
		// writer's wait is cancelled, then Close writes what is left
		// (bounded), and the log says how long each took.
		wctx, cancelWriter := context.WithCancel(context.Background())
		writerDone := make(chan struct{})
		go func() {
			defer close(writerDone)
			d.journalWriter(ctx, wctx)
		}()
		defer func() {
			t0 := time.Now()
			cancelWriter()
			<-writerDone
			writerWait := time.Since(t0)
			t1 := time.Now()
			err := d.opt.Journal.Close()
			closeWait := time.Since(t1)
			if err != nil {
				d.log.Warn("history not fully written", "err", err, "waited_for_writer", writerWait.Round(time.Millisecond), "waited_for_last_write", closeWait.Round(time.Millisecond))
			} else {
				d.log.Info("history written", "waited_for_writer", writerWait.Round(time.Millisecond), "waited_for_last_write", closeWait.Round(time.Millisecond))
			}
		}()
	}
	// First on the way out: the last sample's time goes to the history.
	defer d.decide(context.Background(), (*coach.Session).Stop)
	d.log.Info("neckwatch running", "source", d.opt.Source, "view", d.cls.View, "calibrated", d.cls.Baseline != nil)

	backoff := time.Duration(0)
	follow := false // the last sample was clearly upright (landmark.BurstRequest.Follow)
	lastDND := time.Time{}
	next := d.opt.Now()
	for {
		// Between samples: keep the coach's clock moving (pause expiry,
		// break windows, prompts), poll do-not-disturb.
		for {
			now := d.opt.Now()
			if d.opt.DoNotDisturb != nil && now.Sub(lastDND) >= d.opt.DNDPoll {
				lastDND = now
				d.pollDND(ctx)
			}
			var due time.Time
			d.decide(ctx, func(s *coach.Session, _ time.Time) []coach.Effect {
				due = s.CalibrationDue()
				return s.Tick(now)
			})
			wait := next.Sub(now)
			if wait <= 0 {
				break
			}
			if wait > d.opt.Tick {
				wait = d.opt.Tick
			}
			if !due.IsZero() && due.Sub(now) < wait {
				wait = max(due.Sub(now), time.Millisecond)
			}
			woken := false
			select {
			case <-ctx.Done():
				return nil
			case reply := <-d.recalibrate:
				angle, err := d.runRecalibration(ctx, false)
				d.decide(ctx, func(s *coach.Session, now time.Time) []coach.Effect { return s.Calibrated(now, angle, err) })
				reply <- err
			case <-d.wake:
				woken = true
			case <-time.After(wait):
			}
			if woken {
				break
			}
		}
		if ctx.Err() != nil {
			return nil
		}
		if d.paused(d.opt.Now()) {
			// Paused: the camera is released, even one kept open between
			// samples, and stays off; look again at the next tick.
			d.release()
			d.mu.Lock()
			d.camera = landmark.CameraOff
			d.ackOff()
			d.mu.Unlock()
			next = d.opt.Now().Add(d.opt.Tick)
			continue
		}
		iv, burst := d.schedule()
		// A clearly upright first frame ends its burst; after a clearly
		// upright burst, the next may follow its face (see
		// landmark.BurstRequest). A bad, borderline or unclear sample
		// keeps the median of a whole burst, with every network run.
		cls := d.Classifier()
		s, err := d.sample(ctx, cls, landmark.BurstRequest{
			Frames: burst,
			Settled: func(frames []landmark.Frame) bool {
				return len(frames) == 1 && posture.SettlesBurst(d.opt.Judge(cls, &frames[0]))
			},
			Follow: follow,
		})
		follow = err == nil && posture.SettlesBurst(s.Verdict)
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
		d.log.Debug("sample", "state", s.Verdict.State, "severity", s.Verdict.Severity, "frames", len(s.Verdicts), "latency", s.Latency)
		d.decide(ctx, func(cs *coach.Session, _ time.Time) []coach.Effect { return cs.Sample(s.At, s.Verdict) })
		next = s.At.Add(d.interval(s))
		d.setNext(next)
	}
}

// sample takes a burst of landmarks and judges it with the classifier in
// use.
func (d *Daemon) sample(ctx context.Context, cls *posture.Classifier, req landmark.BurstRequest) (Sample, error) {
	vs, err := d.opt.Sampler.Sample(ctx, req)
	out := Sample{Burst: vs}
	if err != nil {
		return out, err
	}
	for i := range vs.Frames {
		out.Verdicts = append(out.Verdicts, d.opt.Judge(cls, &vs.Frames[i]))
	}
	out.Verdict = posture.Combine(out.Verdicts)
	return out, nil
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

// release lets go of the camera, even one kept open between samples,
// when the sampler can (a Releaser).
func (d *Daemon) release() {
	if r, ok := d.opt.Sampler.(Releaser); ok {
		r.Release()
	}
}

// ackOff tells a waiting Pause that the camera is off. d.mu is held.
func (d *Daemon) ackOff() {
	if d.offAck != nil {
		close(d.offAck)
		d.offAck = nil
	}
}

// poke makes the loop look at once.
func (d *Daemon) poke() {
	select {
	case d.wake <- struct{}{}:
	default: // already poked
	}
}

func (d *Daemon) paused(now time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.opt.Coach.Paused(now)
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
	d.opt.Coach.SetDoNotDisturb(on)
}

// A session call is a question put to the coach (an input, a command, the
// result of an effect) at the daemon's now; it answers with effects.
type sessionCall func(s *coach.Session, now time.Time) []coach.Effect

// ask puts a question to the coach under d.mu and returns its effects,
// to be carried out after d.mu is released.
func (d *Daemon) ask(call sessionCall) []coach.Effect {
	d.mu.Lock()
	defer d.mu.Unlock()
	return call(d.opt.Coach, d.opt.Now())
}

// decide asks the coach and carries out what it decides: the one path
// from an input (a sample, a tick, a command) to its effects.
func (d *Daemon) decide(ctx context.Context, call sessionCall) {
	d.apply(ctx, d.ask(call))
}

// apply carries out the coach's effects in order. Some effects end in an
// answer for the coach (the advice found, a calibration's result, a
// notice that could not be shown), whose own effects join the end of the
// queue: one loop, however long the chain, and every effect is done after
// those decided before it. Called without d.mu held: a notification may
// take a moment, and effects arrive from the control goroutines too.
func (d *Daemon) apply(ctx context.Context, effects []coach.Effect) {
	for queue := effects; len(queue) > 0; {
		e := queue[0]
		queue = queue[1:]
		if answer := d.carryOut(ctx, e); answer != nil {
			queue = append(queue, d.ask(answer)...)
		}
	}
}

// carryOut does one effect and returns the coach's call that takes its
// outcome, or nil when the coach needs none. TakeCalibration only comes
// from the loop's Tick (the loop owns the camera).
func (d *Daemon) carryOut(ctx context.Context, e coach.Effect) sessionCall {
	switch e := e.(type) {
	case coach.Record:
		d.log.Info("event", "kind", e.Meta().Kind)
		d.mu.Lock()
		d.events++
		d.mu.Unlock()
		if d.opt.Journal != nil {
			d.opt.Journal.Event(e.Event)
		}
	case coach.Show:
		if err := d.notify(e.Notice); err != nil && e.Category == coach.AdviceCategory {
			return (*coach.Session).AdviceNotShown
		}
	case coach.SaveState:
		d.save(e.Snapshot)
	case coach.Accrue:
		if d.opt.Journal != nil {
			d.opt.Journal.Accrue(e.Spans)
		}
	case coach.CheckAdvice:
		var found []coach.Advice
		if d.opt.Advisor != nil {
			var err error
			if found, err = d.opt.Advisor.Advice(d.opt.Now()); err != nil {
				d.log.Warn("no desk advice: the history could not be read", "err", err)
			}
		}
		return func(s *coach.Session, now time.Time) []coach.Effect { return s.AdviceFound(now, found) }
	case coach.DismissAdvice:
		if d.opt.Advisor == nil {
			return nil
		}
		if err := d.opt.Advisor.Dismiss(e.ID); err != nil {
			d.log.Warn("could not keep the advice dismissed", "id", e.ID, "err", err)
		} else {
			d.log.Info("advice dismissed for good", "id", e.ID)
		}
	case coach.TakeCalibration:
		angle, err := d.runRecalibration(ctx, e.Tired)
		if err != nil && ctx.Err() != nil {
			// Stopping cut it short (the camera taken away at logout): not
			// the user's failure, so no "did not work" notice. A
			// calibration that succeeded is still answered, and every
			// other outcome too (an advice notice that failed to show must
			// still be taken back, or it would count as shown for a week).
			return nil
		}
		return func(s *coach.Session, now time.Time) []coach.Effect { return s.Calibrated(now, angle, err) }
	}
	return nil
}

func (d *Daemon) saveState() {
	d.mu.Lock()
	snap := d.opt.Coach.Snapshot()
	d.mu.Unlock()
	d.save(snap)
}

func (d *Daemon) save(snap coach.Snapshot) {
	if d.opt.SaveState == nil {
		return
	}
	if err := d.opt.SaveState(snap); err != nil {
		d.log.Warn("could not save state", "err", err)
	}
}

// runRecalibration samples a longer burst of upright frames, swaps in the
// classifier built from them and returns its baseline angle for the
// coach.
//
// With tired, the frames are the user's tired posture, added to the
// current calibration (the optional second step).
func (d *Daemon) runRecalibration(ctx context.Context, tired bool) (*float64, error) {
	take, what := d.opt.Recalibrate, "recalibrate"
	if tired {
		take, what = d.opt.AddTiredPosture, "tired posture"
	}
	if take == nil {
		return nil, fmt.Errorf("%s: not available for this source", what)
	}
	var samples []Sample
	// Whole bursts, every network on each burst's first frame: the
	// baseline and its spread come from the frames as they are.
	for i := 0; i < 3; i++ {
		s, err := d.sample(ctx, d.Classifier(), landmark.BurstRequest{Frames: 5})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		samples = append(samples, s)
	}
	cls, err := take(samples)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	d.cls = cls
	d.mu.Unlock()
	d.log.Info("recalibrated", "step", what)
	return BaselineAngle(cls), nil
}

// BaselineAngle is the neck angle the alert text compares against: the
// model's upright angle once the user has calibrated, nothing otherwise.
func BaselineAngle(cls *posture.Classifier) *float64 {
	if cls.Baseline == nil {
		return nil
	}
	a := cls.Camera.UprightNeckAngleDeg
	if cls.View == posture.Side {
		a = cls.Baseline.NeckAngleDeg
	}
	return &a
}

// Status is what `neckwatch status` shows.
type Status struct {
	PID           int                  `json:"pid"`
	Source        string               `json:"source"`
	View          string               `json:"view"`
	Calibrated    bool                 `json:"calibrated"`
	Started       time.Time            `json:"started"`
	Camera        landmark.CameraState `json:"camera"`
	CameraProblem string               `json:"camera_problem,omitempty"`
	CameraOpenPct float64              `json:"camera_open_pct"`
	Samples       int                  `json:"samples"`
	LastSample    *SampleStatus        `json:"last_sample,omitempty"`
	NextSampleIn  string               `json:"next_sample_in"`
	Notifications string               `json:"notifications"`
	History       string               `json:"history"`
	DoNotDisturb  bool                 `json:"do_not_disturb"`
	Policy        coach.Status         `json:"policy"` // see statusjson.go for its wire form
	// RestartNeeded names the configuration keys changed in the file that
	// take effect only after a restart.
	RestartNeeded []string `json:"restart_needed,omitempty"`
	// ConfigProblem says why the configuration file could not be
	// reloaded (SIGHUP); the previous configuration stays in effect until
	// a reload succeeds.
	ConfigProblem string `json:"config_problem,omitempty"`
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

// SetConfigProblem records why a configuration reload failed ("" once one
// succeeds), for status.
func (d *Daemon) SetConfigProblem(msg string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.configErr = msg
}

// Status returns the daemon's current state.
func (d *Daemon) Status() Status {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.opt.Now()
	st := Status{
		PID: os.Getpid(), Source: d.opt.Source, View: string(d.cls.View), Calibrated: d.cls.Baseline != nil,
		Started: d.started, Camera: d.camera, CameraProblem: d.lastErr, Samples: d.samples,
		Notifications: "ok", DoNotDisturb: d.dnd, Policy: d.opt.Coach.Status(now),
		History: "off", RestartNeeded: append([]string(nil), d.restart...),
		ConfigProblem: d.configErr,
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
	switch wait := d.nextSample.Sub(now); {
	case st.Policy.Paused:
		st.NextSampleIn = "after the pause"
	case wait > 0:
		st.NextSampleIn = wait.Round(time.Second).String()
	default:
		st.NextSampleIn = "now"
	}
	if d.last != nil {
		v := d.last.Verdict
		st.LastSample = &SampleStatus{At: d.last.At, State: string(v.State), Severity: v.Severity, NeckAngleDeg: v.NeckAngleDeg, ForwardCM: v.ForwardCM, Frames: len(d.last.Verdicts)}
	}
	return st
}

// Pause stops sampling for dur (0: until Resume). While the loop runs it
// returns once the camera is off (or after pauseAckWait), so that a status
// asked right after tells the truth.
func (d *Daemon) Pause(dur time.Duration) {
	var (
		ack     = make(chan struct{})
		running bool
		now     time.Time
	)
	effects := d.ask(func(s *coach.Session, at time.Time) []coach.Effect {
		if d.offAck != nil {
			close(d.offAck) // an earlier Pause stops waiting: this one waits on
		}
		d.offAck, running, now = ack, d.running, at
		return s.Pause(at, dur)
	})
	if dur == 0 {
		d.log.Info("paused until resumed")
	} else {
		d.log.Info("paused", "for", dur, "until", now.Add(dur).Format(time.TimeOnly))
	}
	d.apply(context.Background(), effects)
	if running {
		d.poke()
		select {
		case <-ack:
		case <-time.After(d.ackWait):
		}
	}
}

// Resume ends a pause or snooze; the loop samples at once.
func (d *Daemon) Resume() {
	d.log.Info("resumed")
	d.decide(context.Background(), (*coach.Session).Resume)
	d.poke()
}

// Snooze silences posture alerts for dur.
func (d *Daemon) Snooze(dur time.Duration) {
	d.log.Info("snoozed", "for", dur)
	d.decide(context.Background(), func(s *coach.Session, now time.Time) []coach.Effect { return s.Snooze(now, dur) })
}

// Forget makes the coach drop a sample held from before cut (zero:
// everything), and the journal what it has not written from before it,
// so that `history forget` is not undone by the daemon's next write.
func (d *Daemon) Forget(cut time.Time) {
	d.mu.Lock()
	d.opt.Coach.Forget(d.opt.Now(), cut)
	d.mu.Unlock()
	if d.opt.Journal != nil {
		d.opt.Journal.Discard(cut)
	}
}

// StartBreak starts a break the user asked for (tray menu, `neckwatch
// break`); a notification says when it is over. It reports false when a
// break was already under way (nothing new is started).
func (d *Daemon) StartBreak() bool {
	var started bool
	d.decide(context.Background(), func(s *coach.Session, now time.Time) (out []coach.Effect) {
		out, started = s.StartBreak(now)
		return out
	})
	return started
}

// StartGuidedCalibration starts the countdown calibration (the tray's
// Recalibrate, the first-run prompt's Calibrate now).
func (d *Daemon) StartGuidedCalibration() {
	d.decide(context.Background(), (*coach.Session).StartGuidedCalibration)
}

// StartGuidedTiredPosture starts the countdown of the optional second
// calibration step (the tray's menu, the calibration result's offer).
func (d *Daemon) StartGuidedTiredPosture() {
	d.decide(context.Background(), (*coach.Session).StartGuidedTiredPosture)
}

// HandleAction passes on an action the user chose on a notification
// (notify.ActionListener delivers them on the notifier's own goroutine).
// It may show a notice and write a dismissal to the history, so it can
// take a moment; it never waits for the sampling loop.
func (d *Daemon) HandleAction(ev notify.ActionEvent) {
	if ev.Key == coach.ActionLater {
		d.log.Info("calibration postponed; judging by population figures")
	}
	d.decide(context.Background(), func(s *coach.Session, now time.Time) []coach.Effect { return s.Action(now, ev.Category, ev.Key) })
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
// day's state.
func (d *Daemon) Reconfigure(iv Intervals, burst int, alertsCfg coach.Config, cls *posture.Classifier) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.opt.Coach.Reconfigure(alertsCfg, BaselineAngle(cls), d.opt.Now()); err != nil {
		return err
	}
	d.opt.Intervals = iv
	if burst > 0 {
		d.opt.Burst = burst
	}
	d.cls = cls
	return nil
}

// journalWriter lets the journal write closed minutes every Tick until
// the daemon stops (stop is Run's context) or wctx is cancelled, which
// also cancels a write in progress. It runs beside the sampling loop, so
// a database held by another program never holds up a sample, an alert
// or the stop.
func (d *Daemon) journalWriter(stop, wctx context.Context) {
	for {
		d.journalTick(wctx, d.opt.Now())
		select {
		case <-stop.Done():
			return
		case <-wctx.Done():
			return
		case <-time.After(d.opt.Tick):
		}
	}
}

// journalTick lets the journal write closed minutes; a failing database is
// logged once and shown in status while detection and alerts go on.
func (d *Daemon) journalTick(ctx context.Context, now time.Time) {
	err := d.opt.Journal.Tick(ctx, now)
	if err != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return // stopping: the write was cancelled, Close says what became of it
	}
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

// notify shows one notice, tracking whether the service is there: a lost
// notification is logged once and shown in status, never fatal. The error
// is returned for the notices the coach wants to know were not shown.
func (d *Daemon) notify(n coach.Notice) error {
	m := notify.Notification{Title: n.Title, Body: n.Body, Category: n.Category, Urgency: notify.Normal}
	if n.Low {
		m.Urgency = notify.Low
	}
	if n.Sticky {
		m.Timeout = -1
	}
	for _, a := range n.Actions {
		m.Actions = append(m.Actions, notify.Action{Key: a.Key, Label: a.Label})
	}
	err := d.opt.Notifier.Notify(m)
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
	return err
}
