// Package notifytest provides an in-memory notify.Notifier for the tests of
// the packages that send notifications, like net/http/httptest for
// servers. Production code must not import it.
package notifytest

import (
	"sync"

	"github.com/neckwatch/neckwatch/notify"
)

// Recorder is a Notifier that keeps notifications in memory, for the tests
// of packages that send them. It is safe for concurrent use; the zero value
// is ready to use.
type Recorder struct {
	mu  sync.Mutex
	got []notify.Notification
	err error
}

var _ notify.Notifier = (*Recorder)(nil)

// Notify records n, or returns the error set by SetErr without recording
// (a notification that failed to show was not delivered).
func (r *Recorder) Notify(n notify.Notification) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	r.got = append(r.got, n)
	return nil
}

// Notifications returns a copy of the recorded notifications, oldest first.
func (r *Recorder) Notifications() []notify.Notification {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]notify.Notification(nil), r.got...)
}

// SetErr makes later Notify calls fail with err (nil: succeed again), so
// that tests can exercise an unavailable desktop, e.g.
// SetErr(fmt.Errorf("test: %w", notify.ErrUnavailable)).
func (r *Recorder) SetErr(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.err = err
}

// Reset forgets the recorded notifications.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = nil
}
