package config

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/neckwatch/neckwatch/posture"
)

// Duration is a time.Duration written in text as a Go duration string
// ("45s", "5m", "1h30m"), for TOML and other text formats.
type Duration time.Duration

// MarshalText writes d like FormatDuration.
func (d Duration) MarshalText() ([]byte, error) {
	return []byte(FormatDuration(time.Duration(d))), nil
}

// UnmarshalText parses a Go duration string.
func (d *Duration) UnmarshalText(text []byte) error {
	v, err := parseDuration(string(text))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// String returns FormatDuration(d).
func (d Duration) String() string { return FormatDuration(time.Duration(d)) }

// FormatDuration writes d as it is written in the file: time.Duration's
// String without the zero trailing units ("5m" rather than "5m0s", "1h"
// rather than "1h0m0s").
func FormatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// ParseDuration parses a Go duration string given for key (a TOML key or a
// flag name), with an error in the style of the file's errors:
// `alerts.onset = "5 min": not a duration: write it like "45s", "5m" or
// "1h30m"`.
func ParseDuration(key, s string) (time.Duration, error) {
	d, err := parseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%s = %s: %w", key, quote(s), err)
	}
	return d, nil
}

// ParseDurationText parses a Go duration string; the error is the bare
// reason ("not a duration: write it like ...", "too long: ..."), for the
// caller to put after what was given.
func ParseDurationText(s string) (time.Duration, error) { return parseDuration(s) }

// durationSyntax is a duration's syntax (time.ParseDuration's), so that a
// value that only overflows is told apart from one that is no duration.
var durationSyntax = regexp.MustCompile(`^[-+]?([0-9]*(\.[0-9]*)?(ns|us|µs|μs|ms|s|m|h))+$`)

func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err == nil {
		return d, nil
	}
	if durationSyntax.MatchString(s) && strings.ContainsAny(s, "0123456789") {
		return 0, errors.New("too long")
	}
	if _, nerr := strconv.ParseFloat(s, 64); nerr == nil {
		return 0, fmt.Errorf(`a duration needs a unit: write it like "%ss" or "%sm"`, s, s)
	}
	return 0, fmt.Errorf(`not a duration: write it like "45s", "5m" or "1h30m"`)
}

// formatFloat writes f as a TOML float.
func formatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}

// TOML returns c as a commented configuration file: every key, each with a
// line saying what it does and its default. Loading the result gives c
// back (for a valid c). `neckwatch config` prints it.
func (c Config) TOML() string {
	def := Default()
	var b strings.Builder
	b.WriteString("# neckwatch configuration: config.toml in neckwatch's config directory\n")
	b.WriteString("# (~/.config/neckwatch/config.toml on Linux). Every key is optional: delete\n")
	b.WriteString("# one to use its default. Durations are quoted: \"45s\", \"5m\", \"1h30m\".\n")
	for _, t := range tables {
		fmt.Fprintf(&b, "\n# %s\n[%s]\n", strings.ReplaceAll(t.doc, "\n", "\n# "), t.name)
		if t.keys == nil {
			writeThresholds(&b, c.Thresholds)
			continue
		}
		for _, k := range t.keys {
			fmt.Fprintf(&b, "# %s%s (default %s)\n%s = %s\n", k.doc, k.rangeText(), format(k.value(&def)), k.name, format(k.value(&c)))
		}
	}
	return b.String()
}

// writeThresholds writes the classifier settings: overridden ones as keys,
// the others commented out with their default.
func writeThresholds(b *strings.Builder, th map[string]float64) {
	known := map[string]bool{}
	for _, s := range posture.NewClassifier(posture.Front, nil).Settings() {
		known[s.Name] = true
		if v, ok := th[s.Name]; ok {
			fmt.Fprintf(b, "# %s (default %s)\n%s = %s\n", s.Doc, formatFloat(*s.Value), s.Name, formatFloat(v))
		} else {
			fmt.Fprintf(b, "# %s (default %s)\n# %s = %s\n", s.Doc, formatFloat(*s.Value), s.Name, formatFloat(*s.Value))
		}
	}
	var unknown []string
	for name := range th {
		if !known[name] {
			unknown = append(unknown, name)
		}
	}
	sort.Strings(unknown)
	for _, name := range unknown {
		fmt.Fprintf(b, "# not a known setting\n%s = %s\n", quoteKey(name), formatFloat(th[name]))
	}
}

// quoteKey writes a TOML key, quoted unless it is a bare key.
func quoteKey(k string) string {
	if k == "" {
		return `""`
	}
	for _, r := range k {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return quote(k)
		}
	}
	return k
}

// quote writes s as a TOML basic string.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
