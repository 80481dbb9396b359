package accuracy

// The accuracy harness (`make eval`): the detector on every labelled photo
// and on synthetic sequences with known ground truth, made from four
// different people, under several camera conditions. It prints one row
// per condition (AUC, balanced accuracy, shares flagged), the invariance
// figures and the targets; NECKWATCH_EVAL_OUT=FILE also writes the
// report as Markdown. Every target has a CI guard that is always asserted:
// the figure where the detector meets it with room for the noise
// seed, a floor just under today's figure where it does not (a guard
// against regressions, not a claim). NECKWATCH_EVAL_ENFORCE=1 asserts the
// issue's figures themselves.

import (
	"fmt"
	"image"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"github.com/neckwatch/neckwatch/internal/atomicfile"
	"github.com/neckwatch/neckwatch/internal/testenv"
	"github.com/neckwatch/neckwatch/synthetic"
)

// The people the synthetic sequences are made from: every frontal test
// photo, the crew photo cropped to its middle astronaut's upper body.
var people = []struct {
	name, photo string
	crop        image.Rectangle // empty: the whole photo
	path        string          // found at the start of the test
}{
	{"desk webcam", "frontal/gocv_face.jpg", image.Rectangle{}, ""},
	{"Grace Hopper", "frontal/grace_hopper.jpg", image.Rectangle{}, ""},
	{"astronaut", "frontal/skimage_astronaut.png", image.Rectangle{}, ""},
	{"Apollo 11 (middle)", "frontal/apollo11_crew.jpg", image.Rect(180, 40, 420, 471), ""},
}

type label int

const (
	excluded label = iota // between good and bad: left out of AUC and BA
	good
	bad
)

// step is one rendered head posture of a sequence.
type step struct {
	seq    string  // rest, forward, drop, tilt
	amount float64 // forward: HeadMotion.Scale; drop: face heights; tilt: degrees
}

// The ramps, denser near the good/bad limits than a linear ramp would be.
// A mild chin poke (2-3 cm at ~55 cm) is Scale 1.05-1.06.
var (
	forwardScales = []float64{1.01, 1.02, 1.035, 1.05, 1.06, 1.08, 1.10, 1.15, 1.20, 1.25, 1.35}
	dropHeights   = []float64{0.025, 0.05, 0.15, 0.3, 0.4, 0.5, 0.6, 0.75, 0.9}
	tiltDegrees   = []float64{1.5, 3, 8, 15, 18, 22, 26, 30}
)

func steps() []step {
	out := []step{{"rest", 0}}
	for _, s := range forwardScales {
		out = append(out, step{"forward", s})
	}
	for _, d := range dropHeights {
		out = append(out, step{"drop", d})
	}
	for _, r := range tiltDegrees {
		out = append(out, step{"tilt", r})
	}
	return out
}

// labelOf is the ground truth: good is rest and tiny motions, bad is a
// clear posture fault, the rest is excluded.
func labelOf(s step) label {
	switch s.seq {
	case "rest":
		return good
	case "forward":
		return pick(s.amount <= 1.02, s.amount >= 1.05)
	case "drop":
		return pick(s.amount <= 0.05, s.amount >= 0.3)
	case "tilt":
		return pick(s.amount <= 3, s.amount >= 15)
	}
	panic("unknown sequence " + s.seq)
}

func pick(isGood, isBad bool) label {
	switch {
	case isGood:
		return good
	case isBad:
		return bad
	}
	return excluded
}

func (s step) motion(faceH float64) synthetic.HeadMotion {
	m := synthetic.Rest
	switch s.seq {
	case "forward":
		m.Scale = s.amount
	case "drop":
		m.DropPx = s.amount * faceH
	case "tilt":
		m.RollDeg = s.amount
	}
	return m
}

// Noise and repetition: every rendered frame is judged in a few copies
// with independent sensor noise, so per-frame jitter counts.
const (
	noiseSigma   = 3
	copies       = 3 // noisy copies of each ramp frame
	restCopies   = 6 // of the rest frame (the upright share needs frames)
	calibCopies  = 8 // rest frames a calibration is built from (other noise)
	photoCopies  = 3 // noisy copies of each photo
	cameraHFOV   = 70.0
	wideZoom     = 0.4 // the scene the camera turns in, see conditions
	forwardHeavy = 1.15
)

// condition is one way the camera sees the scene.
type condition struct {
	name  string
	desc  string
	apply func(src gocv.Mat, dst *gocv.Mat) error
	sigma float64
	// calibrateAt names the condition whose rest frames calibrate this
	// one; empty for its own.
	calibrateAt string
	// hfov is the camera's horizontal field of view when it is not the
	// default 70°, given to the classifier as a user of such a camera
	// sets camera_hfov_deg: the centimetre figures need it.
	hfov float64
}

