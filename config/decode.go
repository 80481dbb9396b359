package config

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/neckwatch/neckwatch/posture"
)

// Decoding goes through a struct type built from the fields table: one
// struct per table, one slot per key, tagged with the key's name. The toml
// decoder then marks exactly the known keys as decoded (the rest are
// MetaData.Undecoded: typos), and hands each value to its slot's
// UnmarshalTOML, which checks the type and stores the value into the Config.
// A slot's error comes back as a toml.ParseError carrying the key and its
// line.

// slot decodes one key into its Config field.
type slot struct {
	f *field
	c *Config
}

func (s *slot) UnmarshalTOML(data any) error {
	return s.f.set(s.c, data)
}

// number decodes one [thresholds] value.
type number float64

func (n *number) UnmarshalTOML(data any) error {
	v, err := toFloat(data)
	*n = number(v)
	return err
}

// fileType is the struct decoded into; tableIndex and slotIndex locate a
// table's field and a key's slot in it.
var (
	tableIndex = map[string]int{}
	slotIndex  = map[string][2]int{}
	fileType   = buildFileType()
)

var (
	_ toml.Unmarshaler = (*slot)(nil)
	_ toml.Unmarshaler = (*number)(nil)
)

func buildFileType() reflect.Type {
	var top []reflect.StructField
	for ti, t := range tables {
		tableIndex[t.name] = ti
		typ := reflect.TypeOf(map[string]number{})
		if t.name != thresholdsTable {
			var sf []reflect.StructField
			for i := range fields {
				if fields[i].table == t.name {
					slotIndex[fields[i].key()] = [2]int{ti, len(sf)}
					sf = append(sf, reflect.StructField{
						Name: fmt.Sprintf("F%d", len(sf)),
						Type: reflect.TypeOf(slot{}),
						Tag:  reflect.StructTag(fmt.Sprintf("toml:%q", fields[i].name)),
					})
				}
			}
			typ = reflect.StructOf(sf)
		}
		top = append(top, reflect.StructField{
			Name: fmt.Sprintf("T%d", ti),
			Type: typ,
			Tag:  reflect.StructTag(fmt.Sprintf("toml:%q", t.name)),
		})
	}
	return reflect.StructOf(top)
}

// decode parses a configuration file over Default(); name is the file's
// path for messages. It does not validate ranges.
func decode(data []byte, name string) (Config, error) {
	c := Default()

	// First pass: syntax, and tables that are not tables (alerts = 5).
	md, err := toml.Decode(string(data), &struct{}{})
	if err != nil {
		return c, syntaxError(data, name, err)
	}
	for _, t := range tables {
		if typ := md.Type(t.name); typ != "" && typ != "Hash" {
			return c, fmt.Errorf("%s: %s must be a table: write [%s] on a line of its own, then its keys", name, t.name, t.name)
		}
	}

	// Second pass: values into c through the slots.
	v := reflect.New(fileType)
	for key, ix := range slotIndex {
		v.Elem().Field(ix[0]).Field(ix[1]).Set(reflect.ValueOf(slot{fieldByKey(key), &c}))
	}
	md, err = toml.Decode(string(data), v.Interface())
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) && pe.LastKey != "" {
			return c, fmt.Errorf("%s: line %d: %s %s", name, pe.Position.Line, pe.LastKey, pe.Message)
		}
		return c, fmt.Errorf("%s: %w", name, err)
	}
	th := v.Elem().Field(tableIndex[thresholdsTable]).Interface().(map[string]number)
	if len(th) > 0 {
		c.Thresholds = make(map[string]float64, len(th))
		for k, n := range th {
			c.Thresholds[k] = float64(n)
		}
	}

	if errs := unknownKeys(md, name); len(errs) > 0 {
		return c, errors.Join(errs...)
	}
	return c, nil
}

// syntaxError formats a TOML parse error with its line, and a hint when the
// line holds an unquoted duration (onset = 50s) or time of day.
func syntaxError(data []byte, name string, err error) error {
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", name, err)
	}
	msg := fmt.Sprintf("%s: line %d: syntax error: %s", name, pe.Position.Line, pe.Message)
	lines := strings.Split(string(data), "\n")
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

