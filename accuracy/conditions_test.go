package accuracy

// The camera-condition half of the harness: what no real photo set can
// cover, the same real people at other resolutions and in other light.
// The postures stay real (the front-people and side-people photos); only
// the camera changes, synthetically: a smaller frame, a dim evening lamp,
// a window behind. Calibrations are taken from the photos as they are
// (daylight, full size) and judge every condition, the way a user
// calibrates once and then works into the evening. Nothing is fitted
// here: the limits are the shipped ones, chosen by leave-one-person-out on
// the photos as they are (real_test.go).
//
// What it does not show: head movements (the postures are the sitters'
// own; no head is warped), cameras turned to the side (a 2D warp of a
// photo sees no one from another angle), harmless look-alikes (a glance
// at the keyboard, a phone, a hand on the chin): these need real footage.

import (
	"fmt"
	"image"
	"math"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"

	"gocv.io/x/gocv"

	"github.com/neckwatch/neckwatch/internal/atomicfile"
	"github.com/neckwatch/neckwatch/internal/stats"
	"github.com/neckwatch/neckwatch/synthetic"
)

// condition is one way the camera sees the scene.
type condition struct {
	name, desc string
	apply      func(src gocv.Mat, dst *gocv.Mat) error
	sigma      float64 // sensor noise added after it (seeded)
}

func copyFrame(src gocv.Mat, dst *gocv.Mat) error { src.CopyTo(dst); return nil }

// toHeight resizes to h rows, keeping the aspect ratio, as another
// camera mode in the product's 480p-1080p range would: area averaging
// down, cubic up (a 480p photo at 720p gains no detail, only pixels: it
// checks that nothing depends on the pixel size).
func toHeight(h int) func(gocv.Mat, *gocv.Mat) error {
	return func(src gocv.Mat, dst *gocv.Mat) error {
		k := float64(h) / float64(src.Rows())
		interp := gocv.InterpolationArea
		if k > 1 {
			interp = gocv.InterpolationCubic
		}
		gocv.Resize(src, dst, image.Pt(int(math.Round(float64(src.Cols())*k)), h), 0, 0, interp)
		return nil
	}
}

func dim(gain, gamma float64) func(gocv.Mat, *gocv.Mat) error {
	return func(src gocv.Mat, dst *gocv.Mat) error { return synthetic.Dim(src, dst, gain, gamma) }
}

const noiseSigma = 3

var conditions = []condition{
	{"as taken", "the photo as it is (no noise added)", copyFrame, 0},
	{"720p", "resized to 720 rows (1920x1080 → 1280x720, 640x480 → 960x720)", toHeight(720), noiseSigma},
	{"540p", "resized to 540 rows (1920x1080 → 960x540, 640x480 → 720x540)", toHeight(540), noiseSigma},
	{"480p", "resized to 480 rows (1920x1080 → 853x480, 640x480 as taken, with noise)", toHeight(480), noiseSigma},
	{"dim", "an evening lamp: gain 0.35, gamma 1.6", dim(0.35, 1.6), noiseSigma},
	{"very dim", "gain 0.2, gamma 2.0, sensor noise sigma 5", dim(0.2, 2.0), 5},
	{"backlit", "a window behind: subject x0.5, glow 0.85", func(src gocv.Mat, dst *gocv.Mat) error { return synthetic.Backlight(src, dst, 0.5, 0.85) }, noiseSigma},
}

// seedFor gives every noisy frame its own reproducible noise (OpenCV's
// seed takes 31 bits).
func seedFor(photo, cond int) int { return (photo*64 + cond) % (1 << 31) }

