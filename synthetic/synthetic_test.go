package synthetic_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"gocv.io/x/gocv"

	"github.com/neckwatch/neckwatch/analysis"
	"github.com/neckwatch/neckwatch/internal/testenv/visiontest"
	"github.com/neckwatch/neckwatch/posture"
	"github.com/neckwatch/neckwatch/synthetic"
	"github.com/neckwatch/neckwatch/vision"
)

// fixture is the seed frame with its generator, a pipeline, and a
// classifier calibrated on the unmoved seed.
type fixture struct {
	gen   *synthetic.Generator
	pipe  *vision.Pipeline
	cls   *posture.Classifier
	rest  posture.Baseline
	frame gocv.Mat
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	// The camera noise is random but the same in every run, so a failure
	// reproduces; NECKWATCH_TEST_SEED tries other noise.
	rngSeed := 1
	if s, err := strconv.Atoi(os.Getenv("NECKWATCH_TEST_SEED")); err == nil {
		rngSeed = s
	}
	gocv.SetRNGSeed(rngSeed)
	seed := visiontest.DeskFrame(t)
	pipe := visiontest.Pipeline(t)
	lm, _, err := pipe.Detect(seed)
	if err != nil {
		t.Fatal(err)
	}
	face, ok := lm.PrimaryFace()
	if !ok {
		t.Fatal("no face in the seed frame")
	}
	gen, err := synthetic.NewGenerator(seed, face.Box)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{gen: gen, pipe: pipe, frame: gocv.NewMat()}
	t.Cleanup(func() { f.frame.Close(); gen.Close() })
	// Calibrate on the rendered rest frame, as a user would sit upright.
	cam := posture.DefaultCameraModel()
	var feats []posture.FrontFeatures
	for i := 0; i < 3; i++ {
		f.render(t, synthetic.Rest)
		lm, _, _ := pipe.Detect(f.frame)
		feats = append(feats, posture.MeasureFront(&lm, cam))
	}
	if f.rest, err = posture.NewBaseline(feats); err != nil {
		t.Fatal(err)
	}
	if !f.rest.Shoulders {
		t.Fatal("seed baseline has no shoulders")
	}
	f.cls = posture.NewClassifier(posture.Front, &f.rest)
	return f
}

func (f *fixture) render(t *testing.T, m synthetic.HeadMotion) {
	t.Helper()
	if err := f.gen.Render(m, &f.frame); err != nil {
		t.Fatal(err)
	}
}

// judge renders m as a short burst of frames with camera sensor noise
// (sigma 3 grey levels) and judges it as the daemon judges a burst.
func (f *fixture) judge(t *testing.T, m synthetic.HeadMotion) posture.Verdict {
	t.Helper()
	f.render(t, m)
	clean := f.frame.Clone()
	defer clean.Close()
	noisy := gocv.NewMat()
	defer noisy.Close()
	noise := gocv.NewMatWithSize(clean.Rows(), clean.Cols(), gocv.MatTypeCV16SC3)
	defer noise.Close()
	wide := gocv.NewMat()
	defer wide.Close()
	var vs []posture.Verdict
	for i := 0; i < 7; i++ {
		gocv.RandN(&noise, gocv.NewScalar(0, 0, 0, 0), gocv.NewScalar(3, 3, 3, 0))
		clean.ConvertTo(&wide, gocv.MatTypeCV16SC3)
		gocv.Add(wide, noise, &wide)
		wide.ConvertTo(&noisy, gocv.MatTypeCV8UC3)
		r := analysis.Analyze(f.pipe, f.cls, noisy)
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		vs = append(vs, r.Verdict)
	}
	return posture.Combine(vs)
}

func TestSequencesSeverityRisesMonotonically(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		name  string
		end   synthetic.HeadMotion
		state posture.State
	}{
		{"head forward (grow)", synthetic.HeadMotion{Scale: 1.4}, posture.ForwardHead},
		{"head drop (move down)", synthetic.HeadMotion{Scale: 1, DropPx: 90}, posture.Slouch},
		{"head tilt (rotate)", synthetic.HeadMotion{Scale: 1, RollDeg: 32}, posture.Lean},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			steps := synthetic.Ramp(synthetic.Rest, tc.end, 9)
			prev := -1.0
			for i, m := range steps {
				v := f.judge(t, m)
				t.Logf("step %d %+v: %s severity %.2f reasons %v", i, m, v.State, v.Severity, v.Reasons)
				if !v.Person {
					t.Fatalf("step %d: no person found", i)
				}
				if i == 0 && v.State != posture.Upright {
					t.Fatalf("rest frame judged %s, want upright", v.State)
				}
				// Monotonic within detector noise.
				if v.Severity < prev-0.05 {
					t.Errorf("step %d: severity fell from %.2f to %.2f", i, prev, v.Severity)
				}
				prev = math.Max(prev, v.Severity)
				if i == len(steps)-1 {
					if v.State != tc.state {
						t.Errorf("final step judged %s, want %s", v.State, tc.state)
					}
					if v.Severity < 0.5 {
						t.Errorf("final step severity %.2f, want >= 0.5", v.Severity)
					}
				}
			}
		})
	}
}

func TestForwardDisplacementTracksAppliedMotion(t *testing.T) {
	f := newFixture(t)
	for _, s := range []float64{1.0, 1.05, 1.1, 1.15, 1.2, 1.3} {
		m := synthetic.HeadMotion{Scale: s}
		want := m.ForwardCM(f.rest.HeadDistCM)
		v := f.judge(t, m)
		if v.ForwardCM == nil {
			t.Fatalf("scale %.2f: no forward estimate", s)
		}
		got := *v.ForwardCM
		t.Logf("scale %.2f: applied %.2f cm, estimated %.2f cm, neck %.1f°", s, want, got, *v.NeckAngleDeg)
		if tol := math.Max(1.0, 0.25*want); math.Abs(got-want) > tol {
			t.Errorf("scale %.2f: estimated %.2f cm forward, applied %.2f cm (tolerance %.2f)", s, got, want, tol)
		}
	}
}

func TestWriteVideoRoundTrip(t *testing.T) {
	f := newFixture(t)
	path := filepath.Join(t.TempDir(), "seq.avi")
	motions := append(synthetic.Ramp(synthetic.Rest, synthetic.Rest, 5), synthetic.Ramp(synthetic.HeadMotion{Scale: 1.35}, synthetic.HeadMotion{Scale: 1.35}, 5)...)
	if err := f.gen.WriteVideo(path, 5, motions); err != nil {
		t.Fatal(err)
	}
	src, err := vision.OpenSource(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var states []posture.State
	err = analysis.Each(src, f.pipe, f.cls, func(r analysis.Result) error {
		states = append(states, r.Verdict.State)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprint([]posture.State{"upright", "upright", "upright", "upright", "upright", "forward_head", "forward_head", "forward_head", "forward_head", "forward_head"})
	if fmt.Sprint(states) != want {
		t.Fatalf("states %v, want %s", states, want)
	}
}
