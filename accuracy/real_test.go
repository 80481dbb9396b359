package accuracy

// The real-photo half of the harness, reported first: real people at
// real webcams (front-people: three people, graded labels) and seen from
// the side (side-people: about nine people). Every setting the decision
// depends on is chosen by leave-one-person-out: fitted on the other
// people, scored on the one left out. The photos are judged as they are:
// no file name, overlay or label reaches the detector, only the pixels.

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/neckwatch/neckwatch/internal/atomicfile"
	"github.com/neckwatch/neckwatch/internal/testenv"
	"github.com/neckwatch/neckwatch/posture"
)

// realPhoto is one labelled real photo and what the detector found.
type realPhoto struct {
	path   string
	person string // front: p1, p2...; side: "" (the set has no person labels)
	label  string // good, moderate, bad
	lm     landmarks
}

// loadRealSet finds dir/<person>/<label>/* (front) or dir/<label>/*
// (side, withPerson false), sorted by file name within each person: the
// names sort by capture time.
func loadRealSet(t *testing.T, dir string, withPerson bool) []realPhoto {
	t.Helper()
	var out []realPhoto
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ext := strings.ToLower(filepath.Ext(path))
		if ext != ".jpg" && ext != ".jpeg" && ext != ".png" {
			return nil
		}
		rel, _ := filepath.Rel(dir, path)
		parts := strings.Split(rel, string(filepath.Separator))
		p := realPhoto{path: path}
		switch {
		case withPerson && len(parts) == 3:
			p.person, p.label = parts[0], parts[1]
		case !withPerson && len(parts) == 2:
			p.label = parts[0]
		case !withPerson && len(parts) == 1: // unlabelled: the caller labels them

		default:
			return fmt.Errorf("%s: not <person>/<label>/<file> or <label>/<file>", rel)
		}
		out = append(out, p)
		return nil
	})
	if err != nil {
		t.Fatalf("real photos in %s: %v (run `make testdata`)", dir, err)
	}
	if len(out) == 0 {
		t.Fatalf("no real photos in %s: run `make testdata`", dir)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].person != out[j].person {
			return out[i].person < out[j].person
		}
		return filepath.Base(out[i].path) < filepath.Base(out[j].path)
	})
	return out
}

// realSets starts a harness test (no Mat may leak) and finds the two real
// sets: front-people by person, side-people.
func realSets(t *testing.T) (frontPhotos, sidePhotos []realPhoto) {
	t.Helper()
	testenv.CheckMatLeaks(t)
	root := testenv.Testdata(t)
	return loadRealSet(t, filepath.Join(root, "front-people"), true), loadRealSet(t, filepath.Join(root, "side-people"), false)
}

// detected keeps each photo's landmarks as taken across the harness's
// tests (they run one after another): the networks run once per photo.
var detected = map[string]landmarks{}

// detectAll runs the detector over every photo as taken.
func detectAll(t *testing.T, photos []realPhoto) {
	t.Helper()
	var todo []realPhoto
	for _, p := range photos {
		if _, ok := detected[p.path]; !ok {
			todo = append(todo, p)
		}
	}
	if len(todo) > 0 {
		for i, lm := range detectConditions(t, todo, conditions[:1])[0] {
			detected[todo[i].path] = lm
		}
	}
	for i := range photos {
		photos[i].lm = detected[photos[i].path]
	}
}

// evidenceOf judges lm with cls at a decision limit of 1, so the score
// gives the combined evidence that any limit can be applied to.
func evidenceOf(cls classifier, lm landmarks) (ev float64, uncertain bool, st posture.State) {
	v := cls.Classify(&lm)
	return v.Score + 1, v.State == posture.Uncertain || v.State == posture.Away, v.State
}

// unitLimits returns a classifier's thresholds with every decision limit
// at 1.
func unitLimits(cls classifier) classifier {
	cls.Thresholds.Evidence, cls.Thresholds.EvidenceUncalibrated, cls.Thresholds.SideEvidence = 1, 1, 1
	return cls
}

