package notify

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestRecorder(t *testing.T) {
	var r Recorder // the zero value must work
	var n Notifier = &r

	const workers, each = 8, 50
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if err := n.Notify(Notification{Title: fmt.Sprintf("w%d", w), Body: fmt.Sprint(i), Category: "neckwatch.posture"}); err != nil {
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

	down := fmt.Errorf("test: %w", ErrUnavailable)
	r.SetErr(down)
	if err := r.Notify(Notification{Title: "lost"}); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Notify after SetErr = %v, want it to wrap ErrUnavailable", err)
	}
	if len(r.Notifications()) != workers*each {
		t.Error("a failed Notify was recorded")
	}
	r.SetErr(nil)
	r.Reset()
	if err := r.Notify(Notification{Title: "back", Urgency: Critical}); err != nil {
		t.Fatalf("Notify after SetErr(nil): %v", err)
	}
	if got := r.Notifications(); len(got) != 1 || got[0].Title != "back" || got[0].Urgency != Critical {
		t.Errorf("after Reset and one Notify: %+v", got)
	}
}

func TestUrgencyAndTimeout(t *testing.T) {
	var zero Notification
	if zero.Urgency != Normal {
		t.Errorf("zero Urgency is %v, want normal", zero.Urgency)
	}
	for u, want := range map[Urgency]struct {
		level byte
		name  string
	}{Low: {0, "low"}, Normal: {1, "normal"}, Critical: {2, "critical"}, Urgency(9): {1, "Urgency(9)"}} {
		if got := u.wireLevel(); got != want.level {
			t.Errorf("%v.wireLevel() = %d, want %d", u, got, want.level)
		}
		if got := u.String(); got != want.name {
			t.Errorf("Urgency(%d).String() = %q, want %q", uint8(u), got, want.name)
		}
	}
	for d, want := range map[time.Duration]int32{
		0: -1, -time.Second: 0, time.Nanosecond: 1, 1500 * time.Microsecond: 2,
		8 * time.Second: 8000, 1000 * time.Hour: 1<<31 - 1,
	} {
		if got := expireTimeout(d); got != want {
			t.Errorf("expireTimeout(%v) = %d, want %d", d, got, want)
		}
	}
}
