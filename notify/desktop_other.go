//go:build !linux

package notify

import (
	"context"
	"fmt"
	"runtime"
)

// Desktop shows notifications on the user's desktop. Outside Linux it uses
// github.com/gen2brain/beeep (Notification Center on macOS, toast
// notifications on Windows), which shows the title and body only: Urgency,
// Timeout and Category are ignored, so notifications stack rather than
// replace each other. The zero value is ready to use; a Desktop is safe for
// concurrent use.
type Desktop struct {
	reach reachability
}

var _ Notifier = (*Desktop)(nil)

// NewDesktop returns a Desktop.
func NewDesktop() *Desktop { return &Desktop{} }

// Notify shows n. The error wraps ErrUnavailable: beeep failing means the
// platform would not show the notification, which the daemon treats as an
// unavailable desktop (log once, keep running).
func (d *Desktop) Notify(n Notification) error {
	err := beeepNotify(n)
	if err != nil {
		err = fmt.Errorf("notify: %w: %w", ErrUnavailable, err)
	}
	d.reach.record(err)
	return err
}

// Check reports the platform's notification service. There is no way to
// ask it without showing something, so it only names the mechanism.
func (d *Desktop) Check(ctx context.Context) (ServerInfo, error) {
	if err := ctx.Err(); err != nil {
		return ServerInfo{}, fmt.Errorf("notify: check: %w", err)
	}
	return ServerInfo{Name: runtime.GOOS + " notifications", Vendor: "github.com/gen2brain/beeep"}, nil
}

// DoNotDisturb is not exposed by these platforms to beeep: it reports
// false (unknown) with a nil error.
func (d *Desktop) DoNotDisturb(ctx context.Context) (bool, error) { return false, nil }

// Close does nothing: beeep keeps no connection.
func (d *Desktop) Close() error { return nil }
