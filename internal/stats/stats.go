// Package stats holds the small statistics several layers share (the
// baseline's medians, the alert text's figures, the weekly insights), so
// each is written once. Pure Go, no I/O, no project imports.
package stats

import (
	"math"
	"sort"
)

// Median of vs, 0 for none; vs is not changed.
func Median(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	s := append([]float64(nil), vs...)
	sort.Float64s(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// RobustSpread is 1.4826 times the median absolute deviation from the
// median: the standard deviation for normal data, unmoved by a few
// outliers (a blink, a glance). 0 for fewer than two values.
func RobustSpread(vs []float64) float64 {
	if len(vs) < 2 {
		return 0
	}
	m := Median(vs)
	dev := make([]float64, len(vs))
	for i, v := range vs {
		dev[i] = math.Abs(v - m)
	}
	return 1.4826 * Median(dev)
}

// Quantile is the p-quantile of vs (0 ≤ p ≤ 1) by nearest rank: the value
// at rank round(p·(n−1)) of vs sorted; NaN for none. vs is not changed.
func Quantile(vs []float64, p float64) float64 {
	if len(vs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), vs...)
	sort.Float64s(s)
	return s[int(math.Round(p*float64(len(s)-1)))]
}