// The candidates of the uncalibrated fit: how much further the forward
// limit is widened without a calibration (0: the face-to-shoulder size is
// not used without one).
var uncalibratedForwardWidens = []float64{0}

// uncalibratedVariant is one candidate configuration of the uncalibrated
// detector: the forward widening (0: the face-to-shoulder size is not
// evidence) and the chin's widening (0: the chin over the shoulders is
// not evidence).
type uncalibratedVariant struct{ forward, chin float64 }

var uncalibratedVariants = func() []uncalibratedVariant {
	var out []uncalibratedVariant
	for _, fw := range uncalibratedForwardWidens {
		for _, ch := range []float64{0, 1.6} {
			out = append(out, uncalibratedVariant{fw, ch})
		}
	}
	return out
}()

func (u uncalibratedVariant) classifier() classifier {
	cls := unitLimits(newClassifier(front, nil, 0))
	cls.Thresholds.UncalibratedForwardWiden = u.forward
	cls.Thresholds.UncalibratedChin = u.chin
	return cls
}

// frontResult is everything the front set gives.
type frontResult struct {
	persons            []string
	calibrated         []Judged // the later good and the bad photos, against each person's calibration
	moderate           map[string][]Judged
	uncalibrated       []Candidate // every photo, per forward widening
	calFolds           []Fold
	uncalFolds         []Fold
	calFrames          map[string]int
	tired              []tiredRow
	calFitAll          float64 // the calibrated limit fitted on every person
	uncalFitAll        float64
	uncalFitAllVariant uncalibratedVariant
	uncalPersons       int // people in the uncalibrated fit (with the portraits)
}

func judgeFront(t *testing.T, photos, portraits []realPhoto) frontResult {
	t.Helper()
	r := frontResult{moderate: map[string][]Judged{}, calFrames: map[string]int{}}
	for _, u := range uncalibratedVariants {
		r.uncalibrated = append(r.uncalibrated, Candidate{Name: fmt.Sprintf("forward widen %g, chin %g", u.forward, u.chin)})
	}
	byPerson := map[string][]realPhoto{}
	calBaselines := map[string]*posture.Baseline{}
	for _, p := range photos {
		if _, ok := byPerson[p.person]; !ok {
			r.persons = append(r.persons, p.person)
		}
		byPerson[p.person] = append(byPerson[p.person], p)
	}
	for _, person := range r.persons {
		ps := byPerson[person]
		b, inCal := calibrateOnEarlyGood(t, person, ps)
		nCal := len(inCal)
		r.calFrames[person] = nCal
		calBaselines[person] = b
		cal := unitLimits(newClassifier(front, b, 0))
		for i, p := range ps {
			for ci, uv := range uncalibratedVariants {
				ev, u, _ := evidenceOf(uv.classifier(), p.lm)
				if p.label != "moderate" {
					r.uncalibrated[ci].Judged = append(r.uncalibrated[ci].Judged, Judged{person, p.label == "bad", ev, u})
				}
			}
			if inCal[i] {
				continue
			}
			ev, u, _ := evidenceOf(cal, p.lm)
			j := Judged{person, p.label == "bad", ev, u}
			if p.label == "moderate" {
				r.moderate[person] = append(r.moderate[person], j)
				continue
			}
			r.calibrated = append(r.calibrated, j)
		}
	}
	// Without calibration, the upright portraits of four more people
	// (frontal/) count as people with good photos only: more faces and
	// bodies for the false-alarm budget, which holds for each person.
	uncalPersons := append([]string(nil), r.persons...)
	for _, p := range portraits {
		uncalPersons = append(uncalPersons, p.person)
		for ci, uv := range uncalibratedVariants {
			ev, u, _ := evidenceOf(uv.classifier(), p.lm)
			r.uncalibrated[ci].Judged = append(r.uncalibrated[ci].Judged, Judged{p.person, false, ev, u})
		}
	}
	r.calFolds = LeaveOnePersonOut([]Candidate{{"calibrated", r.calibrated}}, r.persons, MaxBalanced)
	for _, f := range r.calFolds {
		var later, bad []realPhoto
		goodSeen := 0
		for _, p := range byPerson[f.Person] {
			switch p.label {
			case "good":
				if goodSeen >= r.calFrames[f.Person] {
					later = append(later, p)
				}
				goodSeen++
			case "bad":
				bad = append(bad, p)
			}
		}
		if len(bad) >= minTiredPhotos {
			r.tired = append(r.tired, judgeTired(t, f.Person, calBaselines[f.Person], later, bad, f.Limit))
		}
	}
	r.uncalFolds = LeaveOnePersonOut(r.uncalibrated, uncalPersons, MaxCaughtWithin(uncalibratedGoodBudget))
	all := map[string]bool{}
	for _, p := range uncalPersons {
		all[p] = true
	}
	_, r.calFitAll = Fit([]Candidate{{"calibrated", r.calibrated}}, all, MaxBalanced)
	r.uncalPersons = len(uncalPersons)
	ci, l := Fit(r.uncalibrated, all, MaxCaughtWithin(uncalibratedGoodBudget))
	r.uncalFitAll, r.uncalFitAllVariant = l, uncalibratedVariants[ci]
	return r
}

