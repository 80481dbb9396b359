package testenv

import (
	"testing"
	"time"
)

// Patience bounds a test's wait for something any machine does at once
// (a sample taken, a socket answered, a process stopped): only a broken
// program reaches it, a busy CI machine or the race detector never does.
// It is a failure bound, never a claim about speed; timing claims belong
// in benchmarks.
const Patience = time.Minute

// Await returns the next value from ch (the zero value once ch is
// closed), failing the test when none has come within Patience.
func Await[T any](t testing.TB, ch <-chan T, what string) T {
	t.Helper()
	timer := time.NewTimer(Patience)
	defer timer.Stop()
	var v T
	select {
	case v = <-ch:
	case <-timer.C:
		t.Fatalf("%s: not within %v", what, Patience)
	}
	return v
}

// Eventually polls cond until it holds, failing the test when it still
// does not after Patience. For a state with no event to wait on (another
// process's, a file's); an event in the same process is better awaited.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(Patience)
	for poll := time.Millisecond; !cond(); poll = min(2*poll, 100*time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, Patience)
		}
		time.Sleep(poll)
	}
}
