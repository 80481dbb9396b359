package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/neckwatch/neckwatch/coach"
	"github.com/neckwatch/neckwatch/history"
	"github.com/neckwatch/neckwatch/report"
)

// historyAdvisor answers the coach's occasional question for desk advice
// (daemon.Advisor): the desk advice over the last week of the history,
// from the report (report.Load), without the pieces the user dismissed; and it
// keeps a dismissal in the history.
type historyAdvisor struct{ j *history.Journal }

func (a historyAdvisor) Advice(now time.Time) ([]coach.Advice, error) {
	store := a.j.Store()
	if store == nil {
		return nil, errors.New("the history is not open")
	}
	// The report of today: its desk advice covers the last 7 days.
	today := midnight(now)
	r, _, err := report.Load(store, today, today.AddDate(0, 0, 1))
	if err != nil {
		return nil, err
	}
	var out []coach.Advice
	for _, c := range r.Desk.Advice() {
		out = append(out, coach.Advice{
			ID:    string(c.ID),
			Title: "Desk set-up: " + c.Title,
			Text:  fmt.Sprintf("%s\n%s", c.Text, c.Evidence),
		})
	}
	return out, nil
}

func (a historyAdvisor) Dismiss(id string) error {
	store := a.j.Store()
	if store == nil {
		return errors.New("the history is not open")
	}
	_, err := store.Dismiss(id, time.Now())
	return err
}