// calibrateOnEarlyGood calibrates on the first half of a person's good
// photos (ps in capture order), as a user sits upright for `neckwatch
// calibrate` before working, and says which photos it used.
func calibrateOnEarlyGood(t *testing.T, person string, ps []realPhoto) (*posture.Baseline, map[int]bool) {
	t.Helper()
	var goods []int
	for i, p := range ps {
		if p.label == "good" {
			goods = append(goods, i)
		}
	}
	nCal := len(goods) / 2
	var calLM []landmarks
	inCal := map[int]bool{}
	for _, i := range goods[:nCal] {
		calLM = append(calLM, ps[i].lm)
		inCal[i] = true
	}
	b, err := calibrate(calLM, 0)
	if err != nil {
		t.Fatalf("%s: calibration on %d good photos: %v", person, nCal, err)
	}
	return b, inCal
}

// tiredRow is one person judged with and without the tired-posture step
// on the same photos: the later good ones and the bad ones after those
// the step was taken from.
type tiredRow struct {
	person       string
	tiredFrames  int
	err          error
	limit        float64
	plain, tired Confusion
}

// judgeTired takes the tired-posture step from the first third of each
// person's bad photos (at least minTiredPhotos of them) and judges the
// rest at the decision limit fitted without that person.
func judgeTired(t *testing.T, person string, b *posture.Baseline, later []realPhoto, bad []realPhoto, limit float64) tiredRow {
	t.Helper()
	row := tiredRow{person: person, limit: limit}
	n := len(bad) / 3
	var lm []landmarks
	for _, p := range bad[:n] {
		lm = append(lm, p.lm)
	}
	row.tiredFrames = n
	withTired := *b
	if row.err = addTired(&withTired, lm); row.err != nil {
		return row
	}
	plain, aware := newClassifier(front, b, 0), newClassifier(front, &withTired, 0)
	plain.Thresholds.Evidence, aware.Thresholds.Evidence = limit, limit
	judgeAll := func(cls classifier, ps []realPhoto) []Judged {
		var out []Judged
		for _, p := range ps {
			ev, u, _ := evidenceOf(cls, p.lm)
			out = append(out, Judged{person, p.label == "bad", ev, u})
		}
		return out
	}
	rest := append(append([]realPhoto(nil), later...), bad[n:]...)
	row.plain = Tally(judgeAll(plain, rest), 1)
	row.tired = Tally(judgeAll(aware, rest), 1)
	return row
}

