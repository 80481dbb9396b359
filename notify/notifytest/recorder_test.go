package notifytest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/neckwatch/neckwatch/notify"
)

func TestRecorder(t *testing.T) {
	var r Recorder // the zero value must work
	var n notify.Notifier = &r

	const workers, each = 8, 50
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if err := n.Notify(notify.Notification{Title: fmt.Sprintf("w%d", w), Body: fmt.Sprint(i), Category: "neckwatch.posture"}); err != nil {
					t.Errorf("Notify: %v", err)
				}
			}
		}(w)
	}
	wg.Wait()
	got := r.Notifications()
	if len(got) != workers*each {
		t.Fatalf("recorded %d notifications, want %d", len(got), workers*each)
	}
	// Per sender, order is kept.
	next := map[string]int{}
	for _, g := range got {
		if want := fmt.Sprint(next[g.Title]); g.Body != want {
			t.Fatalf("notification %q from %s out of order, want %s", g.Body, g.Title, want)
		}
		next[g.Title]++
	}

	got[0].Title = "changed"
	if r.Notifications()[0].Title == "changed" {
		t.Error("Notifications returned the Recorder's own slice, want a copy")
	}

	down := fmt.Errorf("test: %w", notify.ErrUnavailable)
	r.SetErr(down)
	if err := r.Notify(notify.Notification{Title: "lost"}); !errors.Is(err, notify.ErrUnavailable) {
		t.Errorf("Notify after SetErr = %v, want it to wrap notify.ErrUnavailable", err)
	}
	if len(r.Notifications()) != workers*each {
		t.Error("a failed Notify was recorded")
	}
	r.SetErr(nil)
	r.Reset()
	if err := r.Notify(notify.Notification{Title: "back", Urgency: notify.Critical}); err != nil {
		t.Fatalf("Notify after SetErr(nil): %v", err)
	}
	if got := r.Notifications(); len(got) != 1 || got[0].Title != "back" || got[0].Urgency != notify.Critical {
		t.Errorf("after Reset and one Notify: %+v", got)
	}
}
