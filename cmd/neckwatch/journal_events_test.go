package main

import (
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/coach"
	"github.com/neckwatch/neckwatch/history"
	"github.com/neckwatch/neckwatch/posture"
)

// Each coach decision the journal keeps becomes its record, with the
// figures in words; a pre-break notice is not kept.
func TestEventRecord(t *testing.T) {
	sec := func(s int) time.Time { return time.Unix(1_700_000_000+int64(s), 0).UTC() }
	fp := func(v float64) *float64 { return &v }
	at := sec(5)
	cases := []struct {
		in   coach.Event
		ok   bool
		want history.Event
	}{
		{coach.Event{Kind: coach.PostureAlert, At: at, State: posture.ForwardHead, Severity: 0.7, BadFor: 90 * time.Second, NeckAngleDeg: fp(38.4)},
			true, history.Event{At: at, Kind: history.EventPostureAlert, State: "forward_head", Severity: 0.7, Detail: "bad for 1m30s, neck angle 38°"}},
		{coach.Event{Kind: coach.PostureCorrected, At: at, State: posture.Slouch, AlertAt: sec(1), CorrectedWithinMinute: true, CorrectedAfter: 4 * time.Second},
			true, history.Event{At: at, Kind: history.EventCorrected, State: "slouch", Corrected: true, AlertAt: sec(1), Detail: "upright 4s after the alert"}},
		{coach.Event{Kind: coach.BreakSuggested, At: at, Load: 20 * time.Minute, Budget: 20 * time.Minute, BreakLength: 2 * time.Minute},
			true, history.Event{At: at, Kind: history.EventBreakSuggested, Detail: "load 20m0s of 20m0s, break 2m0s"}},
		{coach.Event{Kind: coach.BreakTaken, At: at, AwayFor: 100 * time.Second},
			true, history.Event{At: at, Kind: history.EventBreakTaken, Detail: "away 1m40s"}},
		{coach.Event{Kind: coach.BreakSkipped, At: at}, true, history.Event{At: at, Kind: history.EventBreakSkipped, Detail: "away 0s"}},
		{coach.Event{Kind: coach.Resumed, At: at, Detail: "timed pause ended"}, true, history.Event{At: at, Kind: history.EventResumed, Detail: "timed pause ended"}},
		{coach.Event{Kind: coach.PreBreakNotice, At: at}, false, history.Event{}},
	}
	for _, c := range cases {
		got, ok := eventRecord(c.in)
		if ok != c.ok || got != c.want {
			t.Errorf("%s: got %+v %v, want %+v %v", c.in.Kind, got, ok, c.want, c.ok)
		}
	}
}
