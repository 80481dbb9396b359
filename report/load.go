package report

import (
	"time"

	"github.com/neckwatch/neckwatch/history"
	"github.com/neckwatch/neckwatch/insights"
)

// History is what a report reads from the history database
// (*history.Store has it); the package still opens nothing itself.
type History interface {
	FirstDayFrom(from time.Time) (time.Time, error)
	Days(from, to time.Time) ([]history.Day, error)
	Minutes(from, to time.Time) ([]history.Minute, error)
	Dismissed() ([]history.Dismissal, error)
}

// Data is what the reports are made of, as Load read it: the days of the
// period and of the 14 days before its end (the weekly summary compares
// the last 7 with the 7 before), the minutes of the period and of the 7
// days before its end (the desk figures), and the IDs of the advice the
// user dismissed.
type Data struct {
	Days      []history.Day
	Minutes   []history.Minute
	Dismissed []string
}

// Load reads from h what a report of the days in [from, to) needs and
// builds it with its insights (AddInsights): the one way the report, the
// weekly summary and the daemon's desk advice are assembled. from moves up
// to the history's first day (FirstDayFrom); to is a local midnight, the
// day after the report's last.
func Load(h History, from, to time.Time) (Report, Data, error) {
	var d Data
	from, err := h.FirstDayFrom(from)
	if err != nil {
		return Report{}, d, err
	}
	if d.Days, err = h.Days(earlier(from, to.AddDate(0, 0, -14)), to); err != nil {
		return Report{}, d, err
	}
	if d.Minutes, err = h.Minutes(earlier(from, to.AddDate(0, 0, -insights.WindowDays)), to); err != nil {
		return Report{}, d, err
	}
	ds, err := h.Dismissed()
	if err != nil {
		return Report{}, d, err
	}
	for _, x := range ds {
		d.Dismissed = append(d.Dismissed, x.ID)
	}
	r := Build(d.Days, from, to.AddDate(0, 0, -1))
	r.AddInsights(d.Minutes, d.Dismissed)
	return r, d, nil
}

func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
