package daemon

import (
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/coach"
	"github.com/neckwatch/neckwatch/notify/notifytest"
	"github.com/neckwatch/neckwatch/posture"
)

var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// walkJSON calls visit with the key path and value of every member of
// every object in v.
func walkJSON(path string, v any, visit func(path, key string, val any)) {
	switch v := v.(type) {
	case map[string]any:
		for k, val := range v {
			visit(path, k, val)
			walkJSON(path+"."+k, val, visit)
		}
	case []any:
		for _, e := range v {
			walkJSON(path+"[]", e, visit)
		}
	}
}

// The status document speaks one dialect: snake_case keys everywhere, the
// policy's durations as strings, null for times that are not set, the
// daemon's pid; and it reads back into the same Status.
func TestStatusJSONDialect(t *testing.T) {
	at := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		name      string
		policy    coach.Status
		nullTimes []string // policy keys that must be null
		durations map[string]string
	}{
		{"fresh daemon", coach.Status{Phase: coach.PhaseUnknown, Onset: 50 * time.Second, Cooldown: 5 * time.Minute, Budget: 20 * time.Minute, MaxBreaksPerDay: 1},
			[]string{"next_alert_at", "paused_until", "snoozed_until", "posture"},
			map[string]string{"onset": "50s", "cooldown": "5m0s", "budget": "20m0s", "load": "0s", "time_to_break": "0s"}},
		{"paused until resumed, alerted before", coach.Status{Phase: coach.PhasePaused, Paused: true, NextAlertAt: at, Load: 90*time.Second + 123456789, Posture: posture.Upright},
			[]string{"paused_until", "snoozed_until"},
			map[string]string{"load": "1m30.123s"}},
		{"snoozed", coach.Status{Phase: coach.PhaseSnoozed, Snoozed: true, SnoozedUntil: at, TimeToBreak: 25 * time.Minute},
			[]string{"next_alert_at", "paused_until"},
			map[string]string{"time_to_break": "25m0s"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := Status{PID: 4242, Source: "0", Started: at, Policy: tc.policy, NextSampleIn: "5s",
				LastSample: &SampleStatus{At: at, State: "upright"}}
			b, err := json.Marshal(st)
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			walkJSON("", doc, func(path, key string, val any) {
				if !snakeCase.MatchString(key) {
					t.Errorf("key %s.%s is not snake_case", path, key)
				}
				if s, ok := val.(string); ok && s == "0001-01-01T00:00:00Z" {
					t.Errorf("%s.%s is the zero time, want null", path, key)
				}
			})
			if doc["pid"] != float64(4242) {
				t.Errorf("pid %v", doc["pid"])
			}
			pol := doc["policy"].(map[string]any)
			for _, k := range tc.nullTimes {
				if v, ok := pol[k]; !ok || v != nil {
					t.Errorf("policy.%s = %v (present %v), want null", k, v, ok)
				}
			}
			for k, want := range tc.durations {
				if pol[k] != want {
					t.Errorf("policy.%s = %#v, want %q", k, pol[k], want)
				}
			}
			var back Status
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			want := st
			want.Policy.Load = want.Policy.Load.Round(time.Millisecond)
			if !reflect.DeepEqual(back.Policy, want.Policy) || back.PID != st.PID || !back.Started.Equal(st.Started) {
				t.Errorf("read back\n%+v\nwant\n%+v", back, want)
			}
		})
	}
}

// The running daemon's status names its process.
func TestStatusHasThePID(t *testing.T) {
	d, _, _ := newTestDaemon(t, nil, coach.DefaultConfig(), &notifytest.Recorder{})
	if got := d.Status().PID; got != os.Getpid() {
		t.Errorf("status pid %d, want %d", got, os.Getpid())
	}
}
