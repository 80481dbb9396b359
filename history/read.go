package history

import (
	"context"
	"database/sql"
	"math"
	"sort"
	"time"
)

// Reading: every range is [from, to); a zero from means from the
// beginning and a zero to means no end. Times come back in local time
// (time.Local), minute starts to the second, events and pain entries to
// the millisecond, in time order.

func secBounds(from, to time.Time) (int64, int64) {
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	if !from.IsZero() {
		lo = from.Unix()
		if from.Nanosecond() > 0 {
			lo++
		}
	}
	if !to.IsZero() {
		hi = to.Unix()
		if to.Nanosecond() > 0 {
			hi++
		}
	}
	return lo, hi
}

func msBounds(from, to time.Time) (int64, int64) {
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	if !from.IsZero() {
		lo = from.UnixMilli()
		if from.Nanosecond()%int(time.Millisecond) > 0 {
			lo++
		}
	}
	if !to.IsZero() {
		hi = to.UnixMilli()
		if to.Nanosecond()%int(time.Millisecond) > 0 {
			hi++
		}
	}
	return lo, hi
}

func msDur(v int64) time.Duration { return time.Duration(v) * time.Millisecond }

// eachMinute calls fn for the minutes starting in [from, to), in order.
func (s *Store) eachMinute(from, to time.Time, fn func(Minute) error) error {
	lo, hi := secBounds(from, to)
	rows, err := s.db.QueryContext(context.Background(), `SELECT start, present_ms, upright_ms, forward_head_ms, slouch_ms,
	lean_ms, uncertain_ms, samples, mean_severity, mean_neck_angle_deg, neck_angle_samples,
	head_pitch_samples, COALESCE(mean_head_pitch_deg, 0), distance_samples, COALESCE(mean_distance_cm, 0),
	yaw_samples, COALESCE(mean_yaw_deg, 0)
FROM minutes WHERE start >= ? AND start < ? ORDER BY start`, lo, hi)
	if err != nil {
		return classify(s.path, "reading minutes", err)
	}
	defer rows.Close()
	for rows.Next() {
		var start, present, upright, forward, slouch, lean, uncertain int64
		var m Minute
		if err := rows.Scan(&start, &present, &upright, &forward, &slouch, &lean, &uncertain,
			&m.Samples, &m.MeanSeverity, &m.MeanNeckAngleDeg, &m.NeckAngleSamples,
			&m.HeadPitchSamples, &m.HeadPitchDeg, &m.DistanceSamples, &m.DistanceCM,
			&m.HeadYawSamples, &m.HeadYawDeg); err != nil {
			return classify(s.path, "reading minutes", err)
		}
		m.Start = time.Unix(start, 0).In(s.loc)
		m.Present, m.Upright, m.ForwardHead = msDur(present), msDur(upright), msDur(forward)
		m.Slouch, m.Lean, m.Uncertain = msDur(slouch), msDur(lean), msDur(uncertain)
		if err := fn(m); err != nil {
			return err
		}
	}
	return classify(s.path, "reading minutes", rows.Err())
}

// eachEvent calls fn for the events in [from, to), in order.
func (s *Store) eachEvent(from, to time.Time, fn func(Event) error) error {
	lo, hi := msBounds(from, to)
	rows, err := s.db.QueryContext(context.Background(), `SELECT at, kind, state, severity, corrected, detail, figures
FROM events WHERE at >= ? AND at < ? ORDER BY at, id`, lo, hi)
	if err != nil {
		return classify(s.path, "reading events", err)
	}
	defer rows.Close()
	for rows.Next() {
		var at int64
		var e Event
		var kind, figures string
		if err := rows.Scan(&at, &kind, &e.State, &e.Severity, &e.Corrected, &e.Detail, &figures); err != nil {
			return classify(s.path, "reading events", err)
		}
		var err error
		if e.Figures, err = parseFigures(figures); err != nil {
			return classify(s.path, "reading events", err)
		}
		e.At = time.UnixMilli(at).In(s.loc)
		e.Kind = EventKind(kind)
		if err := fn(e); err != nil {
			return err
		}
	}
	return classify(s.path, "reading events", rows.Err())
}

// eachPain calls fn for the pain entries in [from, to), in order.
func (s *Store) eachPain(from, to time.Time, fn func(PainEntry) error) error {
	lo, hi := msBounds(from, to)
	rows, err := s.db.QueryContext(context.Background(), `SELECT at, score, area, note
FROM pain WHERE at >= ? AND at < ? ORDER BY at, id`, lo, hi)
	if err != nil {
		return classify(s.path, "reading pain entries", err)
	}
	defer rows.Close()
	for rows.Next() {
		var at int64
		var p PainEntry
		var area string
		if err := rows.Scan(&at, &p.Score, &area, &p.Note); err != nil {
			return classify(s.path, "reading pain entries", err)
		}
		p.At = time.UnixMilli(at).In(s.loc)
		p.Area = PainArea(area)
		if err := fn(p); err != nil {
			return err
		}
	}
	return classify(s.path, "reading pain entries", rows.Err())
}

// Minutes returns the minute rows starting in [from, to).
func (s *Store) Minutes(from, to time.Time) ([]Minute, error) {
	var out []Minute
	err := s.eachMinute(from, to, func(m Minute) error { out = append(out, m); return nil })
	return out, err
}

// Events returns the events in [from, to).
func (s *Store) Events(from, to time.Time) ([]Event, error) {
	var out []Event
	err := s.eachEvent(from, to, func(e Event) error { out = append(out, e); return nil })
	return out, err
}

// Pain returns the pain entries in [from, to).
func (s *Store) Pain(from, to time.Time) ([]PainEntry, error) {
	var out []PainEntry
	err := s.eachPain(from, to, func(p PainEntry) error { out = append(out, p); return nil })
	return out, err
}

