package posture

import "testing"

func TestCombine(t *testing.T) {
	up := Verdict{State: Upright, Person: true}
	fwd := func(s float64) Verdict { return Verdict{State: ForwardHead, Severity: s, Person: true} }
	away := Verdict{State: Away}
	unc := Verdict{State: Uncertain, Person: true}
	cases := []struct {
		name  string
		in    []Verdict
		state State
		sev   float64
	}{
		{"empty", nil, Uncertain, 0},
		{"all upright", []Verdict{up, up, up}, Upright, 0},
		{"one bad frame does not decide", []Verdict{up, up, fwd(0.9), up, up}, Upright, 0},
		{"mostly forward takes the median severity", []Verdict{fwd(0.2), fwd(0.8), fwd(0.5), up, fwd(0.6)}, ForwardHead, 0.5},
		{"one missed face is not away", []Verdict{up, away, up}, Upright, 0},
		{"mostly nobody is away", []Verdict{away, away, up}, Away, 0},
		{"uncertain frames give way to confident ones", []Verdict{unc, fwd(0.4), fwd(0.6)}, ForwardHead, 0.4},
		{"mostly uncertain stays uncertain", []Verdict{unc, unc, fwd(0.6)}, Uncertain, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Combine(tc.in)
			if got.State != tc.state || got.Severity != tc.sev {
				t.Fatalf("Combine = %s %.2f, want %s %.2f", got.State, got.Severity, tc.state, tc.sev)
			}
		})
	}
}

func TestSettlesBurst(t *testing.T) {
	cases := []struct {
		name string
		v    Verdict
		want bool
	}{
		{"clearly upright", Verdict{State: Upright, Person: true, Score: -0.8}, true},
		{"upright at half the limit", Verdict{State: Upright, Person: true, Score: -0.5}, true},
		{"upright near the limit", Verdict{State: Upright, Person: true, Score: -0.3}, false},
		{"forward head", Verdict{State: ForwardHead, Person: true, Severity: 0.4, Score: 0.3}, false},
		{"uncertain", Verdict{State: Uncertain, Person: true, Score: -0.9}, false},
		{"nobody there", Verdict{State: Away, Score: -1}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := SettlesBurst(tc.v); got != tc.want {
				t.Fatalf("SettlesBurst(%s, score %.1f) = %v, want %v", tc.v.State, tc.v.Score, got, tc.want)
			}
		})
	}
}
