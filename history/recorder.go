package history

import (
	"context"
	"math"
	"sort"
	"sync"
	"time"

	"github.com/neckwatch/neckwatch/posture"
	"github.com/neckwatch/neckwatch/timeline"
)

// Bounds on what a Recorder keeps in memory while the database cannot be
// written; beyond them the oldest is dropped.
const (
	MaxPendingMinutes = 24 * 60
	MaxPendingEvents  = 10000
	MaxPendingPain    = 1000
	maxPendingMarks   = 1000
)

// Recorder aggregates the daemon's samples into per-minute rows and
// queues events, writing them to the Store in one transaction about once
// a minute. Its methods are safe for concurrent use (the daemon loop adds
// samples, the control goroutines add events). A nil *Recorder does
// nothing, so a daemon without history can call it unconditionally.
//
// Time model: the recorder keeps none. It credits the spans it is handed
// (AddSpans: the coach session's, from timeline.Timeline, so time is
// accrued once, by one model) and counts each sample's figures in the
// minute of its timestamp (CountSample). The caller's timeline credits the
// last sample's trailing time (coach.Session.Stop) before Close. Minutes
// are local wall-clock minutes (time.Truncate to the minute: every current
// time zone offset is a whole number of minutes).
//
// Writes: Tick flushes when a minute has closed since the last attempt, so
// the disk is touched about once a minute and a failing database is
// retried about once a minute; Close writes everything, including the
// current, partial minute. Minute rows are upserted: a minute written in
// parts (at shutdown, then by a restarted daemon) has its durations and
// counts added and its means combined weighted by their sample counts. A
// failed write keeps the data in memory for the next flush (bounded by
// MaxPendingMinutes, MaxPendingEvents, MaxPendingPain) and returns the
// error; nothing panics.
//
// Corrections: AddEvent of an EventCorrected with Corrected set (the user
// sat upright within a minute) also sets Corrected on its posture alert:
// the alert at Event.AlertAt when set (exact to the millisecond, as
// the daemon's adapter fills it), otherwise the last alert at or before the
// correction since the Recorder was created. The alert may be still in
// memory or already written.
type Recorder struct {
	store   *Store
	now     func() time.Time
	session time.Time // creation: the "same session" lower bound for corrections

	flushMu sync.Mutex // one flush at a time; held while writing

	mu          sync.Mutex // guards everything below; never held while writing
	pending     map[int64]*agg
	events      []Event
	pain        []PainEntry
	marks       []mark
	lastAttempt int64 // minute (Unix s) of the last Tick that considered a flush
	dropped     int
	writes      int // successful writes (see Writes)
	// lastErr is the last write's result: Tick reports it until a write
	// succeeds, so a database that stays locked or full is shown as
	// failing between the minutes that try it, not "ok".
	lastErr error
	// floor is the last Discard's cut: what arrives from before it (a
	// span or sample the daemon's loop had already decided when `history
	// forget` came) is not taken, so nothing from before a forget comes
	// back after it.
	floor time.Time
}

// agg is a minute's aggregate in memory: a delta not yet written.
type agg struct {
	present, upright, forward, slouch, lean, uncertain time.Duration
	samples                                            int
	sevN, neckN                                        int
	sevSum, neckSum                                    float64
	setup                                              setupAgg // upright samples' pitch, distance, yaw (setup.go)
}

func (a *agg) add(b *agg) {
	a.present += b.present
	a.upright += b.upright
	a.forward += b.forward
	a.slouch += b.slouch
	a.lean += b.lean
	a.uncertain += b.uncertain
	a.samples += b.samples
	a.sevN += b.sevN
	a.neckN += b.neckN
	a.sevSum += b.sevSum
	a.neckSum += b.neckSum
	a.setup.merge(b.setup)
}

