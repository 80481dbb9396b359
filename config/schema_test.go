package config

import (
	"reflect"
	"testing"

	"github.com/neckwatch/neckwatch/coach"
)

// TestSchema: every key is declared once, with a doc; the [alerts] keys
// take the policy's own defaults rather than a second copy; each declared
// range holds its default.
func TestSchema(t *testing.T) {
	seen := map[string]bool{}
	for _, tb := range tables {
		for _, k := range tb.keys {
			if seen[k.String()] {
				t.Errorf("%s declared twice", k)
			}
			seen[k.String()] = true
			if tb.name == "alerts" && k.def != "" {
				t.Errorf("%s: default tag; [alerts] defaults are coach.DefaultConfig's", k)
			}
			if msg := k.check(tb.value(&defaults)); msg != "" {
				t.Errorf("default of %s: %s", k, msg)
			}
		}
	}
	if len(seen) != 43 {
		t.Errorf("%d keys, want 43", len(seen))
	}
	if !reflect.DeepEqual(Default().Alerts, coach.DefaultConfig()) {
		t.Error("Default().Alerts is not coach.DefaultConfig()")
	}
	if got := reflect.TypeOf(alertsTable{}).NumField(); got != reflect.TypeOf(coach.Config{}).NumField() {
		t.Errorf("alertsTable has %d fields, coach.Config %d", got, reflect.TypeOf(coach.Config{}).NumField())
	}
}
