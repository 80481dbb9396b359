package daemon

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/coach"
	"github.com/neckwatch/neckwatch/internal/testenv"
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
// stop cancels it: with a write waiting on a held database (until it is
// cancelled, however long), samples go on being taken and judged, and Run
// returns when it is cancelled, closing the journal only after the write
// has given up. The old loop made the write itself: it stalled 2 s each
// minute, and SIGTERM waited for the write (2.3-2.5 s).
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

	testenv.Await(t, j.waiting, "the history write's start")
	for i := 0; i < 20; i++ { // samples while the write waits
		testenv.Await(t, sampled, fmt.Sprintf("sample %d while the history write waits", i))
	}
	cancel()
	if err := testenv.Await(t, done, "Run's return after the stop, with the history write waiting"); err != nil {
		t.Fatal(err)
	}
	if !j.closed || j.closedMid {
		t.Errorf("journal closed %v, while a write still waited %v: want Close after the write gave up", j.closed, j.closedMid)
	}
}