func copyFrame(src gocv.Mat, dst *gocv.Mat) error { src.CopyTo(dst); return nil }

func reframe(w, h int) func(gocv.Mat, *gocv.Mat) error {
	return func(src gocv.Mat, dst *gocv.Mat) error { return synthetic.Reframe(src, dst, w, h) }
}

func dim(gain, gamma float64) func(gocv.Mat, *gocv.Mat) error {
	return func(src gocv.Mat, dst *gocv.Mat) error { return synthetic.Dim(src, dst, gain, gamma) }
}

// turned is the camera turned about its optical centre. A 70° webcam
// turned 25-40° away would lose a person who fills its frame, so the
// turn happens in a wider view of the same scene (widened to 1/0.4 of the
// frame at the same pixel size, i.e. a ~121° lens on a larger sensor;
// surroundings filled by Widen) and the "wide" row is its unturned
// reference. The person keeps their pixel size: shrinking them instead
// made a face of 9 pixels between the eyes that no detector finds.
func turned(pan, tilt float64) func(gocv.Mat, *gocv.Mat) error {
	return func(src gocv.Mat, dst *gocv.Mat) error {
		if err := synthetic.Widen(src, dst, wideZoom); err != nil {
			return err
		}
		if pan == 0 && tilt == 0 {
			return nil
		}
		return synthetic.CameraRotate(*dst, dst, pan, tilt, synthetic.WiderHFOV(cameraHFOV, wideZoom))
	}
}

// wideHFOV is the field of view of the widened scene.
var wideHFOV = synthetic.WiderHFOV(cameraHFOV, wideZoom)

var conditions = []condition{
	{"native", "the photo's own size", copyFrame, noiseSigma, "", 0},
	{"1080p", "reframed to 1920x1080 (16:9, padded)", reframe(1920, 1080), noiseSigma, "", 0},
	{"720p", "1280x720, calibrated at 1080p", reframe(1280, 720), noiseSigma, "1080p", 0},
	{"540p", "960x540, calibrated at 1080p", reframe(960, 540), noiseSigma, "1080p", 0},
	{"dim", "gain 0.35, gamma 1.6", dim(0.35, 1.6), noiseSigma, "", 0},
	{"very dim", "gain 0.2, gamma 2.0, noise sigma 5", dim(0.2, 2.0), 5, "", 0},
	{"backlit", "subject x0.5, window glow 0.85", func(src gocv.Mat, dst *gocv.Mat) error { return synthetic.Backlight(src, dst, 0.5, 0.85) }, noiseSigma, "", 0},
	{"wide", "widened to 1/0.4 of the frame at the same pixel size (a ~121° view, given to the classifier as camera_hfov_deg), camera straight", turned(0, 0), noiseSigma, "", wideHFOV},
	{"pan +25°", "wide view, camera turned 25° right", turned(25, 0), noiseSigma, "", wideHFOV},
	{"pan -25°", "wide view, camera turned 25° left", turned(-25, 0), noiseSigma, "", wideHFOV},
	{"pan +40°", "wide view, camera turned 40° right", turned(40, 0), noiseSigma, "", wideHFOV},
	{"pan -40°", "wide view, camera turned 40° left", turned(-40, 0), noiseSigma, "", wideHFOV},
	{"tilt +15°", "wide view, camera turned 15° up", turned(0, 15), noiseSigma, "", wideHFOV},
	{"tilt -15°", "wide view, camera turned 15° down", turned(0, -15), noiseSigma, "", wideHFOV},
}

// The side photos with a label; reclined and kneeling are not labelled.
var sidePhotos = []struct {
	name string
	bad  bool
	path string // found at the start of the test
}{
	{"straight_armsfolded.jpg", false, ""},
	{"bench_feet_dangling.jpg", false, ""},
	{"hunchback_right.jpg", true, ""},
	{"hunchback_left.jpg", true, ""},
	{"desk_hunch.jpeg", true, ""},
	{"desk_lean_exif.jpeg", true, ""},
}

var sideConditions = []condition{
	{"side", "the photo's own size", copyFrame, noiseSigma, "", 0},
	{"side, half size", "halved", func(src gocv.Mat, dst *gocv.Mat) error {
		gocv.Resize(src, dst, image.Pt(src.Cols()/2, src.Rows()/2), 0, 0, gocv.InterpolationArea)
		return nil
	}, noiseSigma, "", 0},
	{"side, dim", "gain 0.35, gamma 1.6", dim(0.35, 1.6), noiseSigma, "", 0},
}

// sample is one judged frame.
type sample struct {
	person int
	step   step
	label  label
	lm     landmarks
	cal    outcome // against the condition's calibration
	uncal  outcome // against population figures
	calOK  bool    // the condition had a calibration
}

