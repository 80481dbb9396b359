package config

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/coach"
)

// TestSchema: every key is declared once, with a doc; the [alerts] keys
// take the policy's own defaults rather than a second copy; each declared
// range holds its default.
func TestSchema(t *testing.T) {
	for _, err := range schemaErrs {
		t.Error(err)
	}
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

// TestSchemaReportsBadTags: a tag the schema cannot use is an error for
// TestSchema to fail on (the key, its range or its default left out), not
// a panic when the program starts.
func TestSchemaReportsBadTags(t *testing.T) {
	type broken struct {
		A struct {
			Fine       time.Duration `toml:"fine" default:"5s" min:"1s" max:"<limit" doc:"a good key"`
			Limit      time.Duration `toml:"limit" default:"1m" min:"fine" max:"1h" doc:"a good key"`
			NoDoc      int           `toml:"no_doc"`
			Half       int           `toml:"half" min:"1" doc:"x"`
			BadBound   time.Duration `toml:"bad_bound" min:"soon" max:"1m" doc:"x"`
			NoKey      float64       `toml:"no_key" min:"0" max:"<nothing_here" doc:"x"`
			BadDefault int           `toml:"bad_default" default:"many" doc:"x"`
			List       []string      `toml:"list" doc:"x"`
			EnumOnInt  int           `toml:"enum_on_int" enum:"1,2" doc:"x"`
		} `toml:"a" doc:"a table"`
	}
	ts, _, errs := readSchema(reflect.TypeOf(broken{}))
	var got []string
	for _, err := range errs {
		got = append(got, err.Error())
	}
	want := []string{
		"config: a.NoDoc: needs toml and doc tags",
		"config: a.Half: needs min and max together",
		`config: a.BadDefault: default "many": strconv.ParseInt: parsing "many": invalid syntax`,
		"config: a.List: no decoder for []string",
		"config: a.EnumOnInt: enum on int: only strings take one",
		`config: a.bad_bound: bound "soon" is neither a key of [a] nor a number or duration`,
		`config: a.no_key: bound "<nothing_here" is neither a key of [a] nor a number or duration`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var names []string
	for _, k := range ts[0].keys {
		names = append(names, k.name)
	}
	if got, want := strings.Join(names, " "), "fine limit half bad_bound no_key bad_default enum_on_int"; got != want {
		t.Errorf("keys %q, want %q (the unusable ones left out)", got, want)
	}
}
