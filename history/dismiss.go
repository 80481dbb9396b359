package history

import (
	"context"
	"errors"
	"time"
)

// Dismissal is a piece of desk advice the user dismissed for good, by the
// advice's stable ID (package insights names them: "screen-height", ...).
type Dismissal struct {
	ID string
	At time.Time // when it was dismissed, local time
}

// Dismiss records that the advice id is not to be given again. It
// reports whether it was new (false: dismissed already, the first time
// kept).
func (s *Store) Dismiss(id string, at time.Time) (bool, error) {
	if id == "" {
		return false, errors.New("history: empty advice id")
	}
	if at.IsZero() {
		at = time.Now()
	}
	res, err := s.db.ExecContext(context.Background(),
		"INSERT INTO dismissed_advice (id, at) VALUES (?, ?) ON CONFLICT(id) DO NOTHING", id, at.UnixMilli())
	if err != nil {
		return false, classify(s.path, "dismissing advice", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// Undismiss lets the advice id be given again; it reports whether it had
// been dismissed.
func (s *Store) Undismiss(id string) (bool, error) {
	res, err := s.db.ExecContext(context.Background(), "DELETE FROM dismissed_advice WHERE id = ?", id)
	if err != nil {
		return false, classify(s.path, "restoring advice", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// Dismissed lists the dismissed advice, oldest first.
func (s *Store) Dismissed() ([]Dismissal, error) {
	rows, err := s.db.QueryContext(context.Background(), "SELECT id, at FROM dismissed_advice ORDER BY at, id")
	if err != nil {
		return nil, classify(s.path, "reading dismissed advice", err)
	}
	defer rows.Close()
	var out []Dismissal
	for rows.Next() {
		var d Dismissal
		var at int64
		if err := rows.Scan(&d.ID, &at); err != nil {
			return nil, classify(s.path, "reading dismissed advice", err)
		}
		d.At = time.UnixMilli(at).In(s.loc)
		out = append(out, d)
	}
	return out, classify(s.path, "reading dismissed advice", rows.Err())
}
