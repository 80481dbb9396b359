package config

import (
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/neckwatch/neckwatch/coach"
)

// The schema is read once off Config's tags (see Config).

// A table is one [section] of the file: a field of Config.
type table struct {
	name, doc string
	field     int    // index in Config
	keys      []*key // nil for [thresholds]
}

// A key is one scalar key of a table.
type key struct {
	t            *table
	name, goName string // "onset", "Onset"
	field        int    // index in the table's struct
	def, doc     string
	min, max     string
	enum         []string
	intOK        bool
	typ          reflect.Type
	// lits are the literal bounds of min and max, read once by readSchema.
	lits map[string]float64
}

func (k *key) String() string { return k.t.name + "." + k.name }

const thresholdsTable = "thresholds"

var (
	durationType                 = reflect.TypeOf(time.Duration(0))
	tables, keyOrder, schemaErrs = readSchema(reflect.TypeOf(Config{}))
	defaults                     = readDefaults()
)

// readSchema reads the tables and keys of ct (Config), and the position of
// each in the file (for sorting messages). A tag it cannot use is an
// error, and the key (or its range, or its default) is left out rather
// than the program stopped: TestSchema fails on any.
func readSchema(ct reflect.Type) ([]*table, map[string]int, []error) {
	var ts []*table
	var errs []error
	order := map[string]int{}
	for i := 0; i < ct.NumField(); i++ {
		f := ct.Field(i)
		t := &table{name: f.Tag.Get("toml"), doc: f.Tag.Get("doc"), field: i}
		ts = append(ts, t)
		order[t.name] = len(order)
		st := f.Type
		if st == reflect.TypeOf(coach.Config{}) {
			st = reflect.TypeOf(alertsTable{})
		}
		if st.Kind() != reflect.Struct {
			continue // [thresholds]: the classifier's settings
		}
		for j := 0; j < st.NumField(); j++ {
			sf := st.Field(j)
			k := &key{t: t, name: sf.Tag.Get("toml"), goName: sf.Name, field: j, def: sf.Tag.Get("default"),
				doc: sf.Tag.Get("doc"), min: sf.Tag.Get("min"), max: sf.Tag.Get("max"), intOK: sf.Tag.Get("accept") == "integer", typ: sf.Type}
			if e := sf.Tag.Get("enum"); e != "" {
				k.enum = strings.Split(e, ",")
			}
			bad := func(format string, a ...any) {
				errs = append(errs, fmt.Errorf("config: %s.%s: %s", t.name, sf.Name, fmt.Sprintf(format, a...)))
			}
			switch {
			case k.name == "" || k.doc == "":
				bad("needs toml and doc tags")
				continue
			case !decodable(sf.Type):
				bad("no decoder for %s", sf.Type)
				continue
			case len(k.enum) > 0 && sf.Type.Kind() != reflect.String:
				bad("enum on %s: only strings take one", sf.Type)
				k.enum = nil
			case (k.min == "") != (k.max == ""):
				bad("needs min and max together")
				k.min, k.max = "", ""
			}
			if k.def != "" {
				if err := setText(reflect.New(sf.Type).Elem(), k.def); err != nil {
					bad("default %q: %v", k.def, err)
					k.def = ""
				}
			}
			order[k.String()] = len(order)
			t.keys = append(t.keys, k)
		}
		// Bounds may name a key declared later in the table.
		for _, k := range t.keys {
			k.lits = map[string]float64{}
			for _, tag := range []string{k.min, k.max} {
				name, _ := cutExclusive(tag)
				if tag == "" || t.key(name) != nil {
					continue
				}
				lit := reflect.New(k.typ).Elem()
				if err := setText(lit, name); err != nil || lit.Kind() == reflect.String || lit.Kind() == reflect.Bool {
					errs = append(errs, fmt.Errorf("config: %s: bound %q is neither a key of [%s] nor a number or duration", k, tag, t.name))
					k.min, k.max = "", ""
					break
				}
				k.lits[name] = number(lit)
			}
		}
	}
	return ts, order, errs
}

// decodable reports whether set can store a value of type t.
func decodable(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Float64:
		return true
	}
	return t == durationType
}

// setText stores a tag's text (a default, a bound) into v as the file's
// value would be.
func setText(v reflect.Value, s string) error {
	lit, err := literal(v, s)
	if err != nil {
		return err
	}
	return set(v, lit, false)
}

func readDefaults() Config {
	c := Config{Alerts: coach.DefaultConfig()}
	for _, t := range tables {
		for _, k := range t.keys {
			if k.def != "" {
				_ = setText(k.value(&c), k.def) // checked by readSchema
			}
		}
	}
	return c
}

// value returns c's table t as an addressable struct; [alerts] is seen
// through alertsTable.
func (t *table) value(c *Config) reflect.Value {
	if t.name == "alerts" {
		return reflect.ValueOf((*alertsTable)(&c.Alerts)).Elem()
	}
	return reflect.ValueOf(c).Elem().Field(t.field)
}

func (k *key) value(c *Config) reflect.Value { return k.t.value(c).Field(k.field) }

func (t *table) key(name string) *key {
	for _, k := range t.keys {
		if k.name == name {
			return k
		}
	}
	return nil
}

func tableNamed(name string) *table {
	for _, t := range tables {
		if t.name == name {
			return t
		}
	}
	return nil
}