// seedFor gives every noisy frame its own reproducible noise: the base
// seed (NECKWATCH_TEST_SEED tries other noise) and the frame's indexes
// packed into the 31 bits OpenCV's seed takes.
func seedFor(base, person, cond, frame, copy int) int {
	if person >= 64 || cond >= 64 || frame >= 64 || copy >= 16 {
		panic(fmt.Sprintf("seedFor(%d, %d, %d, %d): index out of range", person, cond, frame, copy))
	}
	return (base%512)<<22 | person<<16 | cond<<10 | frame<<4 | copy
}

func baseSeed() int {
	if s, err := strconv.Atoi(os.Getenv("NECKWATCH_TEST_SEED")); err == nil {
		return s
	}
	return 1
}

// The design of the sequences: the labels follow the limits, the
// ramps cover both sides of them, and the noise seeds fit their packing.
func TestEvalDesign(t *testing.T) {
	cases := []struct {
		s    step
		want label
	}{
		{step{"rest", 0}, good},
		{step{"forward", 1.02}, good}, {step{"forward", 1.035}, excluded}, {step{"forward", 1.05}, bad},
		{step{"drop", 0.05}, good}, {step{"drop", 0.15}, excluded}, {step{"drop", 0.3}, bad},
		{step{"tilt", 3}, good}, {step{"tilt", 8}, excluded}, {step{"tilt", 15}, bad},
	}
	for _, tc := range cases {
		if got := labelOf(tc.s); got != tc.want {
			t.Errorf("%+v: label %d, want %d", tc.s, got, tc.want)
		}
	}
	count := map[string]map[label]int{}
	heavy := 0
	all := steps()
	for _, s := range all {
		if count[s.seq] == nil {
			count[s.seq] = map[label]int{}
		}
		count[s.seq][labelOf(s)]++
		if s.seq == "forward" && s.amount >= forwardHeavy {
			heavy++
		}
	}
	for _, seq := range []string{"forward", "drop", "tilt"} {
		if count[seq][good] < 2 || count[seq][bad] < 4 || count[seq][excluded] < 1 {
			t.Errorf("%s: %v good/excluded/bad steps, want tiny motions, a gap and a ramp of bad ones", seq, count[seq])
		}
	}
	if heavy < 3 {
		t.Errorf("%d forward steps at scale >= %.2f, want several", heavy, forwardHeavy)
	}
	if m := (step{"forward", 1.05}).motion(200); m.Scale != 1.05 || m.DropPx != 0 || m.RollDeg != 0 {
		t.Errorf("forward motion %+v", m)
	}
	if m := (step{"drop", 0.3}).motion(200); m.Scale != 1 || m.DropPx != 60 {
		t.Errorf("drop motion %+v, want 60 px for 0.3 of a 200 px face", m)
	}
	// The largest indexes the harness uses fit the packing, and differ.
	seen := map[int]bool{}
	for _, idx := range [][4]int{{0, 0, 0, 0}, {len(people) - 1, len(conditions) - 1, len(all) - 1, restCopies - 1}, {len(people) - 1, 63, 63, photoCopies - 1}, {40 + len(sidePhotos) - 1, len(sideConditions) - 1, 62, photoCopies - 1}} {
		sd := seedFor(7, idx[0], idx[1], idx[2], idx[3])
		if sd < 0 || sd >= 1<<31 || seen[sd] {
			t.Errorf("seed %d for %v: out of range or repeated", sd, idx)
		}
		seen[sd] = true
	}
}

// frames is one worker's scratch Mats.
type frames struct{ native, cond, noisy gocv.Mat }

func newFrames() *frames {
	return &frames{native: gocv.NewMat(), cond: gocv.NewMat(), noisy: gocv.NewMat()}
}

func (f *frames) Close() { f.native.Close(); f.cond.Close(); f.noisy.Close() }

// noisyDetect adds seeded noise to f.cond and detects.
func (f *frames) noisyDetect(det *detector, sigma float64, seed int) (landmarks, error) {
	if err := synthetic.Noise(f.cond, &f.noisy, sigma, seed); err != nil {
		return landmarks{}, err
	}
	return det.detect(f.noisy)
}

// photoResult is one person's photo judged as it is, without calibration.
type photoResult struct {
	flagged, n int
}

// personResult is everything detected for one person.
type personResult struct {
	photo      photoResult
	calib      [][]landmarks // per condition: the calibration frames
	samples    [][]sample    // per condition
	detections int
}

