package config

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	nearby "github.com/neckwatch/neckwatch/internal/suggest"
	"github.com/neckwatch/neckwatch/posture"
)

// Decoding is BurntSushi/toml's: the file is decoded into a
// toml.Primitive per table and per key, and each key's Primitive through a
// hook (toml.Unmarshaler) that checks its type and stores it into the
// Config. The decoder reports a hook's error as a toml.ParseError carrying
// the key's line. toml v1.5 keeps key positions private otherwise, so the
// line of a key whose value is out of range is read the same way, from a
// hook that refuses every value.

// hook decodes one key's value into v.
type hook struct {
	v     reflect.Value
	intOK bool
}

func (h hook) UnmarshalTOML(data any) error { return set(h.v, data, h.intOK) }

// refuse makes the decoder report a key's position.
type refuse struct{}

func (refuse) UnmarshalTOML(any) error { return errRefused }

var errRefused = errors.New("refused")

// file is a decoded configuration file.
type file struct {
	md     toml.MetaData
	tables map[string]map[string]toml.Primitive
	set    []string // the keys it sets, "table.key"
}

// line returns the line of a key ("alerts.onset") in the file, or 0.
func (f *file) line(k string) int {
	t, name, _ := strings.Cut(k, ".")
	p, ok := f.tables[t][name]
	if !ok {
		return 0
	}
	var pe toml.ParseError
	if errors.As(f.md.PrimitiveDecode(p, refuse{}), &pe) {
		return pe.Position.Line
	}
	return 0
}

// decode parses a configuration file over Default(); name is the file's
// path for messages. It does not validate.
func decode(text, name string) (Config, *file, error) {
	c := Default()
	f := &file{tables: map[string]map[string]toml.Primitive{}}
	var top map[string]toml.Primitive
	md, err := toml.Decode(text, &top)
	if err != nil {
		return c, nil, syntaxError(text, name, err)
	}
	f.md = md
	for _, t := range tables {
		p, ok := top[t.name]
		if !ok {
			continue
		}
		vals := map[string]toml.Primitive{}
		if typ := md.Type(t.name); (typ != "" && typ != "Hash") || md.PrimitiveDecode(p, &vals) != nil {
			return c, nil, fmt.Errorf("%s: %s must be a table: write [%s] on a line of its own, then its keys", name, t.name, t.name)
		}
		f.tables[t.name] = vals
	}
	if errs := unknownKeys(md, name); len(errs) > 0 {
		return c, nil, errors.Join(errs...)
	}

	var errs []error
	decodeKey := func(k string, p toml.Primitive, h hook) {
		var pe toml.ParseError
		if err := md.PrimitiveDecode(p, h); errors.As(err, &pe) {
			errs = append(errs, fmt.Errorf("%s: line %d: %s %s", name, pe.Position.Line, k, pe.Message))
		} else if err != nil {
			errs = append(errs, fmt.Errorf("%s: %s %w", name, k, err))
		}
	}
	for _, t := range tables {
		vals := f.tables[t.name]
		for _, k := range t.keys {
			if p, ok := vals[k.name]; ok {
				decodeKey(k.String(), p, hook{k.value(&c), k.intOK})
				f.set = append(f.set, k.String())
			}
		}
		if t.keys == nil && len(vals) > 0 {
			c.Thresholds = make(map[string]float64, len(vals))
			for _, s := range thresholdNames() {
				if p, ok := vals[s]; ok {
					var v float64
					decodeKey(t.name+"."+s, p, hook{v: reflect.ValueOf(&v).Elem()})
					c.Thresholds[s] = v
					f.set = append(f.set, t.name+"."+s)
				}
			}
		}
	}
	return c, f, errors.Join(errs...)
}

// syntaxError formats a TOML parse error with its line, and a hint when the
// line holds an unquoted duration (onset = 50s) or time of day.
func syntaxError(text, name string, err error) error {
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", name, err)
	}
	msg := fmt.Sprintf("%s: line %d: syntax error: %s", name, pe.Position.Line, pe.Message)
	lines := strings.Split(text, "\n")
	if n := pe.Position.Line; n >= 1 && n <= len(lines) {
		if m := unquotedDuration.FindStringSubmatch(lines[n-1]); m != nil {
			msg += fmt.Sprintf(" (durations are written in quotes: %s = %s)", m[1], quote(m[2]))
		} else if m := unquotedClock.FindStringSubmatch(lines[n-1]); m != nil {
			msg += fmt.Sprintf(" (times of day are written in quotes: %s = %s)", m[1], quote(m[2]))
		}
	}
	return errors.New(msg)
}

