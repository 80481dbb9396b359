package testenv

import (
	"bytes"
	"fmt"
	"os"
	"runtime/pprof"
	"testing"
)

// matProfile is gocv's live-Mat profile. gocv only registers it when built
// with -tags matprofile (as `make test` does); without the tag it is nil
// and the leak checks below do nothing.
func matProfile() *pprof.Profile { return pprof.Lookup("gocv.io/x/gocv.Mat") }

// CheckMatLeaks fails t if it ends with more live Mats than it started
// with. Call it first in a test, so its cleanup runs after every other one.
func CheckMatLeaks(t testing.TB) {
	t.Helper()
	prof := matProfile()
	if prof == nil {
		return
	}
	start := prof.Count()
	t.Cleanup(func() {
		if n := prof.Count(); n != start {
			var b bytes.Buffer
			_ = prof.WriteTo(&b, 1)
			t.Errorf("leaked %d Mat(s); creation stacks:\n%s", n-start, b.String())
		}
	})
}

// MainCheckingMats runs a package's tests and then fails the run if any
// Mat is still alive: every Mat has one owner and one Close. Use it as
// `func TestMain(m *testing.M) { os.Exit(testenv.MainCheckingMats(m)) }`.
func MainCheckingMats(m *testing.M) int {
	code := m.Run()
	prof := matProfile()
	if prof == nil {
		return code
	}
	if n := prof.Count(); n != 0 {
		var b bytes.Buffer
		_ = prof.WriteTo(&b, 1)
		fmt.Fprintf(os.Stderr, "FAIL: %d gocv Mat(s) leaked; creation stacks:\n%s\n", n, b.String())
		return 1
	}
	if code == 0 {
		fmt.Fprintln(os.Stderr, "matprofile: no gocv Mat leaked")
	}
	return code
}