// runPerson renders one person's sequences under every condition and
// detects every frame. It runs on a worker goroutine: errors are returned,
// not reported.
func runPerson(det *detector, pi, base int) (res personResult, err error) {
	p := people[pi]
	f := newFrames()
	defer f.Close()
	uncalibrated := newClassifier(front, nil, 0)
	res.calib = make([][]landmarks, len(conditions))
	res.samples = make([][]sample, len(conditions))

	seed := gocv.NewMat()
	defer func() { seed.Close() }()
	if err := openImage(p.path, &seed); err != nil {
		return res, err
	}
	if !p.crop.Empty() {
		roi := seed.Region(p.crop)
		crop := roi.Clone()
		roi.Close()
		seed.Close()
		seed = crop
	}
	lm, err := det.detect(seed)
	if err != nil {
		return res, err
	}
	// The photo itself, uncalibrated: clean and with noise.
	res.photo.n = 1 + photoCopies
	if judge(uncalibrated, lm).flagged {
		res.photo.flagged++
	}
	seed.CopyTo(&f.cond)
	for k := 0; k < photoCopies; k++ {
		lm, err := f.noisyDetect(det, noiseSigma, seedFor(base, pi, 63, 63, k))
		if err != nil {
			return res, err
		}
		if judge(uncalibrated, lm).flagged {
			res.photo.flagged++
		}
	}
	res.detections += 1 + photoCopies

	gen, faceH, err := newGenerator(seed, lm)
	if err != nil {
		return res, err
	}
	defer gen.Close()
	// Calibration frames: the rest posture, with noise of its own.
	if err := gen.Render(synthetic.Rest, &f.native); err != nil {
		return res, err
	}
	for ci, c := range conditions {
		if c.calibrateAt != "" {
			continue
		}
		if err := c.apply(f.native, &f.cond); err != nil {
			return res, fmt.Errorf("%s: %w", c.name, err)
		}
		for k := 0; k < calibCopies; k++ {
			lm, err := f.noisyDetect(det, c.sigma, seedFor(base, pi, ci, 63, k))
			if err != nil {
				return res, err
			}
			res.calib[ci] = append(res.calib[ci], lm)
			res.detections++
		}
	}
	// The sequences: each posture rendered once, seen under every condition.
	for si, s := range steps() {
		if err := gen.Render(s.motion(faceH), &f.native); err != nil {
			return res, err
		}
		n := copies
		if s.seq == "rest" {
			n = restCopies
		}
		for ci, c := range conditions {
			if err := c.apply(f.native, &f.cond); err != nil {
				return res, fmt.Errorf("%s: %w", c.name, err)
			}
			for k := 0; k < n; k++ {
				lm, err := f.noisyDetect(det, c.sigma, seedFor(base, pi, ci, si, k))
				if err != nil {
					return res, err
				}
				res.samples[ci] = append(res.samples[ci], sample{person: pi, step: s, label: labelOf(s), lm: lm})
				res.detections++
			}
		}
	}
	return res, nil
}