// Days returns one Day per local calendar day in [from, to) that has any
// minute, event or pain entry, in date order. Present and the state times
// are sums over the day's minutes, and so is ForwardHeadLoad (see Day); MeanNeckAngleDeg is the mean over the
// day's angle samples (each minute weighted by its NeckAngleSamples) and
// NeckAngleMinutes counts the minutes with an angle; Alerts counts posture
// alerts and Corrections those corrected within a minute; Pain is the
// mean score of the day's entries, nil when none.
func (s *Store) Days(from, to time.Time) ([]Day, error) {
	type acc struct {
		d         Day
		neckSum   float64
		neckN     int
		painSum   float64
		painCount int
	}
	days := map[time.Time]*acc{}
	get := func(t time.Time) *acc {
		t = t.In(s.loc)
		y, m, d := t.Date()
		k := time.Date(y, m, d, 0, 0, 0, 0, s.loc)
		a := days[k]
		if a == nil {
			a = &acc{d: Day{Date: k}}
			days[k] = a
		}
		return a
	}
	// The minutes are summed in SQL per quarter hour, which never spans
	// two local days (every time zone offset is a multiple of 15 minutes),
	// and the quarters grouped into days here: a year of history is a few
	// tens of thousands of rows instead of half a million.
	lo, hi := secBounds(from, to)
	rows, err := s.db.QueryContext(context.Background(), `SELECT start - (start % 900) AS q,
	SUM(present_ms), SUM(upright_ms), SUM(forward_head_ms), SUM(slouch_ms),
	SUM(mean_neck_angle_deg * neck_angle_samples), SUM(neck_angle_samples), SUM(neck_angle_samples > 0),
	SUM(CASE WHEN forward_head_ms + slouch_ms + lean_ms > 0
		THEN mean_severity * present_ms * forward_head_ms / (forward_head_ms + slouch_ms + lean_ms)
		ELSE 0 END)
FROM minutes WHERE start >= ? AND start < ? GROUP BY q ORDER BY q`, lo, hi)
	if err != nil {
		return nil, classify(s.path, "reading minutes", err)
	}
	defer rows.Close()
	for rows.Next() {
		var q, present, upright, forward, slouch, neckN, neckMinutes int64
		var neckSum, loadMS float64
		if err := rows.Scan(&q, &present, &upright, &forward, &slouch, &neckSum, &neckN, &neckMinutes, &loadMS); err != nil {
			return nil, classify(s.path, "reading minutes", err)
		}
		a := get(time.Unix(q, 0))
		a.d.Present += msDur(present)
		a.d.Upright += msDur(upright)
		a.d.ForwardHead += msDur(forward)
		a.d.Slouch += msDur(slouch)
		a.d.ForwardHeadLoad += time.Duration(math.Round(loadMS * float64(time.Millisecond)))
		a.d.NeckAngleMinutes += int(neckMinutes)
		a.neckN += int(neckN)
		a.neckSum += neckSum
	}
	if err := rows.Err(); err != nil {
		return nil, classify(s.path, "reading minutes", err)
	}
	rows.Close()
	err = s.eachEvent(from, to, func(e Event) error {
		a := get(e.At)
		switch e.Kind {
		case EventPostureAlert:
			a.d.Alerts++
			if e.Corrected {
				a.d.Corrections++
			}
		case EventBreakSuggested:
			a.d.BreaksSuggested++
		case EventBreakTaken:
			a.d.BreaksTaken++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = s.eachPain(from, to, func(p PainEntry) error {
		a := get(p.At)
		a.painSum += float64(p.Score)
		a.painCount++
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]Day, 0, len(days))
	for _, a := range days {
		if a.neckN > 0 {
			a.d.MeanNeckAngleDeg = a.neckSum / float64(a.neckN)
		}
		if a.painCount > 0 {
			m := a.painSum / float64(a.painCount)
			a.d.Pain = &m
		}
		out = append(out, a.d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out, nil
}

// FirstDayFrom is from, or the local midnight (in from's location) of
// the history's first record when that is later: a period that starts
// before anything was recorded shows no empty days before it. An empty
// history leaves from as it is.
func (s *Store) FirstDayFrom(from time.Time) (time.Time, error) {
	first, _, ok, err := s.Range()
	if err != nil || !ok {
		return from, err
	}
	y, m, d := first.In(from.Location()).Date()
	if day := time.Date(y, m, d, 0, 0, 0, 0, from.Location()); day.After(from) {
		return day, nil
	}
	return from, nil
}

// Range returns the times of the earliest and latest records (minute
// starts, events, pain entries); ok is false when the history is empty.
func (s *Store) Range() (first, last time.Time, ok bool, err error) {
	var lo, hi sql.NullInt64
	err = s.db.QueryRowContext(context.Background(), `SELECT MIN(t), MAX(t) FROM (
	SELECT MIN(start) * 1000 AS t FROM minutes UNION ALL SELECT MAX(start) * 1000 FROM minutes
	UNION ALL SELECT MIN(at) FROM events UNION ALL SELECT MAX(at) FROM events
	UNION ALL SELECT MIN(at) FROM pain UNION ALL SELECT MAX(at) FROM pain)`).Scan(&lo, &hi)
	if err != nil {
		return time.Time{}, time.Time{}, false, classify(s.path, "reading the history range", err)
	}
	if !lo.Valid || !hi.Valid {
		return time.Time{}, time.Time{}, false, nil
	}
	return time.UnixMilli(lo.Int64).In(s.loc), time.UnixMilli(hi.Int64).In(s.loc), true, nil
}
