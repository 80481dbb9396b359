package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/coach"
	"github.com/neckwatch/neckwatch/config"
	"github.com/neckwatch/neckwatch/internal/testenv"
	"github.com/neckwatch/neckwatch/landmark"
	"github.com/neckwatch/neckwatch/notify"
	"github.com/neckwatch/neckwatch/notify/notifytest"
	"github.com/neckwatch/neckwatch/posture"
)

// scriptedSampler stands in for the camera (hardware is absent here): it
// returns a scripted verdict or error per call, then io.EOF. Its one frame
// a sample carries the step's index in Width, and its judge (the
// daemon's Judge in these tests) turns it into the scripted verdict.
type scriptedSampler struct {
	mu       sync.Mutex
	steps    []step
	calls    int
	frames   []int  // frames taken by each call
	follows  []bool // whether each call was asked to follow the last burst's face
	closed   bool
	released int
	now      func() time.Time
}

func (s *scriptedSampler) Release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.released++
}

type step struct {
	v   posture.Verdict
	err error
}

// errCameraBusy stands in for vision's: the camera another program holds.
var errCameraBusy = errors.New("camera busy")

func (s *scriptedSampler) Sample(ctx context.Context, req landmark.BurstRequest) (landmark.Burst, error) {
	burst, settled := req.Frames, req.Settled
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calls >= len(s.steps) {
		return landmark.Burst{}, io.EOF
	}
	st := s.steps[s.calls]
	s.calls++
	now := time.Now
	if s.now != nil {
		now = s.now
	}
	out := landmark.Burst{At: now(), Camera: landmark.CameraIdle, OpenFor: time.Millisecond}
	// Every frame of the burst carries the step's index; settled ends the
	// burst as a camera sampler's does.
	for len(out.Frames) < max(burst, 1) && st.err == nil {
		out.Frames = append(out.Frames, landmark.Frame{Width: s.calls - 1})
		s.mu.Unlock() // settled judges the frame with s.judge
		done := settled.Done(out.Frames)
		s.mu.Lock()
		if done {
			break
		}
	}
	s.frames = append(s.frames, len(out.Frames))
	s.follows = append(s.follows, req.Follow)
	if st.err != nil {
		out.Camera = landmark.CameraFailed
		if errors.Is(st.err, errCameraBusy) {
			out.Camera = landmark.CameraBusy
		}
	}
	return out, st.err
}

// judge is the scripted verdict of the step whose index the frame carries.
func (s *scriptedSampler) judge(_ *posture.Classifier, fr *landmark.Frame) posture.Verdict {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.steps[fr.Width].v
}

func (s *scriptedSampler) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}

func fast() Intervals {
	return Intervals{Changing: 5 * time.Millisecond, Stable: 5 * time.Millisecond, Away: 5 * time.Millisecond, BusyBackoff: 5 * time.Millisecond, BusyBackoffMax: 20 * time.Millisecond}
}

func newTestDaemon(t *testing.T, steps []step, cfg coach.Config, n notify.Notifier) (*Daemon, *scriptedSampler, *[]coach.Snapshot) {
	t.Helper()
	return newTestDaemonWith(t, steps, cfg, coach.SessionOptions{}, n)
}