func TestEval(t *testing.T) {
	if testing.Short() {
		t.Skip("the accuracy harness takes a minute or two; run it with `make eval`")
	}
	testenv.CheckMatLeaks(t)
	start := time.Now()
	base := baseSeed()
	for i := range people {
		people[i].path = testenv.Photo(t, people[i].photo)
	}
	for i := range sidePhotos {
		sidePhotos[i].path = testenv.Photo(t, "side/"+sidePhotos[i].name)
	}

	// One detector per core, each on one thread, working through the
	// people (and the side photos) in any order; the results are put
	// together in a fixed order, so they do not depend on the schedule.
	workers := min(runtime.NumCPU(), 4)
	singleThreaded(t)
	dets := make([]*detector, workers)
	for i := range dets {
		dets[i] = newDetector(t)
	}
	perPerson := make([]personResult, len(people))
	var sideSamples [][]sample
	sideDetections := 0
	errs := make([]error, len(people)+1)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for _, det := range dets {
		wg.Add(1)
		go func(det *detector) {
			defer wg.Done()
			for j := range jobs {
				if j == len(people) {
					sideSamples, sideDetections, errs[j] = runSide(det, base)
					continue
				}
				jobStart := time.Now()
				perPerson[j], errs[j] = runPerson(det, j, base)
				if errs[j] != nil {
					errs[j] = fmt.Errorf("%s: %w", people[j].name, errs[j])
				}
				t.Logf("%s: %d frames detected in %.0f s", people[j].name, perPerson[j].detections, time.Since(jobStart).Seconds())
			}
		}(det)
	}
	for j := 0; j <= len(people); j++ {
		jobs <- j
	}
	close(jobs)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}

	// Classify every detected frame twice: against the person's own
	// calibration in that condition (720p and 540p: at 1080p) and against
	// population figures.
	samples := make([][]sample, len(conditions))
	photos := make([]photoResult, len(people))
	detections := sideDetections
	for pi, pr := range perPerson {
		photos[pi] = pr.photo
		detections += pr.detections
		for ci := range conditions {
			samples[ci] = append(samples[ci], pr.samples[ci]...)
		}
	}
	var rows []row
	for ci, c := range conditions {
		at := ci
		if c.calibrateAt != "" {
			at = conditionIndex(t, c.calibrateAt)
		}
		uncalibrated := newClassifier(front, nil, c.hfov)
		classifiers := make([]classifier, len(people))
		var calErrs []string
		for pi, pr := range perPerson {
			b, err := calibrate(pr.calib[at], conditions[at].hfov)
			if err != nil {
				calErrs = append(calErrs, fmt.Sprintf("%s: %v", people[pi].name, err))
				continue
			}
			classifiers[pi] = newClassifier(front, b, c.hfov)
		}
		for i := range samples[ci] {
			s := &samples[ci][i]
			s.uncal = judge(uncalibrated, s.lm)
			if cls := classifiers[s.person]; cls != nil {
				s.cal, s.calOK = judge(cls, s.lm), true
			}
		}
		rows = append(rows, summarise(c.name, "yes", samples[ci], func(s sample) (outcome, bool) { return s.cal, s.calOK }, calErrs))
		rows = append(rows, summarise(c.name, "no", samples[ci], func(s sample) (outcome, bool) { return s.uncal, true }, nil))
	}
	sideCls := newClassifier(side, nil, 0)
	var sideRows []row
	for ci, c := range sideConditions {
		for i := range sideSamples[ci] {
			s := &sideSamples[ci][i]
			s.uncal = judge(sideCls, s.lm)
		}
		sideRows = append(sideRows, summarise(c.name, "n/a", sideSamples[ci], func(s sample) (outcome, bool) { return s.uncal, true }, nil))
	}

	r := report{
		rows: rows, side: sideRows, samples: samples, photos: photos,
		detections: detections, elapsed: time.Since(start), seed: base, workers: workers,
	}
	results := checkTargets(&r)
	md := r.markdown(results)
	t.Log("\n" + md)
	if out := os.Getenv("NECKWATCH_EVAL_OUT"); out != "" {
		if err := atomicfile.Write(out, []byte(md), 0o644, 0o755); err != nil {
			t.Error(err)
		} else {
			t.Logf("report written to %s", out)
		}
	}

	enforce := os.Getenv("NECKWATCH_EVAL_ENFORCE") == "1"
	var missed []string
	for _, res := range results {
		t.Run("target/"+res.target.name, func(t *testing.T) {
			if !res.target.guard(res.value) {
				t.Errorf("%s: measured %s, below the CI guard %s", res.target.name, res.shown, res.target.guardShown)
			}
			if res.met {
				return
			}
			msg := fmt.Sprintf("%s: measured %s, want %s", res.target.name, res.shown, res.target.want)
			if enforce {
				t.Error(msg)
			} else {
				t.Log("missed (not enforced; NECKWATCH_EVAL_ENFORCE=1 asserts it): " + msg)
			}
		})
		if !res.met {
			missed = append(missed, res.target.name)
		}
	}
	if len(missed) > 0 && !enforce {
		t.Logf("%d of %d targets missed (not enforced): %s", len(missed), len(results), strings.Join(missed, "; "))
	}
}

func conditionIndex(t *testing.T, name string) int {
	i := indexOf(name)
	if i < 0 {
		t.Fatalf("no condition %q", name)
	}
	return i
}

func indexOf(name string) int {
	for i, c := range conditions {
		if c.name == name {
			return i
		}
	}
	return -1
}

// runSide detects the labelled side photos as they are, halved and
// dimmed, in noisy copies (judged later: absolute angles, no calibration).
func runSide(det *detector, base int) ([][]sample, int, error) {
	f := newFrames()
	defer f.Close()
	perCond := make([][]sample, len(sideConditions))
	n := 0
	for pi, p := range sidePhotos {
		if err := openImage(p.path, &f.native); err != nil {
			return nil, n, err
		}
		l := good
		if p.bad {
			l = bad
		}
		for ci, c := range sideConditions {
			if err := c.apply(f.native, &f.cond); err != nil {
				return nil, n, err
			}
			for k := 0; k < photoCopies; k++ {
				lm, err := f.noisyDetect(det, c.sigma, seedFor(base, 40+pi, ci, 62, k))
				if err != nil {
					return nil, n, fmt.Errorf("%s: %w", p.name, err)
				}
				n++
				perCond[ci] = append(perCond[ci], sample{person: pi, label: l, lm: lm})
			}
		}
	}
	return perCond, n, nil
}

