package daemonctl

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/coach"
	"github.com/neckwatch/neckwatch/control"
	"github.com/neckwatch/neckwatch/daemon"
	"github.com/neckwatch/neckwatch/internal/testenv"
	"github.com/neckwatch/neckwatch/landmark"
	"github.com/neckwatch/neckwatch/notify/notifytest"
	"github.com/neckwatch/neckwatch/posture"
)

// ended is a source that has ended: the daemon is not sampling.
type ended struct{}

func (ended) Sample(context.Context, landmark.BurstRequest) (landmark.Burst, error) {
	return landmark.Burst{}, io.EOF
}
func (ended) Close() error { return nil }

func newDaemon(t *testing.T) *daemon.Daemon {
	t.Helper()
	session, err := coach.NewSession(coach.DefaultConfig(), coach.SessionOptions{}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	d, err := daemon.New(daemon.Options{Sampler: ended{}, Classifier: posture.NewClassifier(posture.Front, nil), Coach: session, Notifier: &notifytest.Recorder{}})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Each command reaches the daemon and is answered as the command line
// prints it; a request's own mistake comes back as an error response.
func TestEachCommandReachesTheDaemon(t *testing.T) {
	for _, tc := range []struct {
		req   control.Request
		ok    bool
		want  string // in the message (or the error)
		phase coach.Phase
	}{
		{control.Request{Command: control.CmdPause}, true, "paused until `neckwatch resume`", coach.PhasePaused},
		{control.Request{Command: control.CmdPause, Duration: "10m"}, true, "paused for 10m0s", coach.PhasePaused},
		{control.Request{Command: control.CmdSnooze, Duration: "30m"}, true, "snoozed for 30m0s", coach.PhaseSnoozed},
		{control.Request{Command: control.CmdSnooze, Duration: "soon"}, false, "soon", coach.PhaseUnknown},
		{control.Request{Command: control.CmdBreak}, true, "break started; a notification says when it is over", coach.PhaseUnknown},
		{control.Request{Command: control.CmdForget}, true, "dropped what it held", coach.PhaseUnknown},
		{control.Request{Command: "dance"}, false, `unknown command "dance"`, coach.PhaseUnknown},
	} {
		t.Run(tc.req.Command+" "+tc.req.Duration, func(t *testing.T) {
			d := newDaemon(t)
			resp := Handler{D: d}.Handle(context.Background(), tc.req)
			if resp.OK != tc.ok || !strings.Contains(resp.Message+resp.Error, tc.want) {
				t.Fatalf("%+v: %+v, want ok %v and %q", tc.req, resp, tc.ok, tc.want)
			}
			if got := d.Status().Policy.Phase; got != tc.phase {
				t.Errorf("phase %q after %+v, want %q", got, tc.req, tc.phase)
			}
		})
	}
}

// Status sends the daemon's status document; resume ends a pause; a
// second break says one is under way.
func TestStatusResumeAndASecondBreak(t *testing.T) {
	d := newDaemon(t)
	h := Handler{D: d}
	ctx := context.Background()
	h.Handle(ctx, control.Request{Command: control.CmdPause})
	if resp := h.Handle(ctx, control.Request{Command: control.CmdResume}); !resp.OK || d.Status().Policy.Paused {
		t.Errorf("resume: %+v, paused %v", resp, d.Status().Policy.Paused)
	}
	resp := h.Handle(ctx, control.Request{Command: control.CmdStatus})
	var st daemon.Status
	if err := json.Unmarshal(resp.Status, &st); !resp.OK || err != nil || st.View != "front" {
		t.Errorf("status: %+v (%v)", resp, err)
	}
	h.Handle(ctx, control.Request{Command: control.CmdBreak})
	if resp := h.Handle(ctx, control.Request{Command: control.CmdBreak}); !strings.HasPrefix(resp.Message, "a break is already under way") {
		t.Errorf("second break: %+v", resp)
	}
}

// Stop is answered first: the daemon is ended once the request's context
// ends (when Serve has written the answer), not before.
func TestStopQuitsAfterTheAnswer(t *testing.T) {
	var quit atomic.Bool
	quitted := make(chan struct{})
	h := Handler{D: newDaemon(t), Quit: func() { quit.Store(true); close(quitted) }}
	ctx, answered := context.WithCancel(context.Background())
	resp := h.Handle(ctx, control.Request{Command: control.CmdStop})
	if !resp.OK || !strings.Contains(resp.Message, "is stopping") || quit.Load() {
		t.Fatalf("stop: %+v, quit before the answer: %v", resp, quit.Load())
	}
	answered()
	testenv.Await(t, quitted, "Quit after the answer")
}

// Recalibrate waits for the daemon's loop, which owns the camera: with no
// loop running, the request's end is the answer.
func TestRecalibrateWaitsForTheLoop(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if resp := (Handler{D: newDaemon(t)}).Handle(ctx, control.Request{Command: control.CmdRecalibrate}); resp.OK {
		t.Errorf("recalibrate without a loop: %+v", resp)
	}
}