func newTestDaemonWith(t *testing.T, steps []step, cfg coach.Config, so coach.SessionOptions, n notify.Notifier) (*Daemon, *scriptedSampler, *[]coach.Snapshot) {
	t.Helper()
	s := &scriptedSampler{steps: steps}
	session, err := coach.NewSession(cfg, so, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var saved []coach.Snapshot
	d, err := New(Options{
		Sampler: s, Classifier: posture.NewClassifier(posture.Front, nil), Coach: session, Notifier: n, Judge: s.judge,
		Intervals: fast(), Tick: 5 * time.Millisecond, Source: "test",
		SaveState: func(s coach.Snapshot) error { saved = append(saved, s); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	return d, s, &saved
}

func verdict(st posture.State, sev float64) posture.Verdict {
	cm := 5.0
	return posture.Verdict{State: st, Severity: sev, Person: st != posture.Away, ForwardCM: &cm}
}

func repeat(v posture.Verdict, n int) []step {
	out := make([]step, n)
	for i := range out {
		out[i] = step{v: v}
	}
	return out
}

// steppingClock is a fake clock that advances by step at every reading, so
// minutes of policy time pass in milliseconds of test time.
func steppingClock(step time.Duration) func() time.Time {
	var mu sync.Mutex
	t := time.Now() // not before the policy was created: it ignores older times
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(step)
		return t
	}
}

func shortOnset() coach.Config {
	cfg := coach.DefaultConfig()
	cfg.Onset = 10 * time.Second
	return cfg
}

func TestRunEndsWithTheSourceAndReleasesIt(t *testing.T) {
	rec := &notifytest.Recorder{}
	d, s, saved := newTestDaemon(t, repeat(verdict(posture.Upright, 0), 5), coach.DefaultConfig(), rec)
	done := make(chan error, 1)
	go func() { done <- d.Run(context.Background()) }()
	if err := testenv.Await(t, done, "Run's return at the end of the source"); err != nil {
		t.Fatal(err)
	}
	if s.released == 0 || s.closed {
		t.Errorf("camera released %d times, sampler closed %v: want released, and left to its opener to close", s.released, s.closed)
	}
	if len(*saved) == 0 {
		t.Error("state not saved at exit")
	}
	if st := d.Status(); st.Samples != 5 || st.LastSample == nil || st.LastSample.State != "upright" {
		t.Errorf("status after 5 upright samples: %+v", st)
	}
	if n := len(rec.Notifications()); n != 0 {
		t.Errorf("%d notifications for an upright user", n)
	}
}

// A cancel ends the loop's wait at once: with an hour to the next sample
// and an hour's tick, Run returns only because of the cancel.
func TestCancelStopsPromptly(t *testing.T) {
	steps := repeat(verdict(posture.Upright, 0), 1_000_000)
	d, s, _ := newTestDaemon(t, steps, coach.DefaultConfig(), &notifytest.Recorder{})
	d.opt.Intervals.Stable, d.opt.Intervals.Changing, d.opt.Tick = time.Hour, time.Hour, time.Hour
	sampled := make(chan struct{}, 1)
	d.opt.OnSample = func(Sample) {
		select {
		case sampled <- struct{}{}:
		default:
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- d.Run(ctx) }()
	testenv.Await(t, sampled, "the first sample")
	cancel()
	if err := testenv.Await(t, done, "Run's return after the cancel (the loop waits an hour otherwise)"); err != nil {
		t.Fatal(err)
	}
	if s.released == 0 {
		t.Fatal("camera not released at the stop")
	}
}

func TestSustainedForwardHeadNotifiesOnce(t *testing.T) {
	// Samples arrive every few ms, so a real-time onset would take too
	// long: drive the policy clock forward one second per sample.
	rec := &notifytest.Recorder{}
	steps := append(repeat(verdict(posture.Upright, 0), 5), repeat(verdict(posture.ForwardHead, 0.6), 30)...)
	d, s, _ := newTestDaemon(t, steps, shortOnset(), rec)
	d.opt.Now = steppingClock(200 * time.Millisecond)
	s.now = d.opt.Now
	if err := d.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := rec.Notifications()
	if len(got) != 1 {
		t.Fatalf("%d notifications, want exactly one posture reset: %+v", len(got), got)
	}
	if got[0].Category != "neckwatch.posture" || !strings.Contains(got[0].Body, "5") {
		t.Errorf("posture reset notification: %+v", got[0])
	}
}

func TestClearlyUprightFramesEndTheBurstAndLetTheNextFollow(t *testing.T) {
	withScore := func(v posture.Verdict, score float64) step { v.Score = score; return step{v: v} }
	up := verdict(posture.Upright, 0)
	// Each burst's frames, and whether it may follow the last burst's
	// face: only after a clearly upright one.
	steps := []struct {
		step
		frames int
		follow bool
	}{
		{withScore(up, -0.8), 1, false},                                   // clearly upright: one frame
		{withScore(up, -0.9), 1, true},                                    // and again
		{withScore(up, -0.2), 3, true},                                    // upright near the limit: the whole burst
		{withScore(verdict(posture.ForwardHead, 0.5), 0.4), 3, false},     // bad: the whole burst
		{withScore(posture.Verdict{State: posture.Away}, -1.0), 3, false}, // nobody: the whole burst
		{withScore(up, -0.8), 1, false},                                   // nobody before: every network
	}
	var script []step
	var wantFrames []int
	var wantFollow []bool
	for _, st := range steps {
		script = append(script, st.step)
		wantFrames = append(wantFrames, st.frames)
		wantFollow = append(wantFollow, st.follow)
	}
	d, s, _ := newTestDaemon(t, script, coach.DefaultConfig(), &notifytest.Recorder{})
	d.opt.Burst = 3
	if err := d.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.frames, wantFrames) {
		t.Errorf("frames per burst %v, want %v", s.frames, wantFrames)
	}
	if !slices.Equal(s.follows, wantFollow) {
		t.Errorf("bursts asked to follow the last %v, want %v", s.follows, wantFollow)
	}
}

func TestCameraBusyBacksOffAndRecovers(t *testing.T) {
	busy := step{err: errCameraBusy}
	steps := append([]step{busy, busy, busy}, repeat(verdict(posture.Upright, 0), 2)...)
	d, s, _ := newTestDaemon(t, steps, coach.DefaultConfig(), &notifytest.Recorder{})
	if err := d.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s.calls != len(steps) {
		t.Fatalf("sampler called %d times, want %d (retries after busy)", s.calls, len(steps))
	}
	st := d.Status()
	if st.Samples != 2 || st.CameraProblem != "" {
		t.Fatalf("status after recovery: %+v", st)
	}
	if got := nextBackoff(0, DefaultIntervals()); got != 10*time.Second {
		t.Errorf("first backoff %v", got)
	}
	b := time.Duration(0)
	for i := 0; i < 20; i++ {
		b = nextBackoff(b, DefaultIntervals())
	}
	if b != 5*time.Minute {
		t.Errorf("backoff not capped: %v", b)
	}
}

func TestStatusShowsCameraProblem(t *testing.T) {
	d, _, _ := newTestDaemon(t, nil, coach.DefaultConfig(), &notifytest.Recorder{})
	d.recordSample(Sample{Burst: landmark.Burst{Camera: landmark.CameraBusy}}, errCameraBusy)
	st := d.Status()
	if st.Camera != landmark.CameraBusy || st.CameraProblem == "" {
		t.Fatalf("status: %+v", st)
	}
}

func TestLostNotificationsDoNotStopTheDaemon(t *testing.T) {
	rec := &notifytest.Recorder{}
	rec.SetErr(errors.New("no notification service"))
	steps := append(repeat(verdict(posture.Upright, 0), 2), repeat(verdict(posture.ForwardHead, 0.8), 30)...)
	d, s, _ := newTestDaemon(t, steps, shortOnset(), rec)
	d.opt.Now = steppingClock(200 * time.Millisecond)
	s.now = d.opt.Now
	if err := d.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s.calls != len(steps) {
		t.Fatalf("daemon stopped early: %d samples", s.calls)
	}
	if st := d.Status(); !strings.HasPrefix(st.Notifications, "unavailable") {
		t.Fatalf("status does not show the lost notifications: %q", st.Notifications)
	}
}

func TestPauseKeepsTheCameraOff(t *testing.T) {
	steps := repeat(verdict(posture.Upright, 0), 1000)
	d, s, _ := newTestDaemon(t, steps, coach.DefaultConfig(), &notifytest.Recorder{})
	d.Pause(0)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	// The paused loop releases the camera at each tick: a few ticks
	// without a sample.
	testenv.Eventually(t, "three paused ticks", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.released >= 3
	})
	cancel()
	testenv.Await(t, done, "Run's return after the cancel")
	if s.calls != 0 {
		t.Fatalf("camera sampled %d times while paused", s.calls)
	}
	if st := d.Status(); st.Policy.Phase != coach.PhasePaused || st.Camera != landmark.CameraOff {
		t.Fatalf("phase %q camera %q, want paused and off", st.Policy.Phase, st.Camera)
	}
	if s.released == 0 {
		t.Fatal("the camera was not released while paused")
	}
}

func TestIntervalAdapts(t *testing.T) {
	d, _, _ := newTestDaemon(t, nil, coach.DefaultConfig(), &notifytest.Recorder{})
	iv := DefaultIntervals()
	d.opt.Intervals = iv
	seq := []struct {
		st   posture.State
		want time.Duration
	}{
		{posture.Upright, iv.Changing}, // first sample: a change from nothing
		{posture.Upright, iv.Stable},
		{posture.ForwardHead, iv.Changing},
		{posture.ForwardHead, iv.Changing}, // bad: watch closely
		{posture.Away, iv.Changing},
		{posture.Away, iv.Away},
	}
	for i, s := range seq {
		if got := d.interval(Sample{Verdict: posture.Verdict{State: s.st}}); got != s.want {
			t.Errorf("step %d (%s): interval %v, want %v", i, s.st, got, s.want)
		}
	}
}

// journalRecorder records what the daemon hands the journal.
type journalRecorder struct {
	mu      sync.Mutex
	samples int
	accrued time.Duration
	events  []coach.Kind
	notes   []string
	ticks   int
	closed  bool
	err     error
	cuts    []time.Time // Discard's cuts
}

func (j *journalRecorder) Discard(cut time.Time) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.cuts = append(j.cuts, cut)
}

func (j *journalRecorder) Sample(Sample) { j.mu.Lock(); j.samples++; j.mu.Unlock() }
func (j *journalRecorder) Accrue(spans []coach.Span) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, sp := range spans {
		j.accrued += sp.End.Sub(sp.Start)
	}
}
func (j *journalRecorder) Event(e coach.Event) {
	j.mu.Lock()
	defer j.mu.Unlock()
	switch e := e.(type) {
	case coach.Command: // the user's commands
		j.notes = append(j.notes, string(e.Kind)+" "+e.For.String())
	default:
		j.events = append(j.events, e.Meta().Kind)
	}
}
func (j *journalRecorder) Tick(context.Context, time.Time) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.ticks++
	return j.err
}
func (j *journalRecorder) Close() error { j.closed = true; return nil }