// row is one line of the table.
type row struct {
	cond, calibrated  string
	nGood, nBad       int
	auc, ba           float64
	goodFl, badFl     float64 // shares flagged
	uncertain         float64 // share of labelled frames without a confident verdict
	heavyForwardFl    float64 // share of forward frames with Scale >= 1.15 flagged
	notes             []string
	goodScores, badSc []float64
}

func summarise(cond, calibrated string, ss []sample, get func(sample) (outcome, bool), notes []string) row {
	r := row{cond: cond, calibrated: calibrated, notes: notes}
	var labels, preds, goodFlags, badFlags, unc, heavy []bool
	for _, s := range ss {
		if s.label == excluded {
			continue
		}
		o, ok := get(s)
		if !ok {
			continue
		}
		isBad := s.label == bad
		if d := os.Getenv("NECKWATCH_EVAL_DEBUG"); d != "" && strings.Contains(cond+"/"+calibrated, d) && isBad != o.flagged {
			fmt.Fprintf(os.Stderr, "eval debug %s/%s person %d %s %.3f: %s score %.2f %v\n", cond, calibrated, s.person, s.step.seq, s.step.amount, o.state, o.severity, o.reasons)
		}
		labels = append(labels, isBad)
		preds = append(preds, o.flagged)
		unc = append(unc, o.uncertain)
		if isBad {
			r.badSc = append(r.badSc, o.severity)
			badFlags = append(badFlags, o.flagged)
		} else {
			r.goodScores = append(r.goodScores, o.severity)
			goodFlags = append(goodFlags, o.flagged)
		}
		if s.step.seq == "forward" && s.step.amount >= forwardHeavy {
			heavy = append(heavy, o.flagged)
		}
	}
	r.nGood, r.nBad = len(goodFlags), len(badFlags)
	r.auc = AUC(r.goodScores, r.badSc)
	r.ba = BalancedAccuracy(labels, preds)
	r.goodFl, r.badFl = Share(goodFlags), Share(badFlags)
	r.uncertain = Share(unc)
	r.heavyForwardFl = Share(heavy)
	return r
}

// report is everything the harness measured.
type report struct {
	rows, side []row
	samples    [][]sample
	photos     []photoResult
	detections int
	elapsed    time.Duration
	seed       int
	workers    int
}

func (r *report) find(cond, calibrated string) row {
	for _, x := range append(append([]row(nil), r.rows...), r.side...) {
		if x.cond == cond && x.calibrated == calibrated {
			return x
		}
	}
	panic("no row " + cond + "/" + calibrated)
}

// The invariance figures: the bad-flagged share under another resolution
// or dim light against the native one.
var invarianceConds = []string{"1080p", "720p", "540p", "dim"}

func (r *report) invariance(calibrated string) (shares map[string]float64, maxDiff float64, worst string) {
	shares = map[string]float64{"native": r.find("native", calibrated).badFl}
	for _, c := range invarianceConds {
		shares[c] = r.find(c, calibrated).badFl
		d := 100 * math.Abs(shares[c]-shares["native"])
		if math.IsNaN(d) {
			return shares, math.NaN(), c
		}
		if d > maxDiff || worst == "" {
			maxDiff, worst = d, c
		}
	}
	return shares, maxDiff, worst
}

// target is one of the accuracy targets.
type target struct {
	name, scope, want string
	// measure returns the figure, how to show it, and whether it is met.
	measure func(r *report) (value float64, shown string, met bool)
	// guardShown and guard are the CI guard asserted on every run.
	guardShown string
	guard      func(value float64) bool
}

type targetResult struct {
	target target
	value  float64
	shown  string
	met    bool
}

func atLeast(v, min float64) bool { return !math.IsNaN(v) && v >= min }
func atMost(v, max float64) bool  { return !math.IsNaN(v) && v <= max }

// worstOf returns the smallest (or largest) figure over the rows of conds.
func worstOf(r *report, conds []string, calibrated string, get func(row) float64, largest bool) (float64, string) {
	worst, at := math.NaN(), ""
	for _, c := range conds {
		v := get(r.find(c, calibrated))
		if math.IsNaN(v) {
			return v, c
		}
		if at == "" || (largest && v > worst) || (!largest && v < worst) {
			worst, at = v, c
		}
	}
	return worst, at
}

func conditionNames() []string {
	var out []string
	for _, c := range conditions {
		out = append(out, c.name)
	}
	return out
}

