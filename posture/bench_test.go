package posture

import "testing"

// BenchmarkClassifyFront is the classifier's share of a frame's time: the
// networks take milliseconds, this microseconds.
func BenchmarkClassifyFront(b *testing.B) {
	t := &testing.T{}
	c := NewClassifier(Front, calibratedBaseline(t))
	fr := frontFrame(frontalFace(330, 215, 1.05*testIED), uprightBody())
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		c.Classify(fr)
	}
}
