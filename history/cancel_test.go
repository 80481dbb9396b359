package history

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/internal/testenv"
)

// A write waiting for another program's lock gives up when it is
// cancelled, not after its busy timeout (SQLite's own wait does not heed
// ctx): the daemon's minute write and its last write at shutdown can be
// stopped, so SIGTERM is obeyed at once. The data is kept for the next
// attempt. The old write waited out the full busy timeout (1.8 s after
// the cancel); here the timeout is longer than the test.
// withLockWait sets how long writes wait for the lock, and what a write
// that first finds it held calls, for one test.
func withLockWait(t *testing.T, wait time.Duration, busy func()) {
	t.Helper()
	oldWait, oldHook := lockWait, testHookBusy
	lockWait, testHookBusy = wait, busy
	t.Cleanup(func() { lockWait, testHookBusy = oldWait, oldHook })
}

func TestLockedWriteStopsWhenCancelled(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(ctx context.Context, r *Recorder) error
	}{
		{"minute write", func(ctx context.Context, r *Recorder) error { return r.TickContext(ctx, sec(61)) }},
		{"shutdown write", func(ctx context.Context, r *Recorder) error { return r.Shutdown(ctx) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := dbPath(t)
			s := openT(t, path)
			clk := &clock{t: sec(0)}
			r := newFeeder(s, clk.Now, 0)
			feed(r, clk) // two minutes and events
			conn, err := rawDB(t, path).Conn(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := conn.ExecContext(context.Background(), "BEGIN EXCLUSIVE"); err != nil {
				t.Fatal(err)
			}
			// The lock is waited for longer than the test: only the
			// cancel, once the write waits, can end the wait.
			waiting := make(chan struct{}, 1)
			withLockWait(t, time.Hour, func() {
				select {
				case waiting <- struct{}{}:
				default:
				}
			})
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- tc.write(ctx, r.Recorder) }()
			testenv.Await(t, waiting, "the write waiting for the lock")
			cancel()
			werr := testenv.Await(t, done, "the write's return after the cancel")
			t.Logf("cancelled write: %v", werr)
			if werr == nil {
				t.Fatal("a write against a locked database succeeded")
			}
			if !errors.Is(werr, context.Canceled) || !errors.Is(werr, ErrLocked) {
				t.Errorf("the cancelled write's error %v does not say both: locked, and cancelled", werr)
			}
			if m, e, _ := r.Pending(); m == 0 || e == 0 {
				t.Errorf("the cancelled write dropped its data: %d minutes, %d events held", m, e)
			}
			if _, err := conn.ExecContext(context.Background(), "COMMIT"); err != nil {
				t.Fatal(err)
			}
			if err := r.Close(); err != nil {
				t.Fatalf("the write after the lock went: %v", err)
			}
			if n := count(t, path, "events"); n != 3 {
				t.Errorf("%d events written after the lock went, want 3", n)
			}
		})
	}
}
