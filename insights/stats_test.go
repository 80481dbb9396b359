package insights

import (
	"math"
	"testing"
)

func TestRanksAverageTies(t *testing.T) {
	got := ranks([]float64{3, 1, 3, 2, 3})
	want := []float64{4, 1, 4, 2, 4}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("ranks = %v, want %v", got, want)
		}
	}
}

// Spearman's rho and its p-value against a published example: IQ against
// hours of television a week for ten people (Wikipedia, "Spearman's rank
// correlation coefficient"): rho = -29/165, p = 0.627188 by the t
// distribution.
func TestSpearmanPublishedExample(t *testing.T) {
	iq := []float64{106, 100, 86, 101, 99, 103, 97, 113, 112, 110}
	tv := []float64{7, 27, 2, 50, 28, 29, 20, 12, 6, 17}
	rho, ok := spearman(iq, tv)
	if !ok || math.Abs(rho-(-29.0/165)) > 1e-12 {
		t.Fatalf("rho = %v %v, want %v", rho, ok, -29.0/165)
	}
	if p := correlationP(rho, len(iq)); math.Abs(p-0.627188) > 1e-6 {
		t.Errorf("p = %v, want 0.627188", p)
	}
	if _, ok := spearman([]float64{1, 1, 1}, []float64{1, 2, 3}); ok {
		t.Error("rho of a constant: ok")
	}
	if _, ok := spearman([]float64{1, 2}, []float64{1, 2}); ok {
		t.Error("rho of two pairs: ok")
	}
}

// The p-value at Student's t critical values (two-sided 5% and 1%).
func TestCorrelationPAtCriticalValues(t *testing.T) {
	for _, c := range []struct {
		n    int
		tval float64
		p    float64
	}{
		{20, 2.100922, 0.05}, // df 18
		{10, 2.306004, 0.05}, // df 8
		{12, 3.169273, 0.01}, // df 10
		{32, 2.042272, 0.05}, // df 30
	} {
		df := float64(c.n - 2)
		rho := c.tval / math.Sqrt(df+c.tval*c.tval)
		if p := correlationP(rho, c.n); math.Abs(p-c.p) > 2e-6 {
			t.Errorf("n %d, t %v: p = %v, want %v", c.n, c.tval, p, c.p)
		}
		if p := correlationP(-rho, c.n); math.Abs(p-c.p) > 2e-6 {
			t.Errorf("n %d, t -%v: p = %v, want %v", c.n, c.tval, p, c.p)
		}
	}
	if p := correlationP(0, 20); math.Abs(p-1) > 1e-12 {
		t.Errorf("rho 0: p = %v, want 1", p)
	}
	if p := correlationP(1, 20); p != 0 {
		t.Errorf("rho 1: p = %v, want 0", p)
	}
}

// The median is internal/stats' (tested there).
func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 2710: "2,710", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