func TestJournalGetsSamplesEventsAndNotes(t *testing.T) {
	rec := &notifytest.Recorder{}
	steps := append(repeat(verdict(posture.Upright, 0), 3), repeat(verdict(posture.ForwardHead, 0.6), 30)...)
	d, s, _ := newTestDaemon(t, steps, shortOnset(), rec)
	d.opt.Now = steppingClock(200 * time.Millisecond)
	s.now = d.opt.Now
	j := &journalRecorder{err: errors.New("database is locked")}
	d.opt.Journal = j
	d.Snooze(time.Minute)
	d.Resume()
	if err := d.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if j.samples != len(steps) || j.ticks == 0 || !j.closed {
		t.Fatalf("journal: %d samples (want %d), %d ticks, closed %v", j.samples, len(steps), j.ticks, j.closed)
	}
	if j.accrued <= 0 {
		t.Errorf("journal: no time accrued from the coach's timeline")
	}
	if len(j.events) == 0 || j.events[0] != coach.PostureAlert {
		t.Errorf("journal events %v, want the posture alert", j.events)
	}
	if strings.Join(j.notes, ",") != "snoozed 1m0s,resumed 0s" {
		t.Errorf("journal notes %q", j.notes)
	}
	if st := d.Status(); !strings.Contains(st.History, "database is locked") {
		t.Errorf("a failing journal is not shown in status: %q", st.History)
	}
	if len(rec.Notifications()) != 1 {
		t.Errorf("a failing journal changed the alerts: %d notifications", len(rec.Notifications()))
	}
}