// targets are the (issue 7, item 8), each asserted when enforced.
var targets = []target{
	{"calibrated front AUC", "native, calibrated", "≥ 0.97", func(r *report) (float64, string, bool) {
		v := r.find("native", "yes").auc
		return v, f3(v), atLeast(v, 0.97)
	}, "≥ 0.96", func(v float64) bool { return atLeast(v, 0.96) }},
	{"calibrated front balanced accuracy", "native, calibrated", "≥ 0.90", func(r *report) (float64, string, bool) {
		v := r.find("native", "yes").ba
		return v, f3(v), atLeast(v, 0.90)
	}, "≥ 0.93", func(v float64) bool { return atLeast(v, 0.93) }},
	{"bad flagged, invariant to resolution and light", "1080p/720p/540p/dim vs native, calibrated", "within 10 points", func(r *report) (float64, string, bool) {
		_, d, worst := r.invariance("yes")
		return d, fmt.Sprintf("%.1f points (%s)", d, worst), atMost(d, 10)
	}, "within 10 points", func(v float64) bool { return atMost(v, 10) }},
	{"calibrated upright frames flagged", "every condition", "≤ 5%", func(r *report) (float64, string, bool) {
		v, at := worstOf(r, conditionNames(), "yes", func(x row) float64 { return x.goodFl }, true)
		return v, fmt.Sprintf("%s (%s)", pct(v), at), atMost(v, 0.05)
	}, "≤ 8%", func(v float64) bool { return atMost(v, 0.08) }},
	{"uncalibrated upright frames flagged", "every condition, and the photos as they are", "≤ 10%", func(r *report) (float64, string, bool) {
		v, at := worstOf(r, conditionNames(), "no", func(x row) float64 { return x.goodFl }, true)
		fl, n := 0, 0
		for _, p := range r.photos {
			fl += p.flagged
			n += p.n
		}
		if ph := float64(fl) / float64(n); ph > v || math.IsNaN(v) {
			v, at = ph, "photos"
		}
		return v, fmt.Sprintf("%s (%s)", pct(v), at), atMost(v, 0.10)
	}, "≤ 60%", func(v float64) bool { return atMost(v, 0.60) }},
	{"uncalibrated upright frames flagged, each person", "native, every person's upright sequence", "≤ 10%", func(r *report) (float64, string, bool) {
		worst, at := 0.0, ""
		for pi := range people {
			if v := uprightShare(r.samples[indexOf("native")], pi, false); v > worst || at == "" {
				worst, at = v, people[pi].name
			}
		}
		return worst, fmt.Sprintf("%s (%s)", pct(worst), at), atMost(worst, 0.10)
	}, "≤ 10%", func(v float64) bool { return atMost(v, 0.10) }},
	{"uncalibrated forward head (Scale ≥ 1.15) flagged", "native, uncalibrated", "≥ 60%", func(r *report) (float64, string, bool) {
		v := r.find("native", "no").heavyForwardFl
		return v, pct(v), atLeast(v, 0.60)
	}, "≥ 60%", func(v float64) bool { return atLeast(v, 0.60) }},
	{"off-axis calibrated AUC", "pan ±25° and ±40°, calibrated", "≥ 0.90", func(r *report) (float64, string, bool) {
		v, at := worstOf(r, []string{"pan +25°", "pan -25°", "pan +40°", "pan -40°"}, "yes", func(x row) float64 { return x.auc }, false)
		return v, fmt.Sprintf("%s (%s)", f3(v), at), atLeast(v, 0.90)
	}, "≥ 0.85", func(v float64) bool { return atLeast(v, 0.85) }},
	{"side AUC", "side photos as they are, halved and dimmed", "≥ 0.90", func(r *report) (float64, string, bool) {
		var names []string
		for _, c := range sideConditions {
			names = append(names, c.name)
		}
		v, at := worstOf(r, names, "n/a", func(x row) float64 { return x.auc }, false)
		return v, fmt.Sprintf("%s (%s)", f3(v), at), atLeast(v, 0.90)
	}, "≥ 0.85", func(v float64) bool { return atLeast(v, 0.85) }},
}

func checkTargets(r *report) []targetResult {
	var out []targetResult
	for _, tg := range targets {
		v, shown, met := tg.measure(r)
		out = append(out, targetResult{tg, v, shown, met})
	}
	return out
}

func f3(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%.3f", v)
}

func pct(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", 100*v)
}

