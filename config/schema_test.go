package config

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/neckwatch/neckwatch/alerts"
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
				t.Errorf("%s: default tag; [alerts] defaults are alerts.DefaultConfig's", k)
			}
			if msg := k.check(tb.value(&defaults)); msg != "" {
				t.Errorf("default of %s: %s", k, msg)
			}
		}
	}
	if len(seen) != 43 {
		t.Errorf("%d keys, want 43", len(seen))
	}
	if !reflect.DeepEqual(Default().Alerts, alerts.DefaultConfig()) {
		t.Error("Default().Alerts is not alerts.DefaultConfig()")
	}
	if got := reflect.TypeOf(alertsTable{}).NumField(); got != reflect.TypeOf(alerts.Config{}).NumField() {
		t.Errorf("alertsTable has %d fields, alerts.Config %d", got, reflect.TypeOf(alerts.Config{}).NumField())
	}
}

// TestImports keeps the package doc's promise: besides the standard
// library and the TOML decoder, config imports only posture, alerts and
// calibration.
func TestImports(t *testing.T) {
	allowed := map[string]bool{
		"github.com/BurntSushi/toml":                 true,
		"github.com/neckwatch/neckwatch/alerts":      true,
		"github.com/neckwatch/neckwatch/calibration": true,
		"github.com/neckwatch/neckwatch/posture":     true,
	}
	files, _ := filepath.Glob("*.go")
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.Contains(path, ".") && !allowed[path] {
				t.Errorf("%s imports %s", name, path)
			}
		}
	}
}
