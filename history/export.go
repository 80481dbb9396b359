package history

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Export formats.
const (
	FormatCSV  = "csv"
	FormatJSON = "json"
)

// CSVHeader is the header row of the CSV export. The export is a single
// table a spreadsheet opens directly: the "record" column says what a row
// is (minute, event or pain) and each kind fills its own columns, leaving
// the others empty. Minutes come first, then events, then pain entries,
// each in time order. Durations are in seconds; "time" is the minute start,
// the event time or the pain entry time, RFC 3339 in local time.
var CSVHeader = []string{
	"record", "time",
	"present_s", "upright_s", "forward_head_s", "slouch_s", "lean_s", "uncertain_s",
	"samples", "mean_severity", "mean_neck_angle_deg", "neck_angle_samples",
	"mean_head_pitch_deg", "head_pitch_samples", "mean_distance_cm", "distance_samples",
	"mean_head_yaw_deg", "head_yaw_samples",
	"kind", "state", "severity", "corrected", "detail", "figures",
	"score", "area", "note",
}

// JSON export records.
type jsonMinute struct {
	Start            string   `json:"start"`
	PresentS         float64  `json:"present_s"`
	UprightS         float64  `json:"upright_s"`
	ForwardHeadS     float64  `json:"forward_head_s"`
	SlouchS          float64  `json:"slouch_s"`
	LeanS            float64  `json:"lean_s"`
	UncertainS       float64  `json:"uncertain_s"`
	Samples          int      `json:"samples"`
	MeanSeverity     float64  `json:"mean_severity"`
	MeanNeckAngleDeg *float64 `json:"mean_neck_angle_deg"` // null: no angle that minute
	NeckAngleSamples int      `json:"neck_angle_samples"`
	// The desk set-up over the minute's upright samples (null: none).
	MeanHeadPitchDeg *float64 `json:"mean_head_pitch_deg"`
	HeadPitchSamples int      `json:"head_pitch_samples"`
	MeanDistanceCM   *float64 `json:"mean_distance_cm"`
	DistanceSamples  int      `json:"distance_samples"`
	MeanHeadYawDeg   *float64 `json:"mean_head_yaw_deg"`
	HeadYawSamples   int      `json:"head_yaw_samples"`
}

// meanOrNil is a mean with its count for the export: nil when no sample.
func meanOrNil(mean float64, n int) *float64 {
	if n == 0 {
		return nil
	}
	return &mean
}

type jsonEvent struct {
	At        string  `json:"at"`
	Kind      string  `json:"kind"`
	State     string  `json:"state"`
	Severity  float64 `json:"severity"`
	Corrected bool    `json:"corrected"`
	Detail    string  `json:"detail"`
	Figures   Figures `json:"figures"`
}

type jsonPain struct {
	At    string `json:"at"`
	Score int    `json:"score"`
	Area  string `json:"area"`
	Note  string `json:"note"`
}

func fmtTime(t time.Time) string { return t.Format(time.RFC3339Nano) }

func secs(d time.Duration) float64 { return d.Seconds() }

