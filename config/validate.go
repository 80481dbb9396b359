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

	"github.com/neckwatch/neckwatch/calibration"
	"github.com/neckwatch/neckwatch/coach"
	"github.com/neckwatch/neckwatch/posture"
)

// Validate checks every key and returns all problems joined, one per line,
// each naming the key as written in the file and the allowed values:
// "config.toml: alerts.onset = 1s: must be between 5s and 30m".
func (c Config) Validate() error { return c.validate(FileName) }

// validate is Validate with the file name used in messages.
func (c Config) validate(file string) error {
	var errs []error
	bad := func(key, msg string, args ...any) {
		f := fieldByKey(key)
		errs = append(errs, fmt.Errorf("%s: %s = %s: %s", file, key, display(f.ptr(&c)), fmt.Sprintf(msg, args...)))
	}
	d := FormatDuration
	dur := func(key string, v, lo, hi time.Duration, loName, hiName string) {
		if v < lo || v > hi {
			bad(key, "must be between %s and %s", loName, hiName)
		}
	}
	ref := func(key string, v time.Duration) string { return fmt.Sprintf("%s (%s)", key, d(v)) }

	// [camera]
	cam := c.Camera
	if cam.Source == "" {
		bad("camera.source", `must not be empty: a camera index like "0", a device like "/dev/video2" or a video file`)
	}
	if _, ok := posture.ParseView(string(cam.View)); !ok {
		bad("camera.view", `must be "auto", "front" or "side"`)
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

	// [sampling]
	s := c.Sampling
	dur("sampling.interval_changing", s.IntervalChanging, time.Second, 10*time.Minute, d(time.Second), d(10*time.Minute))
	dur("sampling.interval_stable", s.IntervalStable, s.IntervalChanging, 30*time.Minute, ref("sampling.interval_changing", s.IntervalChanging), d(30*time.Minute))
	dur("sampling.interval_away", s.IntervalAway, time.Second, time.Hour, d(time.Second), d(time.Hour))
	if s.BurstFrames < 1 || s.BurstFrames > 30 {
		bad("sampling.burst_frames", "must be between 1 and 30")
	}
	dur("sampling.settle", s.Settle, 0, 5*time.Second, "0", d(5*time.Second))
	if math.IsNaN(s.KeepOpenFPS) || s.KeepOpenFPS < 0.2 || s.KeepOpenFPS > 30 {
		bad("sampling.keep_open_fps", "must be between 0.2 and 30")
	}
	dur("sampling.busy_backoff", s.BusyBackoff, time.Second, 10*time.Minute, d(time.Second), d(10*time.Minute))
	dur("sampling.busy_backoff_max", s.BusyBackoffMax, s.BusyBackoff, time.Hour, ref("sampling.busy_backoff", s.BusyBackoff), d(time.Hour))

	// [alerts]
	errs = append(errs, alertsErrors(c.Alerts.Validate(), &c, file)...)

	// [thresholds]
	view := cam.View
	if _, ok := posture.ParseView(string(view)); !ok {
		view = posture.Front
	}
	errs = append(errs, c.applyThresholds(posture.NewClassifier(view, nil), file)...)

	// [log]
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		bad("log.level", `must be "debug", "info", "warn" or "error"`)
	}
	return errors.Join(errs...)
}

// display writes a value for a message: as in the file, except durations
// unquoted (alerts.onset = 1s).
func display(p any) string {
	if d, ok := p.(*time.Duration); ok {
		return FormatDuration(*d)
	}
	return formatValue(p)
}

var (
	// goDuration matches time.Duration.String output ("5m0s", "700ms").
	goDuration = regexp.MustCompile(`\b(?:[0-9][0-9.]*(?:h|ms|m|s|µs|ns))+`)
	// alertsNames matches coach.Config field names.
	alertsNames = func() *regexp.Regexp {
		var names []string
		for i := range fields {
			if fields[i].alertsField != "" {
				names = append(names, fields[i].alertsField)
			}
		}
		return regexp.MustCompile(`\b(?:` + strings.Join(names, "|") + `)\b`)
	}()
)

// alertsErrors rewrites the errors of coach.Config.Validate, which name Go
// fields ("alerts: Config.Onset = 1s, must be between 5s and 30m0s"), in
// terms of the file ("alerts.onset = 1s: must be between 5s and 30m").
func alertsErrors(err error, c *Config, file string) []error {
	if err == nil {
		return nil
	}
	list := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	}
	var out []error
	for _, e := range list {
		var fe *coach.FieldError
		f := (*field)(nil)
		if errors.As(e, &fe) {
			f = fieldByAlerts(fe.Field)
		}
		if f == nil {
			out = append(out, fmt.Errorf("%s: alerts: %w", file, e))
			continue
		}
		msg := fe.Msg
		if strings.HasPrefix(msg, "= ") {
			if i := strings.Index(msg, ", must "); i >= 0 {
				msg = msg[i+2:]
			}
		}
		msg = goDuration.ReplaceAllStringFunc(msg, func(s string) string {
			if d, err := time.ParseDuration(s); err == nil {
				return FormatDuration(d)
			}
			return s
		})
		msg = alertsNames.ReplaceAllStringFunc(msg, func(s string) string {
			return fieldByAlerts(s).key()
		})
		out = append(out, fmt.Errorf("%s: %s = %s: %s", file, f.key(), display(f.ptr(c)), msg))
	}
	return out
}

// applyThresholds applies c.Thresholds to cl and returns the problems,
// each naming its key. cl is changed even on error.
func (c Config) applyThresholds(cl *posture.Classifier, file string) []error {
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

	var errs []error
	for _, name := range names {
		v := c.Thresholds[name]
		p, ok := values[name]
		switch {
		case !ok:
			msg := fmt.Sprintf("%s: unknown key %s.%s", file, thresholdsTable, quoteKey(name))
			if s := suggest([]string{thresholdsTable, name}); s != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", s)
			}
			errs = append(errs, errors.New(msg))
		case math.IsNaN(v) || math.IsInf(v, 0):
			errs = append(errs, fmt.Errorf("%s: %s.%s = %s: must be a finite number", file, thresholdsTable, name, formatFloat(v)))
		default:
			*p = v
		}
	}
	if len(errs) > 0 {
		return errs
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
			errs = append(errs, fmt.Errorf("%s: %s: %s", file, thresholdsTable, msg))
		} else {
			errs = append(errs, fmt.Errorf("%s: %s.%s = %s: %s", file, thresholdsTable, key, formatFloat(*values[key]), msg))
		}
	}
	return errs
}
