package notify

import "sync"

// reachability remembers the outcome of the last attempt to reach the
// notification service, for `neckwatch status`. Shared by the platform
// implementations of Desktop.
type reachability struct {
	mu      sync.Mutex
	lastErr error
}

// record stores the outcome of an attempt (nil: it worked).
func (r *reachability) record(err error) {
	r.mu.Lock()
	r.lastErr = err
	r.mu.Unlock()
}

// Available reports whether the notification service is usable: false only
// when the most recent Notify or Check failed. Before the first attempt it
// is true (nothing is known against it); call Check to find out.
func (d *Desktop) Available() bool { return d.LastError() == nil }

// LastError returns the error of the most recent Notify or Check, nil if
// that attempt worked or none was made yet.
func (d *Desktop) LastError() error {
	d.reach.mu.Lock()
	defer d.reach.mu.Unlock()
	return d.reach.lastErr
}
