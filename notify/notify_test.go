package notify

import (
	"testing"
	"time"
)

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