func TestUserStartedBreakAndPainPrompt(t *testing.T) {
	rec := &notifytest.Recorder{}
	cfg := coach.DefaultConfig()
	cfg.BreakLength = time.Minute
	// Any time of day is past midnight: prompt at once.
	d, s, _ := newTestDaemonWith(t, repeat(verdict(posture.Upright, 0), 400), cfg, coach.SessionOptions{PainPrompt: "00:00"}, rec)
	d.opt.Now = steppingClock(time.Second)
	s.now = d.opt.Now
	if !d.StartBreak() {
		t.Error("StartBreak reports no break started")
	}
	if d.StartBreak() {
		t.Error("a second StartBreak during the break reports a new one")
	}
	if err := d.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, n := range rec.Notifications() {
		titles = append(titles, n.Title)
	}
	got := strings.Join(titles, " | ")
	for _, want := range []string{"Neck break: 1 min", "Break over", "How are your neck and back today?"} {
		if !strings.Contains(got, want) {
			t.Errorf("notifications %q lack %q", got, want)
		}
	}
	if strings.Count(got, "How are your neck") != 1 {
		t.Errorf("pain prompt not once a day: %q", got)
	}
}

// The daemon's own notices follow the policy's silencing: in quiet hours
// neither the pain prompt nor the end of a break is shown.
func TestOwnNoticesRespectQuietHours(t *testing.T) {
	rec := &notifytest.Recorder{}
	cfg := coach.DefaultConfig()
	cfg.BreakLength = time.Minute
	now := time.Now()
	// Quiet from an hour ago to two hours ahead, whatever the time of day
	// (the window may cross midnight).
	cfg.QuietStart, cfg.QuietEnd = now.Add(-time.Hour).Format("15:04"), now.Add(2*time.Hour).Format("15:04")
	d, s, _ := newTestDaemonWith(t, repeat(verdict(posture.Upright, 0), 400), cfg, coach.SessionOptions{PainPrompt: "00:00"}, rec)
	d.opt.Now = steppingClock(time.Second)
	s.now = d.opt.Now
	d.StartBreak()
	if err := d.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, n := range rec.Notifications() {
		if strings.Contains(n.Title, "How are your neck") || strings.Contains(n.Title, "Break over") {
			t.Errorf("shown in quiet hours: %q", n.Title)
		}
	}
}

