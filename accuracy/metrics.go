// Package accuracy measures how well the posture detector separates good
// from bad posture: the metrics here are plain Go over scores and labels
// (no OpenCV), and the harness in its tests (`make eval`) runs the real
// detector on labelled photos and on synthetic sequences with known ground
// truth under several camera conditions, and prints the figures.
package accuracy

import (
	"fmt"
	"math"
	"sort"
)

// AUC is the area under the ROC curve of a score meant to be higher for
// bad posture than for good: the probability that a randomly drawn bad
// frame scores above a randomly drawn good one, a tie counting one half
// (the Mann-Whitney U statistic over n_good·n_bad). 1 separates perfectly,
// 0.5 is chance. It is NaN when either set is empty or a score is NaN.
func AUC(scoresGood, scoresBad []float64) float64 {
	ng, nb := len(scoresGood), len(scoresBad)
	if ng == 0 || nb == 0 {
		return math.NaN()
	}
	type item struct {
		v   float64
		bad bool
	}
	all := make([]item, 0, ng+nb)
	for _, v := range scoresGood {
		all = append(all, item{v, false})
	}
	for _, v := range scoresBad {
		all = append(all, item{v, true})
	}
	for _, it := range all {
		if math.IsNaN(it.v) {
			return math.NaN()
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].v < all[j].v })
	// Rank sum of the bad scores, ties sharing their mean rank (1-based).
	rankSum := 0.0
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].v == all[i].v {
			j++
		}
		mean := float64(i+1+j) / 2 // mean of ranks i+1 .. j
		for k := i; k < j; k++ {
			if all[k].bad {
				rankSum += mean
			}
		}
		i = j
	}
	u := rankSum - float64(nb)*float64(nb+1)/2
	return u / (float64(ng) * float64(nb))
}

// Confusion counts a binary detector's outcomes; positive is bad posture
// (flagged), negative good posture.
type Confusion struct {
	TP, FN int // bad frames flagged, bad frames missed
	TN, FP int // good frames passed, good frames flagged
}

// Count tallies labels (true = bad) against predictions (true = flagged).
// It panics when the lengths differ: that is a bug in the caller.
func Count(labels, predictions []bool) Confusion {
	if len(labels) != len(predictions) {
		panic(fmt.Sprintf("accuracy: %d labels but %d predictions", len(labels), len(predictions)))
	}
	var c Confusion
	for i, bad := range labels {
		c.Add(bad, predictions[i])
	}
	return c
}

// Add counts one outcome: a bad (or good) frame, flagged or not.
func (c *Confusion) Add(bad, flagged bool) {
	switch {
	case bad && flagged:
		c.TP++
	case bad:
		c.FN++
	case flagged:
		c.FP++
	default:
		c.TN++
	}
}

// TPR is the share of bad frames flagged (sensitivity); NaN without any.
func (c Confusion) TPR() float64 { return ratio(c.TP, c.TP+c.FN) }

// FPR is the share of good frames flagged (false alarms); NaN without any.
func (c Confusion) FPR() float64 { return ratio(c.FP, c.FP+c.TN) }

// TNR is the share of good frames passed (specificity); NaN without any.
func (c Confusion) TNR() float64 { return ratio(c.TN, c.FP+c.TN) }

// Balanced is the balanced accuracy (TPR + TNR) / 2: 0.5 is chance
// whatever the classes' sizes. NaN when either class is empty.
func (c Confusion) Balanced() float64 { return (c.TPR() + c.TNR()) / 2 }

// BalancedAccuracy is Count(labels, predictions).Balanced().
func BalancedAccuracy(labels, predictions []bool) float64 {
	return Count(labels, predictions).Balanced()
}

// Share is the fraction of flags that are set (the share of frames
// flagged); NaN for none.
func Share(flags []bool) float64 {
	n := 0
	for _, f := range flags {
		if f {
			n++
		}
	}
	return ratio(n, len(flags))
}

func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}