// detectConditions detects every photo under every condition; lms[c][i]
// is photo i under condition c.
func detectConditions(t *testing.T, photos []realPhoto, conds []condition) [][]landmarks {
	t.Helper()
	lms := make([][]landmarks, len(conds))
	for c := range lms {
		lms[c] = make([]landmarks, len(photos))
	}
	workers := min(runtime.NumCPU(), 4)
	singleThreaded(t)
	type job struct{ photo int }
	jobs := make(chan job)
	errs := make([]error, len(photos))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		det := newDetector(t)
		wg.Add(1)
		go func() {
			defer wg.Done()
			native, cond, noisy := gocv.NewMat(), gocv.NewMat(), gocv.NewMat()
			defer native.Close()
			defer cond.Close()
			defer noisy.Close()
			for j := range jobs {
				if errs[j.photo] = openImage(photos[j.photo].path, &native); errs[j.photo] != nil {
					continue
				}
				for ci, c := range conds {
					if err := c.apply(native, &cond); err != nil {
						errs[j.photo] = fmt.Errorf("%s: %w", c.name, err)
						break
					}
					in := cond
					if c.sigma > 0 {
						if err := synthetic.Noise(cond, &noisy, c.sigma, seedFor(j.photo, ci)); err != nil {
							errs[j.photo] = err
							break
						}
						in = noisy
					}
					lm, err := det.detect(in)
					if err != nil {
						errs[j.photo] = fmt.Errorf("%s: %w", c.name, err)
						break
					}
					lms[ci][j.photo] = lm
				}
			}
		}()
	}
	for i := range photos {
		jobs <- job{i}
	}
	close(jobs)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("%s: %v", photos[i].path, err)
		}
	}
	return lms
}

// conditionRow is one condition's figures at the shipped limits.
type conditionRow struct {
	name                   string
	cal, uncal             Confusion
	calUncertain, calN     int
	sideAUC                float64
	sideGood, sideBad      Confusion
	hasSide                bool
	calBadDiff, uncBadDiff float64 // points from "as taken"
}

func TestEvalConditions(t *testing.T) {
	if testing.Short() {
		t.Skip("the camera-condition harness takes a minute or two; run it with `make eval`")
	}
	frontPh, sidePh := realSets(t)
	frontLM := detectConditions(t, frontPh, conditions)
	sideConds := []condition{conditions[0], conditions[3], conditions[4]} // as taken, 480p, dim
	sideLM := detectConditions(t, sidePh, append(sideConds, mirrored))
	retest := sideRetest(sidePh, sideLM[0], sideLM[len(sideConds)])

	// Each person's calibration, from the photos as taken.
	calOf := map[string]classifier{}
	inCal := map[int]bool{}
	byPerson := map[string][]int{}
	for i, p := range frontPh {
		byPerson[p.person] = append(byPerson[p.person], i)
	}
	for person, idx := range byPerson {
		var goods []int
		for _, i := range idx {
			if frontPh[i].label == "good" {
				goods = append(goods, i)
			}
		}
		var cal []landmarks
		for _, i := range goods[:len(goods)/2] {
			cal = append(cal, frontLM[0][i])
			inCal[i] = true
		}
		b, err := calibrate(cal, 0)
		if err != nil {
			t.Fatalf("%s: %v", person, err)
		}
		calOf[person] = newClassifier(front, b, 0)
	}
	uncal := newClassifier(front, nil, 0)
	sideCls := newClassifier(side, nil, 0)

	var rows []conditionRow
	for ci, c := range conditions {
		r := conditionRow{name: c.name}
		for i, p := range frontPh {
			if p.label == "moderate" {
				continue
			}
			isBad := p.label == "bad"
			u := judge(uncal, frontLM[ci][i])
			r.uncal.Add(isBad, u.flagged)
			if inCal[i] {
				continue
			}
			o := judge(calOf[p.person], frontLM[ci][i])
			r.cal.Add(isBad, o.flagged)
			r.calN++
			if o.uncertain {
				r.calUncertain++
			}
		}
		for si, sc := range sideConds {
			if sc.name != c.name {
				continue
			}
			r.hasSide = true
			var js []Judged
			for i, p := range sidePh {
				o := judge(sideCls, sideLM[si][i])
				js = append(js, Judged{Bad: p.label == "bad", Evidence: o.severity, Uncertain: o.uncertain})
				if p.label == "bad" {
					r.sideBad.Add(true, o.flagged)
				} else {
					r.sideGood.Add(false, o.flagged)
				}
			}
			r.sideAUC = JudgedAUC(js)
		}
		rows = append(rows, r)
	}
	for i := range rows {
		rows[i].calBadDiff = 100 * (rows[i].cal.TPR() - rows[0].cal.TPR())
		rows[i].uncBadDiff = 100 * (rows[i].uncal.TPR() - rows[0].uncal.TPR())
	}

	md := conditionsReport(rows, sideConds) + retest.report()
	t.Log("\n" + md)
	if out := os.Getenv("NECKWATCH_EVAL_OUT"); out != "" {
		if err := atomicfile.Write(out, []byte(md), 0o644, 0o755); err != nil {
			t.Error(err)
		}
	}

	// CI guards: today's figures with a little room (a guard against
	// regressions, not a claim); the invariance target (bad
	// flagged within 10 points of the photos as taken) asserted with
	// NECKWATCH_EVAL_ENFORCE=1.
	enforce := os.Getenv("NECKWATCH_EVAL_ENFORCE") == "1"
	for _, r := range rows {
		g, ok := conditionGuards[r.name]
		if !ok {
			t.Errorf("%s: no CI guard", r.name)
			continue
		}
		if v := r.cal.FPR(); !(v <= g.goodFlagged) {
			t.Errorf("%s: calibrated good photos flagged %s, beyond the CI guard %s", r.name, pct(v), pct(g.goodFlagged))
		}
		if v := r.cal.Balanced(); !(v >= g.balanced) {
			t.Errorf("%s: calibrated balanced accuracy %s, below the CI guard %.2f", r.name, f3(v), g.balanced)
		}
		if d := math.Abs(r.calBadDiff); d > 10 {
			msg := fmt.Sprintf("%s: calibrated bad flagged %.1f points from the photos as taken, target within 10", r.name, d)
			if enforce {
				t.Error(msg)
			} else {
				t.Log("missed (not enforced; NECKWATCH_EVAL_ENFORCE=1 asserts it): " + msg)
			}
		}
	}
}

