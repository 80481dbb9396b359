package posture

import "sort"

// Combine judges a burst of frames taken within a second or two as one
// sample: a blink, a hand passing the face or one bad detection should not
// decide it. Nobody in most frames is Away; otherwise the present frames'
// verdict of median severity stands for the burst (its state, figures and
// reasons), so one outlier frame in either direction changes nothing.
// An empty burst is Uncertain. (The daemon ends a burst after one clearly
// upright frame: see SettlesBurst.)
func Combine(vs []Verdict) Verdict {
	if len(vs) == 0 {
		return Verdict{State: Uncertain}
	}
	var present []Verdict
	for _, v := range vs {
		if v.State != Away {
			present = append(present, v)
		}
	}
	if 2*len(present) < len(vs) || len(present) == 0 {
		return Verdict{State: Away}
	}
	// Confident verdicts outrank uncertain ones when there are enough.
	var confident []Verdict
	for _, v := range present {
		if v.State != Uncertain {
			confident = append(confident, v)
		}
	}
	pool := present
	if 2*len(confident) >= len(present) && len(confident) > 0 {
		pool = confident
	} else {
		return present[len(present)/2]
	}
	sorted := append([]Verdict(nil), pool...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Severity < sorted[j].Severity })
	return sorted[(len(sorted)-1)/2]
}

// SettlesBurst reports whether a burst's first verdict decides the burst
// on its own: a confident upright frame whose combined evidence is at most
// half its decision limit (Score ≤ −0.5). The daemon's bursts take their
// frames a tenth of a second apart, when no posture changes, and the
// later frames are tracked from the first (its face box and body reused),
// so for such a frame the median of three adds little. What it gives up
// is a second look when a detection error in the first frame hides a bad
// posture by more than half the limit; the tracked frames shared most of
// that error before too. Upright is most of a day, so most bursts end
// after one frame (the daemon's CPU). A bad, borderline, uncertain or
// empty first frame never settles a burst: those are the verdicts a
// reminder rests on, and they keep Combine's median.
func SettlesBurst(first Verdict) bool {
	return first.State == Upright && first.Score <= settleScore
}

// settleScore is SettlesBurst's margin: half the decision limit.
const settleScore = -0.5
