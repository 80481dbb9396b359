// Package suggest finds the word a user probably meant: the configuration's
// unknown keys and the command line's unknown commands and flags say "did
// you mean ...?" with it.
package suggest

// Distance is the optimal string alignment distance between a and b:
// edits (insert, delete, replace a letter), with a swap of two neighbouring
// letters counting as one.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// Closest returns the candidate nearest to word when it is near enough to
// be a slip (at most 2 edits, and at most a third of the word's length for
// long words), else "". Ties go to the earlier candidate. A candidate that
// word is a prefix of (at least 3 letters: "cal" for "calibrate") counts as
// one edit away.
func Closest(word string, candidates []string) string {
	best, bestD := "", -1
	for _, c := range candidates {
		if c == word {
			return c
		}
		d := Distance(word, c)
		if len([]rune(word)) >= 3 && len(c) > len(word) && c[:len(word)] == word {
			d = min(d, 1)
		}
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if bestD < 0 || bestD > max(2, len([]rune(word))/3) || bestD >= len([]rune(word)) {
		return ""
	}
	return best
}
