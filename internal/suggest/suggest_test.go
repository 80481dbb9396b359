package suggest

import "testing"

func TestClosest(t *testing.T) {
	cmds := []string{"check", "calibrate", "run", "status", "pause", "resume", "snooze", "report", "journal", "history", "stop"}
	for _, tc := range []struct{ word, want string }{
		{"chek", "check"},      // a letter left out
		{"stauts", "status"},   // two letters swapped
		{"reprot", "report"},   // two letters swapped
		{"calib", "calibrate"}, // the start of a command
		{"histroy", "history"}, // a swap inside
		{"stpo", "stop"},       // a swap at the end
		{"xyz", ""},            // nothing near
		{"r", ""},              // a single letter is no slip
		{"banana", ""},         // far from everything
		{"configuration", ""},  // not near any command
		{"snoze", "snooze"},    // a letter left out
		{"journla", "journal"}, // a swap at the end
		{"check", "check"},     // itself
	} {
		if got := Closest(tc.word, cmds); got != tc.want {
			t.Errorf("Closest(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
}

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"abc", "abc", 0}, {"abc", "acb", 1}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"ångström", "angström", 1}} {
		if got := Distance(tc.a, tc.b); got != tc.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
