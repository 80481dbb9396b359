package report

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/history"
	"github.com/neckwatch/neckwatch/insights"
)

// fakeHistory serves fixed days and minutes, filtered to the asked range
// as the store does, and records the ranges asked.
type fakeHistory struct {
	first     time.Time // zero: an empty history
	days      []history.Day
	minutes   []history.Minute
	dismissed []string
	err       error // returned by Minutes

	daysFrom, minutesFrom time.Time
}

func (f *fakeHistory) FirstDayFrom(from time.Time) (time.Time, error) {
	if !f.first.IsZero() && f.first.After(from) {
		return f.first, nil
	}
	return from, nil
}

func (f *fakeHistory) Days(from, to time.Time) ([]history.Day, error) {
	f.daysFrom = from
	var out []history.Day
	for _, d := range f.days {
		if !d.Date.Before(from) && d.Date.Before(to) {
			out = append(out, d)
		}
	}
	return out, nil
}

func (f *fakeHistory) Minutes(from, to time.Time) ([]history.Minute, error) {
	f.minutesFrom = from
	var out []history.Minute
	for _, m := range f.minutes {
		if !m.Start.Before(from) && m.Start.Before(to) {
			out = append(out, m)
		}
	}
	return out, f.err
}

func (f *fakeHistory) Dismissed() ([]history.Dismissal, error) {
	var out []history.Dismissal
	for _, id := range f.dismissed {
		out = append(out, history.Dismissal{ID: id})
	}
	return out, nil
}

// Load reads the period and at least the two weeks (days) and the week
// (minutes) before its end, starts the report at the history's first day
// and builds the insights from the minutes and the dismissals.
func TestLoad(t *testing.T) {
	cases := []struct {
		name                  string
		first, from, to       time.Time
		dismissed             []string
		wantFrom              time.Time // the report's first day
		wantDays, wantMinutes time.Time // where the reads start
		wantRows, wantData    int
		wantHeightAdvice      bool
	}{
		{
			name: "a week: the days of two weeks, the minutes of one",
			from: date(16), to: date(23),
			wantFrom: date(16), wantDays: date(9), wantMinutes: date(16),
			wantRows: 7, wantData: 7, wantHeightAdvice: true,
		},
		{
			name: "a month: everything from its start",
			from: date(1), to: date(23),
			wantFrom: date(1), wantDays: date(1), wantMinutes: date(1),
			wantRows: 22, wantData: 19, wantHeightAdvice: true,
		},
		{
			name:  "a month of a history that starts on the 11th",
			first: date(11), from: date(1), to: date(23),
			wantFrom: date(11), wantDays: date(9), wantMinutes: date(11),
			wantRows: 12, wantData: 12, wantHeightAdvice: true,
		},
		{
			name: "the screen-height advice dismissed",
			from: date(16), to: date(23), dismissed: []string{"screen-height"},
			wantFrom: date(16), wantDays: date(9), wantMinutes: date(16),
			wantRows: 7, wantData: 7,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := &fakeHistory{first: c.first, days: seeded(), minutes: deskMinutes(lastWeek(), 80, 26, 62, 2), dismissed: c.dismissed}
			r, data, err := Load(h, c.from, c.to)
			if err != nil {
				t.Fatal(err)
			}
			if !h.daysFrom.Equal(c.wantDays) || !h.minutesFrom.Equal(c.wantMinutes) {
				t.Errorf("read days from %v and minutes from %v; want %v and %v", h.daysFrom, h.minutesFrom, c.wantDays, c.wantMinutes)
			}
			if !r.From.Equal(c.wantFrom) || !r.To.Equal(c.to.AddDate(0, 0, -1)) {
				t.Errorf("report %v – %v, want %v – %v", r.From, r.To, c.wantFrom, c.to.AddDate(0, 0, -1))
			}
			if len(r.Rows) != c.wantRows || r.Totals.DaysWithData != c.wantData {
				t.Errorf("%d rows, %d with data; want %d, %d", len(r.Rows), r.Totals.DaysWithData, c.wantRows, c.wantData)
			}
			if r.Desk == nil || r.Pain == nil || len(r.Setup) != len(r.Rows) {
				t.Fatalf("insights missing: desk %v, pain %v, %d set-up days", r.Desk, r.Pain, len(r.Setup))
			}
			var advice []string
			for _, a := range r.Desk.Advice() {
				advice = append(advice, string(a.ID))
			}
			if got := strings.Contains(strings.Join(advice, " "), string(insights.ScreenHeight)); got != c.wantHeightAdvice {
				t.Errorf("advice %v: screen height given %v, want %v", advice, got, c.wantHeightAdvice)
			}
			if len(data.Days) == 0 || len(data.Minutes) != 7*80 || strings.Join(data.Dismissed, " ") != strings.Join(c.dismissed, " ") {
				t.Errorf("data: %d days, %d minutes, dismissed %v", len(data.Days), len(data.Minutes), data.Dismissed)
			}
		})
	}
}

func TestLoadError(t *testing.T) {
	broken := errors.New("disk I/O error")
	if _, _, err := Load(&fakeHistory{err: broken}, date(16), date(23)); !errors.Is(err, broken) {
		t.Fatalf("Load: %v, want the read's error", err)
	}
}
