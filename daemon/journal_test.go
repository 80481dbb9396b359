package daemon

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/coach"
	"github.com/neckwatch/neckwatch/notify/notifytest"
	"github.com/neckwatch/neckwatch/posture"
)

// heldJournal is a history whose database another program holds: a write
// waits until it is cancelled (as history.Store's does, in slices), and
// says when it starts waiting and when Close comes.
type heldJournal struct {
	journalRecorder
	waiting   chan struct{} // closed when the first write starts waiting
	once      sync.Once
	mu        sync.Mutex
	inTick    bool
	closedMid bool // Close called while a write was still waiting
}

func (j *heldJournal) Tick(ctx context.Context, _ time.Time) error {
	j.mu.Lock()
	j.inTick = true
	j.mu.Unlock()
	j.once.Do(func() { close(j.waiting) })
	<-ctx.Done()
	j.mu.Lock()
	j.inTick = false
	j.mu.Unlock()
	return ctx.Err()
}

func (j *heldJournal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.closedMid = j.inTick
	j.closed = true
	return nil
}

// The history's minute write never holds up the sampling loop, and the
// stop cancels it: with a write waiting on a held database, samples go on
// being taken and judged, and Run returns at once when it is cancelled,
// closing the journal only after the write has given up. The old loop
// made the write itself: it stalled 2 s each minute, and SIGTERM waited
// for the write (2.3-2.5 s).
func TestHistoryWriteIsOffTheLoopAndCancelledAtStop(t *testing.T) {
	rec := &notifytest.Recorder{}
	steps := repeat(verdict(posture.Upright, 0), 1_000_000) // endless for this test
	d, _, _ := newTestDaemon(t, steps, coach.DefaultConfig(), rec)
	j := &heldJournal{waiting: make(chan struct{})}
	d.opt.Journal = j
	sampled := make(chan struct{}, 1000)
	d.opt.OnSample = func(Sample) {
		select {
		case sampled <- struct{}{}:
		default:
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()

	// A generous bound on events that come within milliseconds; only a
	// broken daemon reaches it.
	const never = 10 * time.Second
	select {
	case <-j.waiting:
	case <-time.After(never):
		t.Fatal("the history write never started")
	}
	for i := 0; i < 20; i++ { // samples while the write waits
		select {
		case <-sampled:
		case <-time.After(never):
			t.Fatalf("the sampling loop stalled behind the waiting history write after %d samples", i)
		}
	}
	t0 := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(never):
		t.Fatal("Run did not return after the stop: it waits for the history write")
	}
	took := time.Since(t0)
	t.Logf("Run returned %v after the stop", took)
	if took > time.Second {
		t.Errorf("Run took %v to stop with a waiting history write, want well under a second", took)
	}
	if !j.closed || j.closedMid {
		t.Errorf("journal closed %v, while a write still waited %v: want Close after the write gave up", j.closed, j.closedMid)
	}
}