func ftoa(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// Export writes the history in [from, to) (zero: unbounded) to w as "csv"
// (see CSVHeader) or "json": one object
//
//	{"minutes": [{"start", "present_s", "upright_s", "forward_head_s",
//	  "slouch_s", "lean_s", "uncertain_s", "samples", "mean_severity",
//	  "mean_neck_angle_deg" (null when no angle), "neck_angle_samples",
//	  "mean_head_pitch_deg", "head_pitch_samples", "mean_distance_cm",
//	  "distance_samples", "mean_head_yaw_deg", "head_yaw_samples" (each mean
//	  null when its count is 0)}],
//	 "events": [{"at", "kind", "state", "severity", "corrected", "detail",
//	  "figures" (the event's numbers, durations in seconds, see Figures)}],
//	 "pain": [{"at", "score", "area", "note"}]}
//
// with times in RFC 3339 local time and durations in seconds. Both stream:
// a long history is not held in memory.
func (s *Store) Export(w io.Writer, format string, from, to time.Time) error {
	switch strings.ToLower(format) {
	case FormatCSV:
		return s.exportCSV(w, from, to)
	case FormatJSON:
		return s.exportJSON(w, from, to)
	}
	return fmt.Errorf("unknown export format %q: use csv or json", format)
}

func (s *Store) exportCSV(w io.Writer, from, to time.Time) error {
	cw := csv.NewWriter(w)
	col := map[string]int{}
	for i, h := range CSVHeader {
		col[h] = i
	}
	row := make([]string, len(CSVHeader))
	put := func(name, v string) { row[col[name]] = v }
	emit := func() error {
		err := cw.Write(row)
		clear(row)
		return err
	}
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	err := s.eachMinute(from, to, func(m Minute) error {
		put("record", "minute")
		put("time", fmtTime(m.Start))
		put("present_s", ftoa(secs(m.Present)))
		put("upright_s", ftoa(secs(m.Upright)))
		put("forward_head_s", ftoa(secs(m.ForwardHead)))
		put("slouch_s", ftoa(secs(m.Slouch)))
		put("lean_s", ftoa(secs(m.Lean)))
		put("uncertain_s", ftoa(secs(m.Uncertain)))
		put("samples", strconv.Itoa(m.Samples))
		put("mean_severity", ftoa(m.MeanSeverity))
		if m.NeckAngleSamples > 0 {
			put("mean_neck_angle_deg", ftoa(m.MeanNeckAngleDeg))
		}
		put("neck_angle_samples", strconv.Itoa(m.NeckAngleSamples))
		for _, c := range []struct {
			mean, count string
			v           float64
			n           int
		}{
			{"mean_head_pitch_deg", "head_pitch_samples", m.HeadPitchDeg, m.HeadPitchSamples},
			{"mean_distance_cm", "distance_samples", m.DistanceCM, m.DistanceSamples},
			{"mean_head_yaw_deg", "head_yaw_samples", m.HeadYawDeg, m.HeadYawSamples},
		} {
			if c.n > 0 {
				put(c.mean, ftoa(c.v))
			}
			put(c.count, strconv.Itoa(c.n))
		}
		return emit()
	})
	if err != nil {
		return err
	}
	err = s.eachEvent(from, to, func(e Event) error {
		put("record", "event")
		put("time", fmtTime(e.At))
		put("kind", string(e.Kind))
		put("state", e.State)
		put("severity", ftoa(e.Severity))
		put("corrected", strconv.FormatBool(e.Corrected))
		put("detail", e.Detail)
		put("figures", e.Figures.column())
		return emit()
	})
	if err != nil {
		return err
	}
	err = s.eachPain(from, to, func(p PainEntry) error {
		put("record", "pain")
		put("time", fmtTime(p.At))
		put("score", strconv.Itoa(p.Score))
		put("area", string(p.Area))
		put("note", p.Note)
		return emit()
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

func (s *Store) exportJSON(w io.Writer, from, to time.Time) error {
	bw := bufio.NewWriter(w)
	n := 0
	item := func(v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if n > 0 {
			bw.WriteString(",")
		}
		n++
		bw.WriteString("\n  ")
		_, err = bw.Write(b)
		return err
	}
	section := func(name string, first bool, each func() error) error {
		if !first {
			bw.WriteString(",\n")
		}
		fmt.Fprintf(bw, "%q: [", name)
		n = 0
		if err := each(); err != nil {
			return err
		}
		if n > 0 {
			bw.WriteString("\n")
		}
		_, err := bw.WriteString("]")
		return err
	}
	bw.WriteString("{")
	err := section("minutes", true, func() error {
		return s.eachMinute(from, to, func(m Minute) error {
			j := jsonMinute{
				Start: fmtTime(m.Start), PresentS: secs(m.Present), UprightS: secs(m.Upright),
				ForwardHeadS: secs(m.ForwardHead), SlouchS: secs(m.Slouch), LeanS: secs(m.Lean),
				UncertainS: secs(m.Uncertain), Samples: m.Samples, MeanSeverity: m.MeanSeverity,
				NeckAngleSamples: m.NeckAngleSamples,
				MeanHeadPitchDeg: meanOrNil(m.HeadPitchDeg, m.HeadPitchSamples), HeadPitchSamples: m.HeadPitchSamples,
				MeanDistanceCM: meanOrNil(m.DistanceCM, m.DistanceSamples), DistanceSamples: m.DistanceSamples,
				MeanHeadYawDeg: meanOrNil(m.HeadYawDeg, m.HeadYawSamples), HeadYawSamples: m.HeadYawSamples,
			}
			if m.NeckAngleSamples > 0 {
				a := m.MeanNeckAngleDeg
				j.MeanNeckAngleDeg = &a
			}
			return item(j)
		})
	})
	if err != nil {
		return err
	}
	err = section("events", false, func() error {
		return s.eachEvent(from, to, func(e Event) error {
			return item(jsonEvent{At: fmtTime(e.At), Kind: string(e.Kind), State: e.State,
				Severity: e.Severity, Corrected: e.Corrected, Detail: e.Detail, Figures: e.Figures})
		})
	})
	if err != nil {
		return err
	}
	err = section("pain", false, func() error {
		return s.eachPain(from, to, func(p PainEntry) error {
			return item(jsonPain{At: fmtTime(p.At), Score: p.Score, Area: string(p.Area), Note: p.Note})
		})
	})
	if err != nil {
		return err
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

// Forget deletes the minutes, events, pain entries and advice dismissals
// before before (the zero time: everything) and returns how many rows went. The deleted
// content is overwritten (secure_delete), the file rebuilt (VACUUM) and
// the write-ahead log emptied (wal_checkpoint(TRUNCATE)), so the data is
// really gone from the files, not just unlinked. A running daemon is told
// first (`history forget` asks it to Discard what it holds from before the
// cut), so the minutes it held do not come back afterwards.
func (s *Store) Forget(before time.Time) (int64, error) {
	ctx := context.Background()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return 0, classify(s.path, "forgetting", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA secure_delete = ON"); err != nil {
		return 0, classify(s.path, "forgetting", err)
	}
	sec, msec := int64(1<<62), int64(1<<62)
	if !before.IsZero() {
		sec, _ = secBounds(before, time.Time{})
		msec, _ = msBounds(before, time.Time{})
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, classify(s.path, "forgetting", err)
	}
	defer tx.Rollback()
	var total int64
	for _, q := range []struct {
		sql string
		arg int64
	}{
		{"DELETE FROM minutes WHERE start < ?", sec},
		{"DELETE FROM events WHERE at < ?", msec},
		{"DELETE FROM pain WHERE at < ?", msec},
		{"DELETE FROM dismissed_advice WHERE at < ?", msec},
	} {
		res, err := tx.ExecContext(ctx, q.sql, q.arg)
		if err != nil {
			return 0, classify(s.path, "forgetting", err)
		}
		n, _ := res.RowsAffected()
		total += n
	}
	if err := tx.Commit(); err != nil {
		return 0, classify(s.path, "forgetting", err)
	}
	if _, err := conn.ExecContext(ctx, "VACUUM"); err != nil {
		return total, classify(s.path, "compacting after forgetting", err)
	}
	// A reader in another process (the daemon between statements, a
	// report) can hold the checkpoint back for a moment: retry briefly.
	for try := 0; ; try++ {
		var busy, logFrames, done int
		if err := conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &done); err != nil {
			return total, classify(s.path, "compacting after forgetting", err)
		}
		if busy == 0 {
			return total, nil
		}
		if try == 20 {
			return total, fmt.Errorf("history database %s: deleted %d records, but another program is reading the database: the old data stays in %s-wal until it closes", s.path, total, s.path)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
