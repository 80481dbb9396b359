package accuracy

import (
	"math"
	"math/rand"
	"testing"
)

func same(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) < 1e-12
}

func TestAUC(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		name      string
		good, bad []float64
		want      float64
	}{
		{"perfect", []float64{0, 0.1, 0.2}, []float64{0.5, 0.9}, 1},
		{"reversed", []float64{0.5, 0.9}, []float64{0, 0.1, 0.2}, 0},
		{"all tied", []float64{0, 0, 0}, []float64{0, 0}, 0.5},
		// Pairs (g,b): (0,0) tie .5, (0,.3) 1, (.2,0) 0, (.2,.3) 1 -> 2.5/4.
		{"one tie one miss", []float64{0, 0.2}, []float64{0, 0.3}, 0.625},
		// good 0,0,0,0.4; bad 0,0.4,0.8. Per bad score: 0 ties the three
		// zeros (1.5); 0.4 beats them and ties 0.4 (3.5); 0.8 beats all
		// four (4). (1.5+3.5+4)/12 = 0.75.
		{"severity zeros", []float64{0, 0, 0, 0.4}, []float64{0, 0.4, 0.8}, 0.75},
		// 1 good, 4 bad: two above, one tie, one below -> 2.5/4.
		{"single good", []float64{0.5}, []float64{0.1, 0.5, 0.6, 0.9}, 0.625},
		{"no good", nil, []float64{1}, nan},
		{"no bad", []float64{1}, nil, nan},
		{"NaN score", []float64{nan}, []float64{1}, nan},
	}
	for _, tc := range cases {
		if got := AUC(tc.good, tc.bad); !same(got, tc.want) {
			t.Errorf("%s: AUC = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// The rank formula agrees with counting every pair, ties included.
func TestAUCMatchesPairCounting(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for trial := 0; trial < 200; trial++ {
		good := make([]float64, 1+rng.Intn(30))
		bad := make([]float64, 1+rng.Intn(30))
		for i := range good {
			good[i] = float64(rng.Intn(6)) / 5 // coarse: many ties
		}
		for i := range bad {
			bad[i] = float64(rng.Intn(6)) / 5
		}
		wins := 0.0
		for _, g := range good {
			for _, b := range bad {
				switch {
				case b > g:
					wins++
				case b == g:
					wins += 0.5
				}
			}
		}
		want := wins / float64(len(good)*len(bad))
		if got := AUC(good, bad); math.Abs(got-want) > 1e-12 {
			t.Fatalf("trial %d: AUC %v, pair count %v (good %v bad %v)", trial, got, want, good, bad)
		}
	}
}

func TestConfusionAndBalancedAccuracy(t *testing.T) {
	T, F := true, false
	cases := []struct {
		name          string
		labels, preds []bool
		want          Confusion
		tpr, tnr, ba  float64
	}{
		{"perfect", []bool{T, T, F, F}, []bool{T, T, F, F}, Confusion{TP: 2, TN: 2}, 1, 1, 1},
		{"all flagged", []bool{T, F, F, F}, []bool{T, T, T, T}, Confusion{TP: 1, FP: 3}, 1, 0, 0.5},
		{"none flagged", []bool{T, F, F, F}, []bool{F, F, F, F}, Confusion{FN: 1, TN: 3}, 0, 1, 0.5},
		// 3 bad, 2 flagged: TPR 2/3; 5 good, 1 flagged: TNR 4/5; BA = (2/3+4/5)/2 = 11/15.
		{"mixed", []bool{T, T, T, F, F, F, F, F}, []bool{T, F, T, F, T, F, F, F}, Confusion{TP: 2, FN: 1, TN: 4, FP: 1}, 2.0 / 3, 0.8, 11.0 / 15},
		{"no good frames", []bool{T, T}, []bool{T, F}, Confusion{TP: 1, FN: 1}, 0.5, math.NaN(), math.NaN()},
		{"empty", nil, nil, Confusion{}, math.NaN(), math.NaN(), math.NaN()},
	}
	for _, tc := range cases {
		c := Count(tc.labels, tc.preds)
		if c != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, c, tc.want)
		}
		if !same(c.TPR(), tc.tpr) || !same(c.TNR(), tc.tnr) || !same(c.Balanced(), tc.ba) {
			t.Errorf("%s: TPR %v TNR %v BA %v, want %v %v %v", tc.name, c.TPR(), c.TNR(), c.Balanced(), tc.tpr, tc.tnr, tc.ba)
		}
		if got := BalancedAccuracy(tc.labels, tc.preds); !same(got, tc.ba) {
			t.Errorf("%s: BalancedAccuracy %v, want %v", tc.name, got, tc.ba)
		}
		if !same(c.FPR(), 1-tc.tnr) {
			t.Errorf("%s: FPR %v, want 1-TNR", tc.name, c.FPR())
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("mismatched lengths did not panic")
		}
	}()
	Count([]bool{T}, nil)
}

func TestShare(t *testing.T) {
	cases := []struct {
		flags []bool
		want  float64
	}{
		{[]bool{true, false, false, false}, 0.25},
		{[]bool{true, true, true}, 1},
		{[]bool{false}, 0},
		{nil, math.NaN()},
	}
	for _, tc := range cases {
		if got := Share(tc.flags); !same(got, tc.want) {
			t.Errorf("Share(%v) = %v, want %v", tc.flags, got, tc.want)
		}
	}
}
