package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/neckwatch/neckwatch/coach"
	"github.com/neckwatch/neckwatch/insights"
)

// historyAdvisor answers the coach's occasional question for desk advice
// (daemon.Advisor): the insights over the last week of the history, as
// the report computes them, without the pieces the user dismissed; and it
// keeps a dismissal in the history.
type historyAdvisor struct{ j *journalAdapter }

func (a historyAdvisor) Advice(now time.Time) ([]coach.Advice, error) {
	store := a.j.Store()
	if store == nil {
		return nil, errors.New("the history is not open")
	}
	dismissals, err := store.Dismissed()
	if err != nil {
		return nil, err
	}
	var dismissed []string
	for _, d := range dismissals {
		dismissed = append(dismissed, d.ID)
	}
	today := midnight(now)
	minutes, err := store.Minutes(today.AddDate(0, 0, -insights.WindowDays), now)
	if err != nil {
		return nil, err
	}
	var out []coach.Advice
	for _, c := range insights.DeskAdvice(minutes, today, dismissed).Advice() {
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
