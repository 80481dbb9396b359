package history

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/neckwatch/neckwatch/internal/atomicfile"
	"github.com/neckwatch/neckwatch/internal/regularfile"
)

// unwrittenFormat versions the unwritten-data file. A file of another
// format is refused, not guessed at.
const unwrittenFormat = 1

// maxUnwrittenSize bounds the unwritten-history file LoadUnwritten reads:
// what a Recorder holds at most (MaxPendingMinutes minutes of about
// 350 bytes, MaxPendingEvents events of about 160, MaxPendingPain pain
// entries, measured by TestUnwrittenFileAtTheBoundsLoadsBack) is 2.6 MiB.
const maxUnwrittenSize = 8 << 20

// unwrittenFile is what a Recorder could not write before the daemon
// stopped (the database locked, full or not open), kept for the next start.
type unwrittenFile struct {
	Format  int               `json:"format"`
	Minutes []unwrittenMinute `json:"minutes,omitempty"`
	Events  []unwrittenEvent  `json:"events,omitempty"`
	Pain    []PainEntry       `json:"pain,omitempty"`
	Marks   []unwrittenMark   `json:"marks,omitempty"`
}

// unwrittenMinute is one minute's aggregate (agg), durations in
// nanoseconds, Start in Unix seconds.
type unwrittenMinute struct {
	Start     int64         `json:"start"`
	Present   time.Duration `json:"present"`
	Upright   time.Duration `json:"upright"`
	Forward   time.Duration `json:"forward_head"`
	Slouch    time.Duration `json:"slouch"`
	Lean      time.Duration `json:"lean"`
	Uncertain time.Duration `json:"uncertain"`
	Samples   int           `json:"samples"`
	SevN      int           `json:"severity_samples"`
	SevSum    float64       `json:"severity_sum"`
	NeckN     int           `json:"neck_samples"`
	NeckSum   float64       `json:"neck_sum"`
	// The set-up measures' counts and sums (absent in files written
	// before they were kept: zero, no sample).
	PitchN   int     `json:"head_pitch_samples,omitempty"`
	PitchSum float64 `json:"head_pitch_sum,omitempty"`
	DistN    int     `json:"distance_samples,omitempty"`
	DistSum  float64 `json:"distance_sum,omitempty"`
	YawN     int     `json:"yaw_samples,omitempty"`
	YawSum   float64 `json:"yaw_sum,omitempty"`
}

// unwrittenEvent is an Event with its severity made finite (JSON has no
// NaN; the database stores 0 for it anyway).
type unwrittenEvent struct {
	At        time.Time `json:"at"`
	Kind      EventKind `json:"kind"`
	State     string    `json:"state,omitempty"`
	Severity  float64   `json:"severity,omitempty"`
	Corrected bool      `json:"corrected,omitempty"`
	Detail    string    `json:"detail,omitempty"`
	Figures   Figures   `json:"figures"`
	AlertAt   time.Time `json:"alert_at,omitempty"`
}

type unwrittenMark struct {
	AlertAt time.Time `json:"alert_at,omitempty"`
	Before  time.Time `json:"before,omitempty"`
	After   time.Time `json:"after,omitempty"`
}

// SaveUnwritten writes what the recorder holds and has not written to
// path (atomically, private to the user), so a daemon stopped while the
// database was locked or missing loses nothing: the next start reads it
// back with LoadUnwritten. With nothing held it removes path instead.
func (r *Recorder) SaveUnwritten(path string) error {
	r.mu.Lock()
	f := unwrittenFile{Format: unwrittenFormat}
	for k, a := range r.pending {
		f.Minutes = append(f.Minutes, unwrittenMinute{
			Start: k, Present: a.present, Upright: a.upright, Forward: a.forward, Slouch: a.slouch,
			Lean: a.lean, Uncertain: a.uncertain, Samples: a.samples,
			SevN: a.sevN, SevSum: finiteOr0(a.sevSum), NeckN: a.neckN, NeckSum: finiteOr0(a.neckSum),
			PitchN: a.setup.pitch.n, PitchSum: a.setup.pitch.sum, DistN: a.setup.dist.n, DistSum: a.setup.dist.sum,
			YawN: a.setup.yaw.n, YawSum: a.setup.yaw.sum,
		})
	}
	for _, e := range r.events {
		e.Severity = finiteOr0(e.Severity)
		f.Events = append(f.Events, unwrittenEvent(e))
	}
	f.Pain = append(f.Pain, r.pain...)
	for _, m := range r.marks {
		f.Marks = append(f.Marks, unwrittenMark{m.alertAt, m.before, m.after})
	}
	r.mu.Unlock()

	if len(f.Minutes) == 0 && len(f.Events) == 0 && len(f.Pain) == 0 && len(f.Marks) == 0 {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove %s: %w", path, err)
		}
		return nil
	}
	data, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("encode unwritten history: %w", err)
	}
	if err := atomicfile.Write(path, data, 0o600, 0o700); err != nil {
		return fmt.Errorf("keep unwritten history in %s: %w", path, err)
	}
	return nil
}

// LoadUnwritten adds what SaveUnwritten kept in path to what the recorder
// holds, to be written with it. It reports whether there was a file; a
// missing file is not an error. The caller removes the file once the data
// has been written (see Writes), or saves again on the next stop.
func (r *Recorder) LoadUnwritten(path string) (bool, error) {
	data, err := regularfile.ReadAtMost(path, maxUnwrittenSize)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("unwritten history: %w", err)
	}
	var f unwrittenFile
	if err := json.Unmarshal(data, &f); err != nil {
		return true, fmt.Errorf("unwritten history %s is damaged (%v): move it aside", path, err)
	}
	if f.Format != unwrittenFormat {
		return true, fmt.Errorf("unwritten history %s has format %d, this neckwatch reads %d: move it aside", path, f.Format, unwrittenFormat)
	}
	if err := f.check(r.now()); err != nil {
		return true, fmt.Errorf("unwritten history %s: %w: move it aside", path, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range f.Minutes {
		r.minute(m.Start).add(&agg{
			present: m.Present, upright: m.Upright, forward: m.Forward, slouch: m.Slouch, lean: m.Lean,
			uncertain: m.Uncertain, samples: m.Samples, sevN: m.SevN, sevSum: m.SevSum, neckN: m.NeckN, neckSum: m.NeckSum,
			setup: setupAgg{pitch: meanAcc{m.PitchN, m.PitchSum}, dist: meanAcc{m.DistN, m.DistSum}, yaw: meanAcc{m.YawN, m.YawSum}},
		})
	}
	events := make([]Event, 0, len(f.Events)+len(r.events))
	for _, e := range f.Events {
		events = append(events, Event(e))
	}
	r.events = append(events, r.events...)
	r.pain = append(f.Pain, r.pain...)
	marks := make([]mark, 0, len(f.Marks)+len(r.marks))
	for _, m := range f.Marks {
		marks = append(marks, mark{alertAt: m.AlertAt, before: m.Before, after: m.After})
	}
	r.marks = append(marks, r.marks...)
	r.lastAttempt = 0 // write it at the next Tick
	r.trim()
	return true, nil
}

// Writes counts the recorder's successful writes to the database: once it
// has grown after LoadUnwritten, the loaded data is in the database.
func (r *Recorder) Writes() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.writes
}
