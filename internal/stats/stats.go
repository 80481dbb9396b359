// Package stats holds the small statistics several layers share (the
// baseline's medians, the alert text's figures, the weekly insights), so
// each is written once. Pure Go, no I/O, no project imports.
package stats

import "sort"

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