// unquotedDuration and unquotedClock match lines like `onset = 50s` and
// `quiet_start = 22:00`.
var unquotedDuration = regexp.MustCompile(`^\s*([A-Za-z0-9_-]+)\s*=\s*(-?[0-9][0-9.]*(?:h|ms|m|s|us|µs|ns)[0-9.hmsuµn]*)\s*(?:#.*)?\r?$`)
var unquotedClock = regexp.MustCompile(`^\s*([A-Za-z0-9_-]+)\s*=\s*([0-9]{1,2}:[0-9]{2})\s*(?:#.*)?\r?$`)

// unknownKeys reports the keys of the file that are not part of the
// configuration, by their exact name (the decoder would take "Onset" for
// onset; the file should not): unknown tables and keys, and [thresholds]
// names the classifier does not have. What is inside an unknown key, or
// inside a known scalar key (its type is reported), is not reported again.
func unknownKeys(md toml.MetaData, name string) []error {
	settings := thresholdNames()
	known := func(k toml.Key) bool {
		t := tableNamed(k[0])
		switch {
		case t == nil || len(k) > 2:
			return false
		case len(k) == 1:
			return true
		case t.keys == nil:
			i := sort.SearchStrings(settings, k[1])
			return i < len(settings) && settings[i] == k[1]
		}
		return t.key(k[1]) != nil
	}
	reported := map[string]bool{}
	var errs []error
outer:
	for _, k := range md.Keys() {
		if known(k) {
			continue
		}
		for i := 1; i < len(k); i++ {
			if reported[k[:i].String()] || (i == 2 && known(k[:2])) {
				continue outer
			}
		}
		reported[k.String()] = true
		msg := fmt.Sprintf("%s: unknown key %s", name, k)
		if len(k) == 1 && md.Type(k...) == "Hash" {
			msg = fmt.Sprintf("%s: unknown table [%s]", name, k)
		}
		if s := suggest(k); s != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", s)
		}
		errs = append(errs, errors.New(msg))
	}
	return errs
}

// knownKeys lists every key a file may contain, tables as "[name]".
func knownKeys() []string {
	var ks []string
	for _, t := range tables {
		ks = append(ks, "["+t.name+"]")
	}
	for _, t := range tables {
		for _, k := range t.keys {
			ks = append(ks, k.String())
		}
	}
	for _, s := range thresholdNames() {
		ks = append(ks, thresholdsTable+"."+s)
	}
	return ks
}

// suggest returns the known key closest to k, or "" when none is close.
// A key in the wrong table (camera.onset) suggests the right one.
func suggest(k toml.Key) string {
	full := k.String()
	last := k[len(k)-1]
	best, bestD := "", math.MaxInt
	for _, cand := range knownKeys() {
		var d int
		if t, ok := strings.CutPrefix(cand, "["); ok {
			if len(k) != 1 {
				continue
			}
			d = nearby.Distance(full, strings.TrimSuffix(t, "]"))
		} else {
			_, candLast, _ := strings.Cut(cand, ".")
			d = min(nearby.Distance(full, cand), nearby.Distance(last, candLast)+1)
			if strings.HasPrefix(candLast, last) && 2*len(last) >= len(candLast) {
				d = min(d, 1) // the unit left off: max_yaw for max_yaw_deg
			}
		}
		if d < bestD {
			best, bestD = cand, d
		}
	}
	if bestD > max(2, len(last)/3) {
		return ""
	}
	return best
}

// thresholdNames lists the classifier's setting names, sorted.
func thresholdNames() []string {
	var names []string
	for _, s := range posture.NewClassifier(posture.Front, nil).Settings() {
		names = append(names, s.Name)
	}
	sort.Strings(names)
	return names
}

// tomlText writes a decoded TOML value roughly as it was written.
func tomlText(data any) string {
	switch v := data.(type) {
	case string:
		return quote(v)
	case float64:
		return formatFloat(v)
	case map[string]any:
		return "(a table)"
	case []map[string]any:
		return "(an array of tables)"
	case []any:
		return "(an array)"
	}
	return fmt.Sprint(data)
}