func (a *agg) row(start int64) minuteRow {
	r := minuteRow{
		start: start, present: ms(a.present), upright: ms(a.upright), forward: ms(a.forward),
		slouch: ms(a.slouch), lean: ms(a.lean), uncertain: ms(a.uncertain),
		samples: int64(a.samples), sevN: int64(a.sevN), neckN: int64(a.neckN),
		setup: a.setup.row(),
	}
	if a.sevN > 0 {
		r.meanSev = a.sevSum / float64(a.sevN)
	}
	if a.neckN > 0 {
		r.meanNeck = a.neckSum / float64(a.neckN)
	}
	return r
}

// ms rounds a duration to milliseconds.
func ms(d time.Duration) int64 { return int64((d + time.Millisecond/2) / time.Millisecond) }

// NewRecorder returns a Recorder writing to store (nil: kept in memory
// until Attach). now is the clock (time.Now when nil): it stamps events
// and pain entries without a time and tells Flush and Close the minute.
func NewRecorder(store *Store, now func() time.Time) *Recorder {
	if now == nil {
		now = time.Now
	}
	return &Recorder{store: store, now: now, session: now(), pending: map[int64]*agg{}}
}

func minuteKey(t time.Time) int64 { return t.Truncate(time.Minute).Unix() }

func (r *Recorder) minute(k int64) *agg {
	a := r.pending[k]
	if a == nil {
		a = &agg{}
		r.pending[k] = a
	}
	return a
}

func finiteOr0(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return x
}

// credit adds a span to the minutes it covers.
func (r *Recorder) credit(sp timeline.Span) {
	from, to, state := sp.Start, sp.End, sp.State
	for from.Before(to) {
		start := from.Truncate(time.Minute)
		end := start.Add(time.Minute)
		if end.After(to) {
			end = to
		}
		d := end.Sub(from)
		a := r.minute(start.Unix())
		if state != posture.Away {
			a.present += d
		}
		switch state {
		case posture.Upright:
			a.upright += d
		case posture.ForwardHead:
			a.forward += d
		case posture.Slouch:
			a.slouch += d
		case posture.Lean:
			a.lean += d
		case posture.Uncertain:
			a.uncertain += d
		}
		from = end
	}
}

// CountSample records a sample's figures in the minute of at (the sample
// count, severity, neck angle and desk set-up) without crediting any time:
// the time comes as spans (AddSpans). The state and severity are
// normalised as the timeline does (an unknown state is uncertain, the
// severity clamped to 0..1).
func (r *Recorder) CountSample(at time.Time, v posture.Verdict) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if at.Before(r.floor) {
		return
	}
	r.count(at, timeline.NormState(v.State), timeline.NormSeverity(v.Severity), v)
}

// AddSpans credits spans of state time, as coach.Session's Accrue effect
// hands them on, to the minutes they cover: an away span adds no presence,
// any other state adds presence and its own duration.
func (r *Recorder) AddSpans(spans []timeline.Span) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, sp := range spans {
		if !sp.End.After(r.floor) {
			continue
		}
		if sp.Start.Before(r.floor) {
			sp.Start = r.floor
		}
		r.credit(sp)
	}
	r.trim()
}

// count adds a sample's figures to its minute; called with r.mu held.
func (r *Recorder) count(at time.Time, st posture.State, sev float64, v posture.Verdict) {
	a := r.minute(minuteKey(at))
	a.samples++
	if st != posture.Away {
		a.sevN++
		a.sevSum += sev
		if v.NeckAngleDeg != nil && !math.IsNaN(*v.NeckAngleDeg) && !math.IsInf(*v.NeckAngleDeg, 0) {
			a.neckN++
			a.neckSum += *v.NeckAngleDeg
		}
		if st == posture.Upright {
			a.setup.addSample(v)
		}
	}
	r.trim()
}

// AddEvent queues an event (the zero At is now). See Recorder for how a
// correction marks its alert.
func (r *Recorder) AddEvent(e Event) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if e.At.IsZero() {
		e.At = r.now()
	}
	if e.At.Before(r.floor) {
		return
	}
	if e.Kind == EventCorrected && e.Corrected {
		r.markLocked(mark{alertAt: e.AlertAt, before: e.At, after: r.session})
	}
	r.events = append(r.events, e)
	r.trim()
}