// unknownKeys reports the keys that are not part of the configuration:
// those the decoder left undecoded, keys matched only case-insensitively
// (the decoder accepts "Onset" for onset; the file should not), and
// [thresholds] names the classifier does not have.
func unknownKeys(md toml.MetaData, name string) []error {
	reported := map[string]bool{}
	var errs []error
	report := func(k toml.Key) {
		for i := 1; i < len(k); i++ { // inside an unknown table: reported with it
			if reported[k[:i].String()] {
				return
			}
		}
		reported[k.String()] = true
		errs = append(errs, unknownKeyError(md, k, name))
	}
	for _, k := range md.Undecoded() {
		report(k)
	}
	settings := thresholdNames()
	for _, k := range md.Keys() {
		if reported[k.String()] || isKnown(k, settings) {
			continue
		}
		report(k)
	}
	return errs
}

func isKnown(k toml.Key, settings []string) bool {
	switch {
	case len(k) == 1:
		_, ok := tableIndex[k[0]]
		return ok
	case len(k) == 2 && k[0] == thresholdsTable:
		i := sort.SearchStrings(settings, k[1])
		return i < len(settings) && settings[i] == k[1]
	case len(k) == 2:
		return fieldByKey(k[0]+"."+k[1]) != nil
	}
	return false
}

// unknownKeyError names an unknown key and the closest known one.
func unknownKeyError(md toml.MetaData, k toml.Key, name string) error {
	msg := fmt.Sprintf("%s: unknown key %s", name, k)
	if len(k) == 1 && md.Type(k...) == "Hash" {
		msg = fmt.Sprintf("%s: unknown table [%s]", name, k)
	}
	if s := suggest(k); s != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", s)
	}
	return errors.New(msg)
}

// knownKeys lists every key a file may contain, tables as "[name]".
func knownKeys() []string {
	var ks []string
	for _, t := range tables {
		ks = append(ks, "["+t.name+"]")
	}
	for i := range fields {
		ks = append(ks, fields[i].key())
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
			d = osa(full, strings.TrimSuffix(t, "]"))
		} else {
			_, candLast, _ := strings.Cut(cand, ".")
			d = min(osa(full, cand), osa(last, candLast)+1)
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

// osa is the optimal string alignment distance: edits, with a swap of
// two neighbouring letters counting as one.
func osa(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
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

// set checks a decoded TOML value's type and stores it into c. The error
// reads after the key: "= 50: must be ...".
func (f *field) set(c *Config, data any) error {
	bad := func(want string) error {
		return fmt.Errorf("= %s: %s", tomlText(data), want)
	}
	p := f.ptr(c)
	if sp := derefString(p); sp != nil {
		switch v := data.(type) {
		case string:
			*sp = v
		case int64:
			if !f.intOK {
				return bad(fmt.Sprintf("must be a string in quotes (%s)", quote(strconv.FormatInt(v, 10))))
			}
			*sp = strconv.FormatInt(v, 10)
		default:
			return bad("must be a string in quotes")
		}
		return nil
	}
	switch p := p.(type) {
	case *bool:
		v, ok := data.(bool)
		if !ok {
			return bad("must be true or false")
		}
		*p = v
	case *int:
		v, ok := data.(int64)
		if !ok || v < math.MinInt32 || v > math.MaxInt32 {
			return bad("must be a whole number")
		}
		*p = int(v)
	case *float64:
		v, err := toFloat(data)
		if err != nil {
			return bad("must be a number")
		}
		*p = v
	case *time.Duration:
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
		*p = d
	default:
		panic(fmt.Sprintf("config: no decoder for %T", p))
	}
	return nil
}

func toFloat(data any) (float64, error) {
	switch v := data.(type) {
	case float64:
		return v, nil
	case int64:
		return float64(v), nil
	}
	return 0, fmt.Errorf("= %s: must be a number", tomlText(data))
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