// The CI guards of the condition harness, per condition: calibrated good
// photos flagged at most, calibrated balanced accuracy at least. Very dim
// is today's weak spot (12.8% of good photos flagged): guarded, not
// claimed.
var conditionGuards = map[string]struct{ goodFlagged, balanced float64 }{
	"as taken": {0.06, 0.85}, "720p": {0.06, 0.85}, "540p": {0.06, 0.85}, "480p": {0.06, 0.85},
	"dim": {0.06, 0.80}, "very dim": {0.18, 0.50}, "backlit": {0.08, 0.82},
}

func conditionsReport(rows []conditionRow, sideConds []condition) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("### The same real people under other camera conditions (synthetic)\n\n")
	w("Every front-people photo judged under each condition against its person's calibration from the photos as taken, at the shipped limits (nothing fitted here); moderate photos left out. \"Bad flagged, change\" is the difference in points from the photos as taken: the invariance to resolution and light. Side-people judged as taken, at 480p and dimmed.\n\n")
	w("| condition | calibrated: good flagged | bad flagged | balanced acc. | bad flagged, change | uncertain | uncalibrated: good flagged | bad flagged | side AUC | side good / bad flagged |\n")
	w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rows {
		side := "| |"
		if r.hasSide {
			side = fmt.Sprintf("%s | %s / %s |", f3(r.sideAUC), pct(r.sideGood.FPR()), pct(r.sideBad.TPR()))
		}
		w("| %s | %s | %s | %s | %+.1f | %d of %d | %s | %s | %s\n", r.name, pct(r.cal.FPR()), pct(r.cal.TPR()), f3(r.cal.Balanced()), r.calBadDiff, r.calUncertain, r.calN, pct(r.uncal.FPR()), pct(r.uncal.TPR()), side)
	}
	w("\nConditions: ")
	for i, c := range conditions {
		if i > 0 {
			w("; ")
		}
		w("%s: %s", c.name, c.desc)
	}
	w(". Noise is seeded per photo and condition.\n\n")
	return b.String()
}