// minTiredPhotos is the fewest bad photos a person needs for the
// tired-posture measurement (a third of them for the step, the rest judged).
const minTiredPhotos = 6

// uncalibratedGoodBudget is the share of good photos the uncalibrated
// fit may flag (the day-one target).
const uncalibratedGoodBudget = 0.10

// sideResult is the side set judged as it is (no calibration, no fit).
type sideResult struct {
	judged []Judged
	states map[string]map[posture.State]int
}

func judgeSide(photos []realPhoto) sideResult {
	r := sideResult{states: map[string]map[posture.State]int{"good": {}, "bad": {}}}
	cls := unitLimits(newClassifier(side, nil, 0))
	for _, p := range photos {
		ev, u, st := evidenceOf(cls, p.lm)
		r.judged = append(r.judged, Judged{"", p.label == "bad", ev, u})
		r.states[p.label][st]++
	}
	return r
}

func pct(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", 100*v)
}

func f3(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%.3f", v)
}

// realReport is the Markdown of the real-photo figures.
func realReport(fr frontResult, sr sideResult, sideAUCLo, sideAUCHi float64) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	ba := func(c Confusion) float64 { return c.Balanced() }
	w("### Real people, front camera (front-people: %d people at laptop webcams)\n\n", len(fr.persons))
	w("Calibrated on the first half of each person's good photos (by capture time), judged on the rest; the decision limit of each row fitted on the other people (leave-one-person-out, best balanced accuracy). Moderate photos are not in the balanced accuracy; their flagged share is shown.\n\n")
	w("| person | calibration photos | limit (fitted on the others) | good flagged | bad flagged | balanced accuracy | AUC (own) | moderate flagged |\n|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, f := range fr.calFolds {
		mod := Tally(fr.moderate[f.Person], f.Limit)
		modShare := ratio(mod.FP, mod.FP+mod.TN)
		w("| %s | %d | %.2f | %s (%d/%d) | %s (%d/%d) | %s | %s | %s |\n", f.Person, fr.calFrames[f.Person], f.Limit,
			pct(f.Confusion.FPR()), f.Confusion.FP, f.Confusion.FP+f.Confusion.TN,
			pct(f.Confusion.TPR()), f.Confusion.TP, f.Confusion.TP+f.Confusion.FN,
			f3(f.Confusion.Balanced()), f3(f.AUC), pct(modShare))
	}
	pc := Pooled(fr.calFolds)
	lo, hi := BootstrapPeople(fr.calFolds, ba, 0.95, 4000, 1)
	w("| **pooled** | | | %s | %s | **%s** (95%% CI over people %s–%s) | %s | |\n\n", pct(pc.FPR()), pct(pc.TPR()), f3(pc.Balanced()), f3(lo), f3(hi), f3(JudgedAUC(fr.calibrated)))
	w("Shipped calibrated limit %.2f; fitted on all %d people: %.2f.\n\n", posture.EvidenceDefault, len(fr.persons), fr.calFitAll)

	w("With the optional tired-posture step (`calibrate --tired`), taken from the first third of the person's bad photos and judged on the rest at the limit fitted without them (people with at least %d bad photos); the same photos without the step for comparison:\n\n", minTiredPhotos)
	w("| person | tired-posture photos | without the step: good / bad flagged, BA | with it: good / bad flagged, BA |\n|---|---:|---|---|\n")
	for _, row := range fr.tired {
		if row.err != nil {
			w("| %s | %d | step refused: %v | |\n", row.person, row.tiredFrames, row.err)
			continue
		}
		w("| %s | %d | %s / %s, %s | %s / %s, **%s** |\n", row.person, row.tiredFrames, pct(row.plain.FPR()), pct(row.plain.TPR()), f3(row.plain.Balanced()), pct(row.tired.FPR()), pct(row.tired.TPR()), f3(row.tired.Balanced()))
	}
	w("\n")

	w("Without calibration (day one), every photo, and the four upright portraits of other people (frontal/, good only); the limit of each row fitted on the other people: most bad photos caught with no person's good photos flagged more than %.0f%% of the time.\n\n", 100*uncalibratedGoodBudget)
	w("| person | fitted on the others | good flagged | bad flagged | balanced accuracy | AUC (own) | uncertain |\n|---|---|---:|---:|---:|---:|---:|\n")
	for _, f := range fr.uncalFolds {
		w("| %s | %s, limit %.2f | %s (%d/%d) | %s (%d/%d) | %s | %s | %d of %d |\n", f.Person, f.Candidate, f.Limit,
			pct(f.Confusion.FPR()), f.Confusion.FP, f.Confusion.FP+f.Confusion.TN,
			pct(f.Confusion.TPR()), f.Confusion.TP, f.Confusion.TP+f.Confusion.FN,
			f3(f.Confusion.Balanced()), f3(f.AUC), f.Uncertain, f.N)
	}
	pu := Pooled(fr.uncalFolds)
	ulo, uhi := BootstrapPeople(fr.uncalFolds, func(c Confusion) float64 { return c.FPR() }, 0.95, 4000, 1)
	w("| **pooled** | | **%s** (95%% CI over people %s–%s) | **%s** | %s | | |\n\n", pct(pu.FPR()), pct(ulo), pct(uhi), pct(pu.TPR()), f3(pu.Balanced()))
	w("Shipped: forward widening %g, chin %g, limit %.2f; fitted on all %d people: %g, %g, %.2f.\n\n", posture.UncalibratedForwardWidenDefault, posture.UncalibratedChinDefault, posture.EvidenceUncalibratedDefault, fr.uncalPersons, fr.uncalFitAllVariant.forward, fr.uncalFitAllVariant.chin, fr.uncalFitAll)

	var sg, sb []bool
	for _, j := range sr.judged {
		if j.Bad {
			sb = append(sb, j.Flagged(posture.SideEvidenceDefault))
		} else {
			sg = append(sg, j.Flagged(posture.SideEvidenceDefault))
		}
	}
	w("### Real people, side camera (side-people: %d photos, about nine people, no calibration)\n\n", len(sr.judged))
	w("Judged by the published side-view limits (ear-shoulder line 50°, torso 15°, head flexion 22°) at the shipped limit %.2f: nothing is fitted on these photos. The set has no person labels, so the interval is bootstrapped over photos, not people.\n\n", posture.SideEvidenceDefault)
	w("| AUC | good flagged | bad flagged | states (good) | states (bad) |\n|---:|---:|---:|---|---|\n")
	w("| **%s** (95%% CI %s–%s) | %s (%d) | %s (%d) | %s | %s |\n\n", f3(JudgedAUC(sr.judged)), f3(sideAUCLo), f3(sideAUCHi), pct(Share(sg)), len(sg), pct(Share(sb)), len(sb), stateCounts(sr.states["good"]), stateCounts(sr.states["bad"]))
	return b.String()
}

