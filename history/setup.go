package history

import (
	"math"

	"github.com/neckwatch/neckwatch/posture"
)

// The desk set-up measures of a minute: the head's pitch (looking down
// positive), the camera-to-eyes distance and the head's yaw (to the
// user's left positive), as posture.Verdict reports them: absolute,
// against the camera. Each is averaged over the minute's upright samples
// that have it, and counted: the set-up shows in how the user sits when
// the posture is fine, not in the minutes the head drifted forward (those
// are counted as forward-head time already). A count of 0 means the minute
// has no such figure (NULL in the database, not 0).

// meanAcc sums one measure.
type meanAcc struct {
	n   int
	sum float64
}

func (m *meanAcc) add(x *float64) {
	if x == nil || math.IsNaN(*x) || math.IsInf(*x, 0) {
		return
	}
	m.n++
	m.sum += *x
}

func (m *meanAcc) merge(o meanAcc) {
	m.n += o.n
	m.sum += o.sum
}

// mean is the mean and its count, for a minute row: nil when no sample.
func (m meanAcc) mean() meanCol {
	if m.n == 0 {
		return meanCol{}
	}
	v := m.sum / float64(m.n)
	return meanCol{n: int64(m.n), mean: &v}
}

// setupAgg is a minute's set-up measures in memory (part of agg).
type setupAgg struct {
	pitch, dist, yaw meanAcc
}

// addSample counts an upright sample's measures.
func (a *setupAgg) addSample(v posture.Verdict) {
	a.pitch.add(v.HeadPitchDeg)
	a.dist.add(v.DistanceCM)
	a.yaw.add(v.HeadYawDeg)
}

func (a *setupAgg) merge(b setupAgg) {
	a.pitch.merge(b.pitch)
	a.dist.merge(b.dist)
	a.yaw.merge(b.yaw)
}

func (a setupAgg) row() setupRow {
	return setupRow{pitch: a.pitch.mean(), dist: a.dist.mean(), yaw: a.yaw.mean()}
}

// meanCol is a mean column as written: NULL (nil) with a count of 0.
type meanCol struct {
	n    int64
	mean *float64
}

// setupRow is a minute delta's set-up columns.
type setupRow struct {
	pitch, dist, yaw meanCol
}

// args are the upsert's values for the set-up columns, in the order of
// setupColumns.
func (s setupRow) args() []any {
	f := func(p *float64) any {
		if p == nil {
			return nil
		}
		return *p
	}
	return []any{s.pitch.n, f(s.pitch.mean), s.dist.n, f(s.dist.mean), s.yaw.n, f(s.yaw.mean)}
}

// setupColumns are the minutes table's set-up columns (schema v3), in
// pairs of count and mean.
const setupColumns = `head_pitch_samples, mean_head_pitch_deg, distance_samples, mean_distance_cm, yaw_samples, mean_yaw_deg`

// mergeMean is the upsert's combination of a stored mean column with a
// new one, weighted by their counts; NULL when neither has a sample.
func mergeMean(count, mean string) string {
	return count + ` = ` + count + ` + excluded.` + count + `,
	` + mean + ` = CASE WHEN ` + count + ` + excluded.` + count + ` > 0
		THEN (COALESCE(` + mean + `, 0) * ` + count + ` + COALESCE(excluded.` + mean + `, 0) * excluded.` + count + `)
			/ (` + count + ` + excluded.` + count + `)
		ELSE NULL END`
}