// keep_open_fps means frames analysed per second: with keep_open a sample
// is one frame, every 1/fps seconds; on a duty cycle a sample is a burst.
func TestKeepOpenAnalysesTheConfiguredFramesPerSecond(t *testing.T) {
	s := config.Default().Sampling
	if got := BurstFrom(s); got != s.BurstFrames {
		t.Errorf("duty cycle: burst %d, want burst_frames %d", got, s.BurstFrames)
	}
	s.KeepOpen, s.KeepOpenFPS = true, 2
	iv := IntervalsFrom(s)
	perSecond := float64(BurstFrom(s)) * float64(time.Second) / float64(iv.Stable)
	if perSecond != 2 || iv.Changing != iv.Stable || iv.Away != iv.Stable {
		t.Errorf("keep_open at 2 fps: %.2f frames a second (burst %d every %v), want 2", perSecond, BurstFrom(s), iv.Stable)
	}
}

// fakeAdvisor stands in for the history's insights.
type fakeAdvisor struct {
	mu        sync.Mutex
	asked     int
	dismissed []string
}

func (a *fakeAdvisor) Advice(time.Time) ([]coach.Advice, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.asked++
	return []coach.Advice{{ID: "screen-distance", Title: "Sit a little further from the screen", Text: "Your face is on average 38 cm from the camera."}}, nil
}

func (a *fakeAdvisor) Dismiss(id string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.dismissed = append(a.dismissed, id)
	return nil
}

// The coach's question for desk advice reaches the Advisor once, its
// answer is shown, and the notice's button dismisses it there.
func TestDeskAdviceFromTheAdvisor(t *testing.T) {
	rec := &notifytest.Recorder{}
	d, s, _ := newTestDaemonWith(t, repeat(verdict(posture.Upright, 0), 100), coach.DefaultConfig(), coach.SessionOptions{Calibrated: true}, rec)
	d.opt.Now = steppingClock(time.Second)
	s.now = d.opt.Now
	adv := &fakeAdvisor{}
	d.opt.Advisor = adv
	var once sync.Once
	d.opt.OnSample = func(Sample) {
		for _, n := range rec.Notifications() {
			if n.Category == coach.AdviceCategory {
				once.Do(func() {
					d.HandleAction(notify.ActionEvent{Category: coach.AdviceCategory, Key: coach.ActionDismissAdvice})
				})
			}
		}
	}
	if err := d.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, n := range rec.Notifications() {
		titles = append(titles, n.Title)
	}
	if adv.asked != 1 || len(titles) != 1 || titles[0] != "Sit a little further from the screen" {
		t.Fatalf("advisor asked %d times; notifications %q", adv.asked, titles)
	}
	if len(adv.dismissed) != 1 || adv.dismissed[0] != "screen-distance" {
		t.Errorf("dismissed %q", adv.dismissed)
	}
}