func stateCounts(m map[posture.State]int) string {
	var parts []string
	for _, s := range posture.States {
		if m[s] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", s, m[s]))
		}
	}
	return strings.Join(parts, ", ")
}

// bootstrapPhotosAUC is a percentile interval of the AUC over photos
// resampled with replacement (for the side set, which has no persons).
func bootstrapPhotosAUC(js []Judged, n int) (lo, hi float64) {
	return Bootstrap(len(js), n, 0.95, 1, func(pick []int) float64 {
		sample := make([]Judged, len(pick))
		for k, i := range pick {
			sample[k] = js[i]
		}
		return JudgedAUC(sample)
	})
}

// CI guards: floors just under today's real-photo figures (a guard
// against regressions, not a claim) and the targets, asserted
// with NECKWATCH_EVAL_ENFORCE=1.
var realTargets = []struct {
	name          string
	get           func(frontResult, sideResult) float64
	guard, target float64
	atMost        bool
}{
	{"front calibrated balanced accuracy (leave-one-person-out, pooled)", func(f frontResult, _ sideResult) float64 { return Pooled(f.calFolds).Balanced() }, 0.85, 0.90, false},
	{"front uncalibrated good flagged (leave-one-person-out, pooled)", func(f frontResult, _ sideResult) float64 { return Pooled(f.uncalFolds).FPR() }, 0.12, 0.10, true},
	{"front uncalibrated bad flagged (leave-one-person-out, pooled)", func(f frontResult, _ sideResult) float64 { return Pooled(f.uncalFolds).TPR() }, 0.50, 0.60, false},
	{"side AUC", func(_ frontResult, s sideResult) float64 { return JudgedAUC(s.judged) }, 0.74, 0.90, false},
}

