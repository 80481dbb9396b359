package config

import (
	"reflect"
	"slices"
	"strings"
	"time"
)

// FitDerived adjusts the keys the user did not set (set lists those the
// user did, as "table.key": the file's keys and the flags') whose default
// no longer fits a key the user did set, so that a mistake is never
// reported on a key the user never wrote:
//
//   - a key bounded by another key (interval_stable at least
//     interval_changing, max_cooldown at least cooldown, ...) moves to that
//     bound;
//   - alerts.blip_tolerance (less than alerts.onset) and
//     alerts.pre_break_notice (less than alerts.load_budget) become a fifth
//     of it.
//
// A key the user set is never changed (its problem is theirs), nor one
// whose fitted value would leave its own range (the other key's problem is
// reported then). It returns what it changed, as "alerts.blip_tolerance = 1s
// (a fifth of alerts.onset)", for the log.
func (c *Config) FitDerived(set []string) []string {
	var notes []string
	for _, t := range tables {
		tv := t.value(c)
		for _, k := range t.keys {
			if k.min == "" || slices.Contains(set, k.String()) || k.check(tv) == "" {
				continue
			}
			for _, tag := range []string{k.min, k.max} {
				o := t.key(tag) // inclusive bounds only: "<" and ">" name no key
				if o == nil {
					continue
				}
				v, ov := tv.Field(k.field), tv.Field(o.field)
				if v.Type() != ov.Type() {
					continue
				}
				old := reflect.New(v.Type()).Elem()
				old.Set(v)
				v.Set(ov)
				if k.check(tv) != "" {
					v.Set(old) // the bound does not fit the key's own range either
					continue
				}
				notes = append(notes, k.String()+" = "+display(v)+" (as "+o.String()+")")
				break
			}
		}
	}
	for _, d := range []struct {
		key, of string
		v       *time.Duration
		bound   time.Duration
	}{
		{"alerts.blip_tolerance", "alerts.onset", &c.Alerts.BlipTolerance, c.Alerts.Onset},
		{"alerts.pre_break_notice", "alerts.load_budget", &c.Alerts.PreBreakNotice, c.Alerts.LoadBudget},
	} {
		if slices.Contains(set, d.key) || *d.v < d.bound || d.bound <= 0 {
			continue
		}
		t, n, _ := strings.Cut(d.key, ".")
		k, old := tableNamed(t).key(n), *d.v
		*d.v = d.bound / 5
		if k.check(tableNamed(t).value(c)) != "" {
			*d.v = old
			continue
		}
		notes = append(notes, d.key+" = "+FormatDuration(*d.v)+" (a fifth of "+d.of+")")
	}
	return notes
}