// Advice that could not be shown (no notification service) does not use
// up the week: the coach asks again a day later.
func TestUnshownAdviceIsAskedAgain(t *testing.T) {
	rec := &notifytest.Recorder{}
	rec.SetErr(fmt.Errorf("test: %w", notify.ErrUnavailable))
	// 30 samples about a second apart.
	d, s, _ := newTestDaemonWith(t, repeat(verdict(posture.Upright, 0), 30), coach.DefaultConfig(), coach.SessionOptions{Calibrated: true}, rec)
	d.opt.Now = steppingClock(time.Second)
	s.now = d.opt.Now
	adv := &fakeAdvisor{}
	d.opt.Advisor = adv
	if err := d.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if adv.asked != 1 {
		t.Fatalf("advisor asked %d times, want 1", adv.asked)
	}
	snap := d.opt.Coach.Snapshot()
	if snap.AdviceShownAt != "" {
		t.Errorf("unshown advice counted as shown at %s", snap.AdviceShownAt)
	}
}

// A pause turns the camera off before Pause returns, whatever the wait
// the loop was in (here a stable posture's hour and an hour's tick), so the
// status asked right after says "off" and no next sample until the pause
// ends; the log names the pause truly; resume samples at once.
func TestPauseIsTrueAtOnceInStatusAndLog(t *testing.T) {
	for _, tc := range []struct {
		dur     time.Duration
		wantLog string
		noLog   string
	}{
		{20 * time.Second, "msg=paused for=20s until=", "for=0s"},
		{0, `msg="paused until resumed"`, "for=0s"},
	} {
		t.Run(tc.dur.String(), func(t *testing.T) {
			d, s, _ := newTestDaemon(t, repeat(verdict(posture.Upright, 0), 1000), coach.DefaultConfig(), &notifytest.Recorder{})
			var logs testenv.SyncBuffer
			d.log = slog.New(slog.NewTextHandler(&logs, nil))
			// An hour to the next sample and an hour's tick: only the
			// pause and the resume themselves can wake the loop.
			d.opt.Intervals.Stable, d.opt.Intervals.Changing = time.Hour, time.Hour
			d.opt.Tick = time.Hour
			d.ackWait = testenv.Patience
			sampled := make(chan struct{}, 10)
			d.opt.OnSample = func(Sample) { sampled <- struct{}{} }
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error)
			go func() { done <- d.Run(ctx) }()
			defer func() { cancel(); <-done }()
			testenv.Await(t, sampled, "the first sample")

			d.Pause(tc.dur)
			st := d.Status()
			if st.Camera != landmark.CameraOff || st.NextSampleIn != "after the pause" || !st.Policy.Paused {
				t.Errorf("right after Pause: camera %q, next sample %q, paused %v; want off, after the pause, true", st.Camera, st.NextSampleIn, st.Policy.Paused)
			}
			if l := logs.String(); !strings.Contains(l, tc.wantLog) || strings.Contains(l, tc.noLog) {
				t.Errorf("log lacks %q or has %q:\n%s", tc.wantLog, tc.noLog, l)
			}
			calls := func() int { s.mu.Lock(); defer s.mu.Unlock(); return s.calls }
			before := calls()
			d.Resume()
			testenv.Await(t, sampled, "a sample after Resume (an hour's tick and interval otherwise)")
			if calls() != before+1 {
				t.Errorf("%d samples after Resume, want 1", calls()-before)
			}
		})
	}
}