// mirrored is the photo flipped left to right: the same posture, seen by
// a camera on the other side. The side view's angles are read in the
// direction the person faces, so the body network should find the same
// posture in both; what it does not is its own error (sideRetest).
var mirrored = condition{"mirrored", "flipped left to right", func(src gocv.Mat, dst *gocv.Mat) error { gocv.Flip(src, dst, 1); return nil }, 0}

// retest is the body network's test-retest on the side photos: each photo
// and its mirror image, the same posture twice.
type retest struct {
	neckDiff, flexionDiff   []float64 // per photo, degrees
	neckGap, flexionGap     float64   // how far the bad photos' median lies from the good ones', towards a forward head
	neckSpread, flexSpread  float64   // the photos' own spread within a label (robust SD, mean of the two), degrees
	auc, mirroredAUC        float64
	neckUsable, photosCount int
}

func sideRetest(photos []realPhoto, asTaken, flipped []landmarks) retest {
	var r retest
	r.photosCount = len(photos)
	sideCls := newClassifier(side, nil, 0)
	var js, jm []Judged
	neck := map[string][]float64{}
	flex := map[string][]float64{}
	for i, p := range photos {
		a, m := sideAnglesOf(asTaken[i]), sideAnglesOf(flipped[i])
		if a.neckOK {
			neck[p.label] = append(neck[p.label], a.neck)
			r.neckUsable++
		}
		if a.flexionOK {
			flex[p.label] = append(flex[p.label], a.flexion)
		}
		if a.neckOK && m.neckOK {
			r.neckDiff = append(r.neckDiff, math.Abs(a.neck-m.neck))
		}
		if a.flexionOK && m.flexionOK {
			r.flexionDiff = append(r.flexionDiff, math.Abs(a.flexion-m.flexion))
		}
		for _, x := range []struct {
			lm  landmarks
			out *[]Judged
		}{{asTaken[i], &js}, {flipped[i], &jm}} {
			o := judge(sideCls, x.lm)
			*x.out = append(*x.out, Judged{Bad: p.label == "bad", Evidence: o.severity, Uncertain: o.uncertain})
		}
	}
	r.auc, r.mirroredAUC = JudgedAUC(js), JudgedAUC(jm)
	// The neck angle falls with a forward head, the flexion rises.
	r.neckGap = stats.Median(neck["good"]) - stats.Median(neck["bad"])
	r.flexionGap = stats.Median(flex["bad"]) - stats.Median(flex["good"])
	r.neckSpread = (stats.RobustSpread(neck["good"]) + stats.RobustSpread(neck["bad"])) / 2
	r.flexSpread = (stats.RobustSpread(flex["good"]) + stats.RobustSpread(flex["bad"])) / 2
	return r
}

func (r retest) report() string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("### The body network's test-retest (side-people, each photo and its mirror image)\n\n")
	w("The same posture twice: the side view's angles are read in the direction the person faces, so they should agree.\n\n")
	w("| angle | photo vs mirror, median difference | 90th percentile | good–bad gap (medians, as taken) | spread within a label (robust SD) | photos |\n|---|---:|---:|---:|---:|---:|\n")
	w("| ear–shoulder line | %.1f° | %.1f° | %.1f° | %.1f° | %d |\n", stats.Median(r.neckDiff), stats.Quantile(r.neckDiff, 0.9), r.neckGap, r.neckSpread, len(r.neckDiff))
	w("| head flexion | %.1f° | %.1f° | %.1f° | %.1f° | %d |\n\n", stats.Median(r.flexionDiff), stats.Quantile(r.flexionDiff, 0.9), r.flexionGap, r.flexSpread, len(r.flexionDiff))
	w("Side AUC as taken %s, mirrored %s.\n\n", f3(r.auc), f3(r.mirroredAUC))
	return b.String()
}
