package accuracy

import (
	"math"
	"math/rand"

	"github.com/neckwatch/neckwatch/internal/stats"
)

// Judged is one real photo's outcome, ready to be scored: whose it is,
// its label, and the verdict's combined evidence (Verdict.Score + 1 at a
// decision limit of 1), so that any decision limit can be applied to it
// afterwards without judging the photo again.
type Judged struct {
	Person    string
	Bad       bool    // labelled bad (good otherwise; moderate is left out)
	Evidence  float64 // combined evidence; flagged when >= the limit
	Uncertain bool    // no confident verdict (uncertain, nobody found): never flagged
}

// Flagged reports whether j is flagged at the decision limit.
func (j Judged) Flagged(limit float64) bool { return !j.Uncertain && j.Evidence >= limit }

// Tally counts js at limit.
func Tally(js []Judged, limit float64) Confusion {
	var c Confusion
	for _, j := range js {
		c.Add(j.Bad, j.Flagged(limit))
	}
	return c
}

// Candidate is one configuration of the detector judged over every
// person: the fit chooses among candidates and decision limits together.
type Candidate struct {
	Name   string
	Judged []Judged
}

// Objective scores the training people's confusions (one per person);
// larger is better.
type Objective func(perPerson []Confusion) float64

func sum(cs []Confusion) Confusion {
	var c Confusion
	for _, x := range cs {
		c.TP += x.TP
		c.FN += x.FN
		c.TN += x.TN
		c.FP += x.FP
	}
	return c
}

// MaxBalanced is the pooled balanced accuracy (for the calibrated detector).
func MaxBalanced(cs []Confusion) float64 { return nanTo(sum(cs).Balanced(), 0) }

// MaxCaughtWithin returns the pooled share of bad photos flagged while no
// person has more than maxGoodFlagged of their good photos flagged (for
// the uncalibrated detector: a false alarm costs more than a missed mild
// case, and a tool that cries wolf for one person in three is dropped by
// that person whatever the average). A limit beyond the budget scores
// below every limit within it, by how far it is beyond.
func MaxCaughtWithin(maxGoodFlagged float64) Objective {
	return func(cs []Confusion) float64 {
		worst := 0.0
		for _, c := range cs {
			worst = math.Max(worst, nanTo(c.FPR(), 0))
		}
		if worst > maxGoodFlagged {
			return -worst
		}
		all := sum(cs)
		return nanTo(all.TPR(), 0) - nanTo(all.FPR(), 0)/1000 // of equal catches, fewer false alarms
	}
}

// limitGrid are the decision limits the fit tries.
func limitGrid() []float64 {
	var out []float64
	for l := 0.3; l <= 6.0001; l += 0.02 {
		out = append(out, math.Round(l*100)/100)
	}
	return out
}

// Fit chooses the candidate and decision limit that score best on the
// photos of the people in train (every other person's photos are not
// looked at). Ties go to the first candidate and the smallest limit.
func Fit(cands []Candidate, train map[string]bool, obj Objective) (cand int, limit float64) {
	best := math.Inf(-1)
	for ci, c := range cands {
		byPerson := map[string][]Judged{}
		var order []string
		for _, j := range c.Judged {
			if !train[j.Person] {
				continue
			}
			if _, ok := byPerson[j.Person]; !ok {
				order = append(order, j.Person)
			}
			byPerson[j.Person] = append(byPerson[j.Person], j)
		}
		for _, l := range limitGrid() {
			cs := make([]Confusion, len(order))
			for i, p := range order {
				cs[i] = Tally(byPerson[p], l)
			}
			if s := obj(cs); s > best+1e-12 {
				best, cand, limit = s, ci, l
			}
		}
	}
	return cand, limit
}

// Fold is one person judged by what was fitted on the others.
type Fold struct {
	Person    string
	Candidate string
	Limit     float64
	Confusion Confusion
	AUC       float64 // by evidence, this person's photos alone (NaN when one label is missing)
	Uncertain int     // photos answered uncertain
	N         int
}

// LeaveOnePersonOut fits on every person but one and scores the one left
// out, for each person in turn: the figures a new user would see.
func LeaveOnePersonOut(cands []Candidate, persons []string, obj Objective) []Fold {
	var out []Fold
	for _, p := range persons {
		train := map[string]bool{}
		for _, q := range persons {
			train[q] = q != p
		}
		ci, l := Fit(cands, train, obj)
		f := Fold{Person: p, Candidate: cands[ci].Name, Limit: l}
		var js []Judged
		for _, j := range cands[ci].Judged {
			if j.Person == p {
				js = append(js, j)
			}
		}
		f.Confusion = Tally(js, l)
		f.AUC = JudgedAUC(js)
		f.N = len(js)
		for _, j := range js {
			if j.Uncertain {
				f.Uncertain++
			}
		}
		out = append(out, f)
	}
	return out
}

// JudgedAUC is the AUC of the evidence; an uncertain photo counts as the
// lowest evidence (it is never flagged).
func JudgedAUC(js []Judged) float64 {
	var g, b []float64
	for _, j := range js {
		e := j.Evidence
		if j.Uncertain {
			e = math.Inf(-1)
		}
		if j.Bad {
			b = append(b, e)
		} else {
			g = append(g, e)
		}
	}
	return AUC(g, b)
}

// Pooled adds the folds' confusions.
func Pooled(folds []Fold) Confusion {
	cs := make([]Confusion, len(folds))
	for i, f := range folds {
		cs[i] = f.Confusion
	}
	return sum(cs)
}

// BootstrapPeople is a percentile confidence interval (level, e.g. 0.95)
// of stat over the folds resampled by person with replacement: the
// uncertainty that comes from having so few people, which dwarfs the
// per-photo one. Resamples where stat is NaN are left out.
func BootstrapPeople(folds []Fold, stat func(Confusion) float64, level float64, n int, seed int64) (lo, hi float64) {
	return Bootstrap(len(folds), n, level, seed, func(pick []int) float64 {
		cs := make([]Fold, len(pick))
		for k, i := range pick {
			cs[k] = folds[i]
		}
		return stat(Pooled(cs))
	})
}

// Bootstrap is a percentile interval (level, e.g. 0.95) of stat over n
// resamples with replacement of items 0..size-1, seeded: stat gets the
// indexes drawn. Resamples where stat is NaN are left out.
func Bootstrap(size, n int, level float64, seed int64, stat func(pick []int) float64) (lo, hi float64) {
	if size == 0 || n <= 0 {
		return math.NaN(), math.NaN()
	}
	rng := rand.New(rand.NewSource(seed))
	var vals []float64
	pick := make([]int, size)
	for i := 0; i < n; i++ {
		for k := range pick {
			pick[k] = rng.Intn(size)
		}
		if v := stat(pick); !math.IsNaN(v) {
			vals = append(vals, v)
		}
	}
	if len(vals) == 0 {
		return math.NaN(), math.NaN()
	}
	return stats.Quantile(vals, (1-level)/2), stats.Quantile(vals, 1-(1-level)/2)
}

func nanTo(v, alt float64) float64 {
	if math.IsNaN(v) {
		return alt
	}
	return v
}