// The effects of an effect's outcome (the advice found, a calibration's
// result) are carried out after the effects decided before them, and a
// stop cuts off only the outcome's answer, not the rest of the queue.
func TestEffectOutcomesQueueBehindEarlierEffects(t *testing.T) {
	earlier := coach.Show{Notice: coach.Notice{Title: "earlier"}}
	for _, tc := range []struct {
		name    string
		setup   func(d *Daemon) []coach.Effect
		stopped bool
		want    []string
	}{
		{"advice", func(*Daemon) []coach.Effect { return []coach.Effect{coach.CheckAdvice{}, earlier} }, false,
			[]string{"earlier", "Sit a little further from the screen"}},
		{"calibration", guidedCalibration, false,
			[]string{"earlier", "Calibration did not work"}},
		{"calibration while stopping", guidedCalibration, true,
			[]string{"earlier"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &notifytest.Recorder{}
			d, _, _ := newTestDaemonWith(t, nil, coach.DefaultConfig(), coach.SessionOptions{Calibrated: true, CanCalibrate: true}, rec)
			d.opt.Advisor = &fakeAdvisor{}
			effects := tc.setup(d)
			shown := len(rec.Notifications())
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.stopped {
				cancel()
			}
			d.apply(ctx, effects)
			var titles []string
			for _, n := range rec.Notifications()[shown:] {
				titles = append(titles, n.Title)
			}
			if strings.Join(titles, " | ") != strings.Join(tc.want, " | ") {
				t.Errorf("shown %q, want %q", titles, tc.want)
			}
		})
	}
}

// Stopping does not cut off every answer: an advice notice that failed to
// show while the daemon stops (the notification server gone at logout) is
// still taken back, or the saved state would count it as shown and no
// advice would come for a week.
func TestAdviceNotShownWhileStoppingIsTakenBack(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The stop arrives while the advice is being shown, and the notice
	// fails with it.
	n := stoppingNotifier{stop: cancel}
	d, _, _ := newTestDaemonWith(t, nil, coach.DefaultConfig(), coach.SessionOptions{Calibrated: true}, n)
	d.opt.Advisor = &fakeAdvisor{}
	d.apply(ctx, []coach.Effect{coach.CheckAdvice{}})
	if ctx.Err() == nil {
		t.Fatal("the advice was never shown")
	}
	d.mu.Lock()
	snap := d.opt.Coach.Snapshot()
	d.mu.Unlock()
	if snap.AdviceShownAt != "" {
		t.Errorf("advice that failed to show is saved as shown at %s", snap.AdviceShownAt)
	}
}

// stoppingNotifier stops the daemon (cancels its context) and fails on
// every notice, as when the notification server goes away at logout.
type stoppingNotifier struct{ stop context.CancelFunc }

func (n stoppingNotifier) Notify(notify.Notification) error {
	n.stop()
	return errors.New("the notification server went away")
}

// guidedCalibration starts a guided calibration (there is no Recalibrator,
// so it fails) and returns the effects of the tick that takes it, then a
// notice decided after it.
func guidedCalibration(d *Daemon) []coach.Effect {
	d.StartGuidedCalibration()
	effects := d.ask(func(s *coach.Session, now time.Time) []coach.Effect {
		return s.Tick(now.Add(coach.DefaultCalibrationCountdown))
	})
	return append(effects, coach.Show{Notice: coach.Notice{Title: "earlier"}})
}

// `history forget` reaches both holders of the past: the coach drops the
// sample it holds from before the cut (no span from before it is accrued
// later), and the journal what it has not written.
func TestForgetReachesTheCoachAndTheJournal(t *testing.T) {
	d, _, _ := newTestDaemon(t, nil, coach.DefaultConfig(), &notifytest.Recorder{})
	j := &journalRecorder{}
	d.opt.Journal = j
	d.opt.Now = steppingClock(time.Second)
	d.decide(context.Background(), func(s *coach.Session, now time.Time) []coach.Effect {
		return s.Sample(now, verdict(posture.Upright, 0))
	})
	cut := d.opt.Now()
	d.Forget(cut)
	if len(j.cuts) != 1 || !j.cuts[0].Equal(cut) {
		t.Errorf("journal discards %v, want one at %v", j.cuts, cut)
	}
	d.decide(context.Background(), (*coach.Session).Stop)
	if j.accrued != 0 {
		t.Errorf("%v accrued from before the cut after Forget", j.accrued)
	}
}
