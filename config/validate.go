package config

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/neckwatch/neckwatch/calibration"
	"github.com/neckwatch/neckwatch/coach"
	"github.com/neckwatch/neckwatch/posture"
)

// A problem is one message of validate, about a key ("alerts.onset"), a
// table ("thresholds"), written without the file's name.
type problem struct{ key, msg string }

// Validate checks every key and returns all problems joined, one per line,
// each naming the key as written in the file and the allowed values:
// "config.toml: alerts.onset = 1s: must be between 5s and 30m".
func (c Config) Validate() error { return c.validate(FileName, nil) }

// validateFlags is Validate for a configuration read from file with
// command-line flags laid over it: flags maps a key ("alerts.onset") to
// the flag that set it ("--alert-onset"), and a problem with such a key
// names the flag and its value ("--alert-onset -5s: must be between 5s and
// 30m") instead of the file.
func (c Config) validateFlags(file string, flags map[string]string) error {
	return c.validateAs(file, nil, flags)
}

// validate is Validate with the file's name, and the line of each key in
// it when line is not nil.
func (c Config) validate(file string, line func(key string) int) error {
	return c.validateAs(file, line, nil)
}

func (c Config) validateAs(file string, line func(key string) int, flags map[string]string) error {
	var ps []problem
	bad := func(name, msg string, args ...any) {
		t, n, _ := strings.Cut(name, ".")
		k := tableNamed(t).key(n)
		ps = append(ps, problem{name, fmt.Sprintf("%s = %s: %s", name, display(k.value(&c)), fmt.Sprintf(msg, args...))})
	}
	for _, t := range tables {
		tv := t.value(&c)
		for _, k := range t.keys {
			if msg := k.check(tv); msg != "" {
				bad(k.String(), "%s", msg)
			}
		}
	}

	cam := c.Camera
	if cam.Source == "" {
		bad("camera.source", `must not be empty: a camera index like "0", a device like "/dev/video2" or a video file`)
	}
	if err := calibration.ValidateName(cam.Profile); err != nil {
		msg := err.Error()
		if i := strings.LastIndex(msg, ": "); i >= 0 {
			msg = msg[i+2:]
		}
		bad("camera.profile", "not a profile name: %s", msg)
	}
	if cam.Calibration != "" && cam.Profile != calibration.DefaultProfile {
		bad("camera.calibration", "cannot be combined with camera.profile = %s: give one of them", quote(cam.Profile))
	}
	if p := c.Notifications.PainPrompt; p != "" {
		if _, err := coach.ParseClock(p); err != nil {
			bad("notifications.pain_prompt", `must be a time of day "HH:MM" like "17:30", or empty`)
		}
	}

	ps = append(ps, c.alertsProblems(ps)...)

	view := cam.View
	if _, ok := posture.ParseView(string(view)); !ok {
		view = posture.Front
	}
	ps = append(ps, c.applyThresholds(posture.NewClassifier(view, nil))...)
	return joinProblems(ps, file, line, flags)
}

// joinProblems writes ps in the file's order, each after the file's name
// and followed by its key's line when line knows it; a problem with a key
// in flags names the flag and its value instead.
func joinProblems(ps []problem, file string, line func(key string) int, flags map[string]string) error {
	order := func(k string) int {
		if o, ok := keyOrder[k]; ok {
			return o
		}
		t, _, _ := strings.Cut(k, ".")
		return keyOrder[t]
	}
	sort.SliceStable(ps, func(i, j int) bool { return order(ps[i].key) < order(ps[j].key) })
	var errs []error
	for _, p := range ps {
		msg := file + ": " + p.msg
		if flag, ok := flags[p.key]; ok {
			msg = flag + " " + strings.TrimPrefix(p.msg, p.key+" = ")
		} else if line != nil {
			if n := line(p.key); n > 0 {
				msg += fmt.Sprintf(" (line %d)", n)
			}
		}
		errs = append(errs, errors.New(msg))
	}
	return errors.Join(errs...)
}

// alertsProblems reports the alert policy's own invariants
// (coach.Config.Validate's *coach.FieldError: BlipTolerance less than
// Onset) in the file's terms ("alerts.blip_tolerance = 1m: must be less
// than alerts.onset (50s)"), for the keys that have no problem yet.
func (c Config) alertsProblems(have []problem) []problem {
	err := c.Alerts.Validate()
	if err == nil {
		return nil
	}
	list := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	}
	t := tableNamed("alerts")
	goKey := func(name string) *key {
		for _, k := range t.keys {
			if k.goName == name {
				return k
			}
		}
		return nil
	}
	keyName := func(field string) string {
		if k := goKey(field); k != nil {
			return k.String()
		}
		return field
	}
	value := func(v any) string { return display(reflect.ValueOf(v)) }
	var ps []problem
	for _, e := range list {
		var fe *coach.FieldError
		if !errors.As(e, &fe) || goKey(fe.Field) == nil {
			ps = append(ps, problem{t.name, e.Error()})
			continue
		}
		k := goKey(fe.Field)
		if slices.ContainsFunc(have, func(p problem) bool { return p.key == k.String() }) {
			continue
		}
		ps = append(ps, problem{k.String(), fmt.Sprintf("%s = %s: %s", k, display(k.value(&c)), fe.Describe(keyName, value))})
	}
	return ps
}

// applyThresholds applies c.Thresholds to cl and returns the problems,
// each naming its key. cl is changed even on error.
func (c Config) applyThresholds(cl *posture.Classifier) []problem {
	if len(c.Thresholds) == 0 {
		return nil
	}
	values := map[string]*float64{}
	for _, s := range cl.Settings() {
		values[s.Name] = s.Value
	}
	names := make([]string, 0, len(c.Thresholds))
	for name := range c.Thresholds {
		names = append(names, name)
	}
	sort.Strings(names)

	var ps []problem
	for _, name := range names {
		v := c.Thresholds[name]
		p, ok := values[name]
		key := thresholdsTable + "." + quoteKey(name)
		switch {
		case !ok:
			msg := "unknown key " + key
			if s := suggest([]string{thresholdsTable, name}); s != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", s)
			}
			ps = append(ps, problem{key, msg})
		case math.IsNaN(v) || math.IsInf(v, 0):
			ps = append(ps, problem{key, fmt.Sprintf("%s = %s: must be a finite number", key, formatFloat(v))})
		default:
			*p = v
		}
	}
	if len(ps) > 0 {
		return ps
	}

	// All values are in place, so re-setting each one runs the classifier's
	// own checks on the complete set, independent of the order.
	seen := map[string]bool{}
	for _, name := range names {
		err := cl.Set(name + "=" + strconv.FormatFloat(c.Thresholds[name], 'g', -1, 64))
		if err == nil {
			continue
		}
		key, msg := "", err.Error()
		if rest, ok := strings.CutPrefix(msg, "setting "); ok {
			if k, m, ok := strings.Cut(rest, ": "); ok && values[k] != nil {
				key, msg = k, m
				if i := strings.Index(msg, ", got "); i >= 0 {
					msg = msg[:i]
				}
			}
		} else {
			msg = strings.TrimPrefix(msg, "settings ")
		}
		if seen[key+"\x00"+msg] {
			continue
		}
		seen[key+"\x00"+msg] = true
		if key == "" {
			ps = append(ps, problem{thresholdsTable, thresholdsTable + ": " + msg})
		} else {
			v := *values[key]
			key = thresholdsTable + "." + key
			ps = append(ps, problem{key, fmt.Sprintf("%s = %s: %s", key, formatFloat(v), msg)})
		}
	}
	return ps
}