func TestEvalRealPeople(t *testing.T) {
	if testing.Short() {
		t.Skip("the real-photo harness takes about a minute; run it with `make eval`")
	}
	frontPhotos, sidePhotos := realSets(t)
	portraits := loadRealSet(t, filepath.Join(testenv.Testdata(t), "frontal"), false)
	for i := range portraits {
		portraits[i].person = "portrait " + strings.TrimSuffix(filepath.Base(portraits[i].path), filepath.Ext(portraits[i].path))
		portraits[i].label = "good"
	}
	all := append(append(append([]realPhoto(nil), frontPhotos...), sidePhotos...), portraits...)
	detectAll(t, all)
	copy(frontPhotos, all[:len(frontPhotos)])
	copy(sidePhotos, all[len(frontPhotos):len(frontPhotos)+len(sidePhotos)])
	copy(portraits, all[len(frontPhotos)+len(sidePhotos):])

	fr := judgeFront(t, frontPhotos, portraits)
	sr := judgeSide(sidePhotos)
	lo, hi := bootstrapPhotosAUC(sr.judged, 2000)
	md := realReport(fr, sr, lo, hi)
	t.Log("\n" + md)
	if out := os.Getenv("NECKWATCH_EVAL_REAL_OUT"); out != "" {
		if err := atomicfile.Write(out, []byte(md), 0o644, 0o755); err != nil {
			t.Error(err)
		}
	}

	// The shipped limits are the ones the leave-one-person-out fit
	// chooses: each lies within the range the folds chose.
	shipped := []struct {
		name  string
		value float64
		folds []Fold
	}{
		{"calibrated evidence limit", posture.EvidenceDefault, fr.calFolds},
		{"uncalibrated evidence limit", posture.EvidenceUncalibratedDefault, fr.uncalFolds},
	}
	for _, s := range shipped {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, f := range s.folds {
			lo, hi = math.Min(lo, f.Limit), math.Max(hi, f.Limit)
		}
		if s.value < lo-0.05 || s.value > hi+0.05 {
			t.Errorf("shipped %s %.2f lies outside the leave-one-person-out fits %.2f–%.2f: refit it", s.name, s.value, lo, hi)
		}
	}

	enforce := os.Getenv("NECKWATCH_EVAL_ENFORCE") == "1"
	for _, tg := range realTargets {
		v := tg.get(fr, sr)
		pass := func(limit float64) bool {
			if tg.atMost {
				return v <= limit
			}
			return v >= limit
		}
		if !pass(tg.guard) {
			t.Errorf("%s: %.3f, beyond the CI guard %.2f", tg.name, v, tg.guard)
		}
		if !pass(tg.target) {
			msg := fmt.Sprintf("%s: %.3f, target %.2f", tg.name, v, tg.target)
			if enforce {
				t.Error(msg)
			} else {
				t.Log("missed (not enforced; NECKWATCH_EVAL_ENFORCE=1 asserts it): " + msg)
			}
		}
	}
}