// MarkCorrected sets Corrected on the posture alert given at alertAt
// (exact to the millisecond), in memory or in the database.
func (r *Recorder) MarkCorrected(alertAt time.Time) {
	if r == nil || alertAt.IsZero() {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.markLocked(mark{alertAt: alertAt})
	r.trim()
}

func (r *Recorder) markLocked(m mark) {
	for i := len(r.events) - 1; i >= 0; i-- {
		e := &r.events[i]
		if e.Kind != EventPostureAlert {
			continue
		}
		if !m.alertAt.IsZero() {
			if e.At.UnixMilli() == m.alertAt.UnixMilli() {
				e.Corrected = true
				return
			}
			continue
		}
		if !e.At.After(m.before) && !e.At.Before(m.after) {
			e.Corrected = true
			return
		}
	}
	// Written already (or never recorded): update it in the database.
	r.marks = append(r.marks, m)
}

// AddPain validates and queues a pain entry (the zero At is now).
func (r *Recorder) AddPain(p PainEntry) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if p.At.IsZero() {
		p.At = r.now()
	}
	r.pain = append(r.pain, p)
	r.trim()
	return nil
}

// trim bounds the memory kept while the database cannot be written.
func (r *Recorder) trim() {
	if n := len(r.pending) - MaxPendingMinutes; n > 0 {
		keys := make([]int64, 0, len(r.pending))
		for k := range r.pending {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
		for _, k := range keys[:n] {
			delete(r.pending, k)
		}
		r.dropped += n
	}
	if n := len(r.events) - MaxPendingEvents; n > 0 {
		r.events = append([]Event(nil), r.events[n:]...)
		r.dropped += n
	}
	if n := len(r.pain) - MaxPendingPain; n > 0 {
		r.pain = append([]PainEntry(nil), r.pain[n:]...)
		r.dropped += n
	}
	if n := len(r.marks) - maxPendingMarks; n > 0 {
		r.marks = append([]mark(nil), r.marks[n:]...)
	}
}

// Pending reports what is waiting to be written: minute rows (including
// the current one) and events, and how many minutes, events and pain
// entries were dropped so far because the database could not be written
// for too long.
func (r *Recorder) Pending() (minutes, events, dropped int) {
	if r == nil {
		return 0, 0, 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.pending), len(r.events), r.dropped
}

func (r *Recorder) unwrittenLocked() bool {
	return len(r.pending) > 0 || len(r.events) > 0 || len(r.pain) > 0 || len(r.marks) > 0
}

// Discard drops what the recorder holds from before cut (everything when
// cut is zero): `history forget` tells the running daemon, so that a
// minute it still holds does not bring back what the user deleted. (The
// coach session's Forget keeps the held sample's time from coming back as
// spans.) It waits for a flush in flight: its batch is then either written
// before the caller deletes, or put back and dropped here, never written
// after the delete.
func (r *Recorder) Discard(cut time.Time) {
	if r == nil {
		return
	}
	r.flushMu.Lock()
	defer r.flushMu.Unlock()
	r.mu.Lock()
	defer r.mu.Unlock()
	floor := cut
	if floor.IsZero() {
		floor = r.now()
	}
	if floor.After(r.floor) {
		r.floor = floor
	}
	keep := func(t time.Time) bool { return !cut.IsZero() && !t.Before(cut) }
	for k := range r.pending {
		if !keep(time.Unix(k, 0)) {
			delete(r.pending, k)
		}
	}
	events := r.events[:0]
	for _, e := range r.events {
		if keep(e.At) {
			events = append(events, e)
		}
	}
	r.events = events
	pain := r.pain[:0]
	for _, p := range r.pain {
		if keep(p.At) {
			pain = append(pain, p)
		}
	}
	r.pain = pain
	marks := r.marks[:0]
	for _, m := range r.marks {
		at := m.alertAt
		if at.IsZero() {
			at = m.before
		}
		if keep(at) {
			marks = append(marks, m)
		}
	}
	r.marks = marks
}

// Attach gives a recorder made without a store (the database could not be
// opened yet) the store to write to; the minutes and events kept in memory
// meanwhile (bounded) are written at the next Tick.
func (r *Recorder) Attach(s *Store) {
	r.flushMu.Lock()
	defer r.flushMu.Unlock()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.store = s
	r.lastAttempt = 0 // write what waited at the next Tick
}

// Tick, the first time it is called in a new minute (of now), writes the completed minutes and the queued
// events, if any. The daemon calls it often (every few seconds); it
// returns the last write's error until a write succeeds (the data is kept
// for the next minute's attempt).
func (r *Recorder) Tick(now time.Time) error { return r.TickContext(context.Background(), now) }

// TickContext is Tick with a write that gives up when ctx is done (within
// a few hundredths of a second, even while another program holds the
// database): the daemon cancels it when it stops. The data is kept.
func (r *Recorder) TickContext(ctx context.Context, now time.Time) error {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	k := minuteKey(now)
	due := false
	if k > r.lastAttempt {
		r.lastAttempt = k
		due = len(r.events) > 0 || len(r.pain) > 0 || len(r.marks) > 0
		for m := range r.pending {
			if m < k {
				due = true
				break
			}
		}
	}
	lastErr := r.lastErr
	r.mu.Unlock()
	if !due {
		return lastErr
	}
	return r.flush(ctx, k, false)
}

// Flush writes the completed minutes (before the current minute) and the
// queued events and pain entries now, in one transaction.
func (r *Recorder) Flush() error {
	if r == nil {
		return nil
	}
	return r.flush(context.Background(), minuteKey(r.now()), false)
}

// Close writes everything, including the current partial minute (the
// caller has handed on the last sample's time: coach.Session.Stop). It does not close the
// Store. A failed write keeps the data, so Close may be retried.
func (r *Recorder) Close() error { return r.Shutdown(context.Background()) }

// Shutdown is Close bounded by ctx: a database that stays locked past
// ctx's deadline gets nothing (the transaction is rolled back), and the
// data stays in memory for SaveUnwritten. Without a store it returns
// ErrNoStore.
func (r *Recorder) Shutdown(ctx context.Context) error {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	noStore, unwritten := r.store == nil, r.unwrittenLocked()
	r.mu.Unlock()
	if noStore && unwritten {
		return ErrNoStore
	}
	return r.flush(ctx, 0, true)
}

// flush writes the minutes before limit (all when all) and everything
// queued; on failure it puts them back.
func (r *Recorder) flush(ctx context.Context, limit int64, all bool) error {
	r.mu.Lock()
	noStore := r.store == nil
	r.mu.Unlock()
	if noStore {
		return nil // kept in memory (bounded) until Attach
	}
	r.flushMu.Lock()
	defer r.flushMu.Unlock()

	r.mu.Lock()
	var b batch
	taken := map[int64]*agg{}
	for k, a := range r.pending {
		if all || k < limit {
			taken[k] = a
			delete(r.pending, k)
		}
	}
	keys := make([]int64, 0, len(taken))
	for k := range taken {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	for _, k := range keys {
		b.minutes = append(b.minutes, taken[k].row(k))
	}
	b.events, r.events = r.events, nil
	b.pain, r.pain = r.pain, nil
	b.marks, r.marks = r.marks, nil
	r.mu.Unlock()

	if b.empty() {
		return nil
	}
	err := r.store.write(ctx, b)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lastErr = err
	if err == nil {
		r.writes++
		return nil
	}
	// Keep it all for the next attempt, merged with what arrived meanwhile.
	for k, a := range taken {
		r.minute(k).add(a)
	}
	r.events = append(b.events, r.events...)
	r.pain = append(b.pain, r.pain...)
	r.marks = append(b.marks, r.marks...)
	r.trim()
	return err
}
