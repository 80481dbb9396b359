package main

import (
	"reflect"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/coach"
	"github.com/neckwatch/neckwatch/history"
	"github.com/neckwatch/neckwatch/posture"
)

// Each coach decision the journal keeps becomes its record, with its
// figures as numbers; a pre-break notice is not kept.
func TestEventRecord(t *testing.T) {
	sec := func(s int) time.Time { return time.Unix(1_700_000_000+int64(s), 0).UTC() }
	fp := func(v float64) *float64 { return &v }
	at := sec(5)
	cases := []struct {
		in   coach.Event
		ok   bool
		want history.Event
	}{
		{coach.Alert{EventMeta: coach.EventMeta{Kind: coach.PostureAlert, At: at}, State: posture.ForwardHead, Severity: 0.7, BadFor: 90 * time.Second, NeckAngleDeg: fp(38.4)},
			true, history.Event{At: at, Kind: history.EventPostureAlert, State: "forward_head", Severity: 0.7, Figures: history.Figures{BadFor: 90 * time.Second, NeckAngleDeg: fp(38.4)}}},
		{coach.Correction{EventMeta: coach.EventMeta{Kind: coach.PostureCorrected, At: at}, State: posture.Slouch, AlertAt: sec(1), CorrectedWithinMinute: true, CorrectedAfter: 4 * time.Second},
			true, history.Event{At: at, Kind: history.EventCorrected, State: "slouch", Corrected: true, AlertAt: sec(1), Figures: history.Figures{CorrectedAfter: 4 * time.Second}}},
		{coach.BreakStart{EventMeta: coach.EventMeta{Kind: coach.BreakSuggested, At: at}, Load: 20 * time.Minute, Budget: 20 * time.Minute, BreakLength: 2 * time.Minute},
			true, history.Event{At: at, Kind: history.EventBreakSuggested, Figures: history.Figures{Load: 20 * time.Minute, Budget: 20 * time.Minute, BreakLength: 2 * time.Minute}}},
		{coach.BreakEnd{EventMeta: coach.EventMeta{Kind: coach.BreakTaken, At: at}, AwayFor: 100 * time.Second},
			true, history.Event{At: at, Kind: history.EventBreakTaken, Figures: history.Figures{AwayFor: 100 * time.Second}}},
		{coach.BreakEnd{EventMeta: coach.EventMeta{Kind: coach.BreakSkipped, At: at}}, true, history.Event{At: at, Kind: history.EventBreakSkipped}},
		{coach.Command{EventMeta: coach.EventMeta{Kind: coach.Resumed, At: at}, For: 30 * time.Minute}, true, history.Event{At: at, Kind: history.EventResumed, Figures: history.Figures{For: 30 * time.Minute}}},
		{coach.Command{EventMeta: coach.EventMeta{Kind: coach.Paused, At: at}}, true, history.Event{At: at, Kind: history.EventPaused}},
		{coach.BreakNotice{EventMeta: coach.EventMeta{Kind: coach.PreBreakNotice, At: at}}, false, history.Event{}},
	}
	for _, c := range cases {
		got, ok := eventRecord(c.in)
		if ok != c.ok || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %+v %v, want %+v %v", c.in.Meta().Kind, got, ok, c.want, c.ok)
		}
	}
}