func (r *report) markdown(results []targetResult) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("## Accuracy (`make eval`)\n\n")
	w("Front view: synthetic sequences from %d people (", len(people))
	for i, p := range people {
		if i > 0 {
			w(", ")
		}
		w("%s", p.name)
	}
	w(") with known ground truth: head forward (scale 1.00→1.35), dropped (0→0.9 face heights), tilted (0→30°). ")
	w("Good: rest and tiny motions (scale ≤ 1.02, drop ≤ 0.05 face heights, roll ≤ 3°); bad: scale ≥ 1.05, drop ≥ 0.3, roll ≥ 15°; in between left out. ")
	w("Each frame judged in %d copies with sensor noise (sigma %d, seeded; the rest frame in %d), calibrated on %d other rest frames of the same condition (720p and 540p on 1080p's), and against population figures. ", copies, noiseSigma, restCopies, calibCopies)
	w("AUC scores by severity; \"flagged\" is a bad state (forward head, slouch, lean); \"uncertain\" is uncertain or nobody found.\n\n")
	w("| condition | calibrated | n good | n bad | AUC | balanced acc. | good flagged | bad flagged | uncertain |\n")
	w("|---|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, x := range append(append([]row(nil), r.rows...), r.side...) {
		w("| %s | %s | %d | %d | %s | %s | %s | %s | %s |\n", x.cond, x.calibrated, x.nGood, x.nBad, f3(x.auc), f3(x.ba), pct(x.goodFl), pct(x.badFl), pct(x.uncertain))
	}
	w("\nConditions: ")
	for i, c := range append(append([]condition(nil), conditions...), sideConditions...) {
		if i > 0 {
			w("; ")
		}
		w("%s: %s", c.name, c.desc)
	}
	w(". Side: %d labelled photos (2 good, 4 bad), %d noisy copies each, absolute angles (no calibration).\n", len(sidePhotos), photoCopies)
	first := true
	for _, x := range r.rows {
		for _, n := range x.notes {
			if first {
				w("\n")
				first = false
			}
			w("* %s: calibration failed for %s; their frames are left out of the calibrated row.\n", x.cond, n)
		}
	}

	w("\n### Invariance: bad frames flagged\n\n")
	w("| calibrated | native | 1080p | 720p | 540p | dim | max difference from native |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, cal := range []string{"yes", "no"} {
		sh, d, worst := r.invariance(cal)
		w("| %s | %s | %s | %s | %s | %s | %.1f points (%s) |\n", cal, pct(sh["native"]), pct(sh["1080p"]), pct(sh["720p"]), pct(sh["540p"]), pct(sh["dim"]), d, worst)
	}

	w("\n### Upright frames flagged, per person (calibrated / uncalibrated)\n\n| sequence |")
	for _, p := range people {
		w(" %s |", p.name)
	}
	w("\n|---|")
	for range people {
		w("---:|")
	}
	w("\n| the photo as it is, clean + %d noisy (uncalibrated) |", photoCopies)
	for _, ph := range r.photos {
		w(" %d of %d |", ph.flagged, ph.n)
	}
	w("\n")
	for ci, c := range conditions {
		w("| %s |", c.name)
		for pi := range people {
			w(" %s / %s |", pct(uprightShare(r.samples[ci], pi, true)), pct(uprightShare(r.samples[ci], pi, false)))
		}
		w("\n")
	}

	native := indexOf("native")
	w("\n### By motion (native)\n\n| motion | calibrated | n bad | bad flagged | AUC against all good |\n|---|---|---:|---:|---:|\n")
	for _, seq := range []string{"forward", "drop", "tilt"} {
		for _, cal := range []string{"yes", "no"} {
			x := bySequence(r.samples[native], seq, cal == "yes")
			w("| %s | %s | %d | %s | %s |\n", seq, cal, x.nBad, pct(x.badFl), f3(x.auc))
		}
	}

	w("\n### Targets (issue 7, item 8)\n\nThe issue's figures, and the guard `make test` asserts on every run (the issue's figure where it is met with room for the noise seed; else a floor under today's figure, against regressions).\n\n| target | scope | want | measured | met | CI guard |\n|---|---|---|---|---|---|\n")
	for _, res := range results {
		met := "**missed**"
		if res.met {
			met = "yes"
		}
		w("| %s | %s | %s | %s | %s | %s |\n", res.target.name, res.target.scope, res.target.want, res.shown, met, res.target.guardShown)
	}
	w("\n%d frames through the detector in %.0f s (%d detectors in parallel; noise seed %d).\n", r.detections, r.elapsed.Seconds(), r.workers, r.seed)
	return b.String()
}

// uprightShare is the share of person pi's good frames flagged, with or
// without calibration (NaN when the calibration failed).
func uprightShare(ss []sample, pi int, calibrated bool) float64 {
	var fl []bool
	for _, s := range ss {
		if s.person != pi || s.label != good {
			continue
		}
		switch {
		case !calibrated:
			fl = append(fl, s.uncal.flagged)
		case s.calOK:
			fl = append(fl, s.cal.flagged)
		}
	}
	return Share(fl)
}

// bySequence scores one motion's bad frames against every good frame.
func bySequence(ss []sample, seq string, calibrated bool) row {
	var keep []sample
	for _, s := range ss {
		if s.label == good || s.step.seq == seq {
			keep = append(keep, s)
		}
	}
	get := func(s sample) (outcome, bool) { return s.uncal, true }
	if calibrated {
		get = func(s sample) (outcome, bool) { return s.cal, s.calOK }
	}
	return summarise(seq, "", keep, get, nil)
}
