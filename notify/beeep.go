package notify

import (
	"fmt"
	"sync"

	"github.com/gen2brain/beeep"
)

// setBeeepAppName sets beeep's package-level application name once: it is
// a global, and writing it on every call would race between Desktops.
var setBeeepAppName sync.Once

// beeepNotify shows n through beeep: the only path on macOS and Windows,
// the fallback on Linux. beeep knows nothing of urgency, category, timeout
// or replacement; it shows the title and body.
func beeepNotify(n Notification) error {
	setBeeepAppName.Do(func() { beeep.AppName = AppName })
	if err := beeep.Notify(n.Title, n.Body, ""); err != nil {
		return fmt.Errorf("beeep: %w", err)
	}
	return nil
}
