package accuracy

import (
	"math"
	"testing"
)

func judged(person string, bad bool, ev ...float64) []Judged {
	var out []Judged
	for _, e := range ev {
		out = append(out, Judged{Person: person, Bad: bad, Evidence: e})
	}
	return out
}

func TestTallyAndUncertain(t *testing.T) {
	js := append(judged("a", false, 0.5, 1.5), judged("a", true, 2, 0.2)...)
	js = append(js, Judged{Person: "a", Bad: true, Evidence: 9, Uncertain: true})
	c := Tally(js, 1)
	if c != (Confusion{TP: 1, FN: 2, TN: 1, FP: 1}) {
		t.Fatalf("Tally = %+v", c)
	}
	// An uncertain photo ranks below every other in the AUC.
	if got := JudgedAUC(js); math.Abs(got-2.0/6) > 1e-12 {
		t.Errorf("JudgedAUC = %v, want 1/3", got)
	}
}

// The limit fitted on the others, not on the person scored: person c's
// good photos sit where a and b's bad ones do, and only the fold that
// leaves c out shows it.
func TestLeaveOnePersonOut(t *testing.T) {
	var js []Judged
	for _, p := range []string{"a", "b"} {
		js = append(js, judged(p, false, 0.2, 0.4, 0.6)...)
		js = append(js, judged(p, true, 1.1, 1.5, 2)...)
	}
	js = append(js, judged("c", false, 1.2, 1.3)...)
	js = append(js, judged("c", true, 3, 4)...)
	folds := LeaveOnePersonOut([]Candidate{{"only", js}}, []string{"a", "b", "c"}, MaxBalanced)
	if len(folds) != 3 {
		t.Fatalf("%d folds", len(folds))
	}
	for _, f := range folds[:2] {
		// Fitted with c, whose good photos reach 1.3: no false alarm, most caught.
		if f.Confusion.FP != 0 || f.Confusion.TP < 2 || f.Limit <= 1.3 {
			t.Errorf("fold %s: %+v at limit %v", f.Person, f.Confusion, f.Limit)
		}
	}
	c := folds[2]
	if c.Limit < 0.6 || c.Limit > 1.1 || c.Confusion.FP != 2 || c.Confusion.TP != 2 {
		t.Errorf("fold c: limit %v, %+v; want the limit of a and b (0.6-1.1) flagging c's good photos", c.Limit, c.Confusion)
	}
	if c.AUC != 1 {
		t.Errorf("fold c AUC %v, want 1 (its own ranking is right)", c.AUC)
	}
	if p := Pooled(folds); p.TP+p.FN != 8 || p.FP != 2 || p.TN+p.FP != 8 {
		t.Errorf("Pooled = %+v", p)
	}
}

func TestFitPicksCandidateAndRespectsFalseAlarmBudget(t *testing.T) {
	noisy := append(judged("a", false, 0.5, 0.9, 1.0, 1.2), judged("a", true, 1.1, 1.3)...)
	clean := append(judged("a", false, 0.1, 0.2, 0.3, 0.4), judged("a", true, 0.8, 0.9)...)
	train := map[string]bool{"a": true}
	ci, l := Fit([]Candidate{{"noisy", noisy}, {"clean", clean}}, train, MaxBalanced)
	if ci != 1 || l <= 0.4 || l > 0.8 {
		t.Errorf("Fit = candidate %d limit %v, want the clean one between 0.4 and 0.8", ci, l)
	}
	// At most 25% of good flagged: the noisy candidate must keep its limit above 1.0.
	_, l = Fit([]Candidate{{"noisy", noisy}}, train, MaxCaughtWithin(0.25))
	if c := Tally(noisy, l); c.FPR() > 0.25 {
		t.Errorf("limit %v flags %v of good photos, budget 0.25", l, c.FPR())
	}
}

func TestBootstrapPeople(t *testing.T) {
	folds := []Fold{
		{Person: "a", Confusion: Confusion{TP: 10, TN: 10}},
		{Person: "b", Confusion: Confusion{TP: 5, FN: 5, TN: 10}},
		{Person: "c", Confusion: Confusion{FN: 10, TN: 5, FP: 5}},
	}
	lo, hi := BootstrapPeople(folds, func(c Confusion) float64 { return c.Balanced() }, 0.95, 2000, 1)
	if !(lo < Pooled(folds).Balanced() && Pooled(folds).Balanced() < hi) || lo < 0.25-1e-9 || hi > 1+1e-9 {
		t.Errorf("interval [%v, %v] around %v", lo, hi, Pooled(folds).Balanced())
	}
	lo2, hi2 := BootstrapPeople(folds, func(c Confusion) float64 { return c.Balanced() }, 0.95, 2000, 1)
	if lo != lo2 || hi != hi2 {
		t.Error("same seed, different interval")
	}
}

// The false-alarm budget holds for each person, not just on average: a
// person with few photos whose good ones score high is not outvoted by
// one with many.
func TestMaxCaughtWithinIsPerPerson(t *testing.T) {
	js := append(judged("many", false, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1), judged("many", true, 0.7, 0.9)...)
	js = append(js, judged("few", false, 0.8)...)
	_, l := Fit([]Candidate{{"c", js}}, map[string]bool{"many": true, "few": true}, MaxCaughtWithin(0.10))
	if l <= 0.8 {
		t.Errorf("limit %v flags the one good photo of \"few\" (pooled it is 1 of 21, under 10%%)", l)
	}
}