// literal turns a tag's text into the value TOML would decode for v's type.
func literal(v reflect.Value, s string) (any, error) {
	switch {
	case v.Type() == durationType || v.Kind() == reflect.String:
		return s, nil
	case v.Kind() == reflect.Bool:
		return s == "true", nil
	case v.Kind() == reflect.Int:
		return strconv.ParseInt(s, 10, 64)
	}
	return strconv.ParseFloat(s, 64)
}

// set checks a decoded TOML value's type and stores it into v. The error
// reads after the key: "= 50: must be ...".
func set(v reflect.Value, data any, intOK bool) error {
	bad := func(want string) error { return fmt.Errorf("= %s: %s", tomlText(data), want) }
	switch {
	case v.Type() == durationType:
		s, ok := data.(string)
		if !ok {
			if n, isInt := data.(int64); isInt {
				return bad(fmt.Sprintf(`must be a duration in quotes, like "%ds" or "%dm"`, n, n))
			}
			return bad(`must be a duration in quotes, like "45s", "5m" or "1h30m"`)
		}
		d, err := parseDuration(s)
		if err != nil {
			return bad(err.Error())
		}
		v.SetInt(int64(d))
	case v.Kind() == reflect.String:
		switch d := data.(type) {
		case string:
			v.SetString(d)
		case int64:
			if !intOK {
				return bad(fmt.Sprintf("must be a string in quotes (%s)", quote(strconv.FormatInt(d, 10))))
			}
			v.SetString(strconv.FormatInt(d, 10))
		default:
			return bad("must be a string in quotes")
		}
	case v.Kind() == reflect.Bool:
		b, ok := data.(bool)
		if !ok {
			return bad("must be true or false")
		}
		v.SetBool(b)
	case v.Kind() == reflect.Int:
		n, ok := data.(int64)
		if !ok || n < math.MinInt32 || n > math.MaxInt32 {
			return bad("must be a whole number")
		}
		v.SetInt(n)
	case v.Kind() == reflect.Float64:
		switch d := data.(type) {
		case float64:
			v.SetFloat(d)
		case int64:
			v.SetFloat(float64(d))
		default:
			return bad("must be a number")
		}
	default:
		return fmt.Errorf("= %s: no decoder for %s", tomlText(data), v.Type())
	}
	return nil
}

// format writes v as TOML.
func format(v reflect.Value) string {
	switch {
	case v.Type() == durationType:
		return quote(FormatDuration(time.Duration(v.Int())))
	case v.Kind() == reflect.String:
		return quote(v.String())
	case v.Kind() == reflect.Float64:
		return formatFloat(v.Float())
	}
	return fmt.Sprint(v.Interface())
}

// display writes v for a message: as in the file, except durations
// unquoted (alerts.onset = 1s).
func display(v reflect.Value) string {
	if v.Type() == durationType {
		return FormatDuration(time.Duration(v.Int()))
	}
	return format(v)
}

func number(v reflect.Value) float64 {
	if v.Kind() == reflect.Float64 {
		return v.Float()
	}
	return float64(v.Int())
}

// check returns what is wrong with k's value in its table tv against the
// declared enum and range, or "".
func (k *key) check(tv reflect.Value) string {
	v := tv.Field(k.field)
	if len(k.enum) > 0 && !slices.Contains(k.enum, v.String()) {
		q := make([]string, len(k.enum))
		for i, e := range k.enum {
			q[i] = quote(e)
		}
		return "must be " + strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
	}
	if k.min == "" {
		return ""
	}
	x := number(v)
	lo, loText, loEx := k.bound(k.min, tv)
	hi, hiText, hiEx := k.bound(k.max, tv)
	if (x > lo || !loEx && x == lo) && (x < hi || !hiEx && x == hi) { // false for NaN
		return ""
	}
	switch {
	case loEx && hiEx:
		return fmt.Sprintf("must be greater than %s and less than %s", loText, hiText)
	case loEx:
		return fmt.Sprintf("must be greater than %s and at most %s", loText, hiText)
	case hiEx:
		return fmt.Sprintf("must be at least %s and less than %s", loText, hiText)
	}
	return fmt.Sprintf("must be between %s and %s", loText, hiText)
}

// bound reads a min or max tag: another key of the table, or a value
// (read by readSchema).
func (k *key) bound(tag string, tv reflect.Value) (v float64, text string, exclusive bool) {
	tag, exclusive = cutExclusive(tag)
	if o := k.t.key(tag); o != nil {
		ov := tv.Field(o.field)
		return number(ov), fmt.Sprintf("%s (%s)", o, display(ov)), exclusive
	}
	return k.lits[tag], tag, exclusive
}

// cutExclusive splits a bound's "<" or ">" (the bound itself excluded)
// off its tag.
func cutExclusive(tag string) (string, bool) {
	if rest, ok := strings.CutPrefix(tag, "<"); ok {
		return rest, true
	}
	if rest, ok := strings.CutPrefix(tag, ">"); ok {
		return rest, true
	}
	return tag, false
}

// rangeText is the declared range for the file's comment: "(5s..30m)".
func (k *key) rangeText() string {
	if k.min == "" {
		return ""
	}
	return " (" + k.min + ".." + k.max + ")"
}

// Changed lists the keys whose values differ between a and b, in the
// file's order, then "thresholds" for any change in that table.
func Changed(a, b Config) []string {
	var out []string
	for _, t := range tables {
		for _, k := range t.keys {
			if format(k.value(&a)) != format(k.value(&b)) {
				out = append(out, k.String())
			}
		}
	}
	if !maps.Equal(a.Thresholds, b.Thresholds) {
		out = append(out, thresholdsTable)
	}
	return out
}
