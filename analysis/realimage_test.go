package analysis_test

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/neckwatch/neckwatch/analysis"
	"github.com/neckwatch/neckwatch/internal/testenv"
	"github.com/neckwatch/neckwatch/internal/testenv/visiontest"
	"github.com/neckwatch/neckwatch/landmark"
	"github.com/neckwatch/neckwatch/posture"
	"github.com/neckwatch/neckwatch/vision"
)

// analyseFolder runs every image of a folder of the real test photos.
func analyseFolder(t *testing.T, sub string, view posture.View) map[string]analysis.Result {
	t.Helper()
	src, err := vision.OpenSource(filepath.Join(testenv.Testdata(t), sub))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	cls := posture.NewClassifier(view, nil)
	out := map[string]analysis.Result{}
	err = analysis.Each(src, visiontest.Pipeline(t), cls, func(r analysis.Result) error {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Info.Name, r.Err)
		}
		out[r.Info.Name] = r
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Every upright frontal portrait is found and judged upright, without a
// calibration (population figures).
func TestFrontalPortraitsAreUpright(t *testing.T) {
	testenv.CheckMatLeaks(t)
	results := analyseFolder(t, "frontal", posture.Front)
	if len(results) != 4 {
		t.Fatalf("got %d frontal photos, want 4", len(results))
	}
	for name, r := range results {
		v := r.Verdict
		t.Logf("%s: %s severity %.2f shoulders %v forward %v reasons %v", name, v.State, v.Severity, v.Shoulders, fmtPtr(v.ForwardCM), v.Reasons)
		if !v.Person || len(r.Landmarks.Faces) == 0 {
			t.Errorf("%s: no face found", name)
		}
		if v.State != posture.Upright {
			t.Errorf("%s: judged %s (%v), want upright", name, v.State, v.Reasons)
		}
		if v.Calibrated {
			t.Errorf("%s: claims a calibration it does not have", name)
		}
		if v.NeckAngleDeg == nil || *v.NeckAngleDeg < 40 || *v.NeckAngleDeg > 65 {
			t.Errorf("%s: neck angle %v, want an upright 40..65° (population estimate)", name, fmtPtr(v.NeckAngleDeg))
		}
	}
}

// In the side view the hunched photos are flagged and the straight ones
// are not, and every photo labelled bad scores above every good one.
// desk_lean_exif.jpeg is labelled bad (leaning at a desk) but shows the
// torso leaning back with the ear straight over the shoulder and the head
// bowed by about 7° beyond a level head's ear-nose line: below every start,
// so it is not required to be flagged, only ranked above the good ones.
func TestSideViewFlagsHunchedAndLeaning(t *testing.T) {
	testenv.CheckMatLeaks(t)
	results := analyseFolder(t, "side", posture.Side)
	cases := []struct {
		name    string
		bad     bool
		flagged bool
	}{
		{"straight_armsfolded.jpg", false, false},
		{"bench_feet_dangling.jpg", false, false},
		{"hunchback_right.jpg", true, true},
		{"hunchback_left.jpg", true, true},
		{"desk_hunch.jpeg", true, true},
		{"desk_lean_exif.jpeg", true, false},
	}
	worstGood, bestBad := math.Inf(-1), math.Inf(1)
	for _, tc := range cases {
		r, ok := results[tc.name]
		if !ok {
			t.Errorf("%s: not in the side folder", tc.name)
			continue
		}
		v := r.Verdict
		t.Logf("%s: %s severity %.2f neck %v reasons %v", tc.name, v.State, v.Severity, fmtPtr(v.NeckAngleDeg), v.Reasons)
		if !v.Person || v.State == posture.Uncertain || v.State == posture.Away {
			t.Errorf("%s: judged %s, want a confident verdict", tc.name, v.State)
			continue
		}
		if tc.bad {
			bestBad = math.Min(bestBad, v.Score)
		} else {
			worstGood = math.Max(worstGood, v.Score)
		}
		if got := v.State.Bad(); got != tc.flagged {
			t.Errorf("%s: judged %s (%v), want flagged=%v", tc.name, v.State, v.Reasons, tc.flagged)
		}
		if tc.flagged && v.Severity <= 0 {
			t.Errorf("%s: flagged with severity 0", tc.name)
		}
		if v.ForwardCM != nil {
			t.Errorf("%s: side view must not claim a forward displacement in cm", tc.name)
		}
	}
	if bestBad <= worstGood {
		t.Errorf("a bad photo scores %.2f, not above every good one (up to %.2f)", bestBad, worstGood)
	}
	// The mirrored photo must be judged like the original.
	l, r := results["hunchback_left.jpg"].Verdict, results["hunchback_right.jpg"].Verdict
	if l.State.Bad() != r.State.Bad() {
		t.Errorf("mirror images judged differently: %s vs %s", l.State, r.State)
	}
}

// desk_lean_exif.jpeg is stored sideways with EXIF orientation 6: it must
// come out upright (portrait, head above the shoulders above the hips).
func TestEXIFOrientationIsHonoured(t *testing.T) {
	testenv.CheckMatLeaks(t)
	r := analyseFolder(t, "side", posture.Side)["desk_lean_exif.jpeg"]
	if r.Landmarks.Width != 960 || r.Landmarks.Height != 1280 {
		t.Fatalf("decoded %dx%d, want 960x1280 (EXIF rotation applied)", r.Landmarks.Width, r.Landmarks.Height)
	}
	b := r.Landmarks.Body
	ear := b.Part(landmark.LeftEar)
	if e := b.Part(landmark.RightEar); e.Score > ear.Score {
		ear = e
	}
	sh := b.Part(landmark.LeftShoulder)
	hip := b.Part(landmark.LeftHip)
	if !(ear.Y < sh.Y && sh.Y < hip.Y) {
		t.Errorf("ear y %.0f, shoulder y %.0f, hip y %.0f: person not upright in the decoded image", ear.Y, sh.Y, hip.Y)
	}
}

// A calibration from the frontal seed judges the same frame upright and
// says it is calibrated.
func TestCalibratedSeedIsUpright(t *testing.T) {
	testenv.CheckMatLeaks(t)
	r := analyseFolder(t, "frontal", posture.Front)["gocv_face.jpg"]
	ft := posture.MeasureFront(&r.Landmarks, posture.DefaultCameraModel())
	b, err := posture.NewBaseline([]posture.FrontFeatures{ft})
	if err != nil {
		t.Fatal(err)
	}
	v := posture.NewClassifier(posture.Front, &b).Classify(&r.Landmarks)
	if v.State != posture.Upright || !v.Calibrated || v.ForwardCM == nil || *v.ForwardCM != 0 {
		t.Fatalf("seed against its own baseline: %s calibrated=%v forward=%v", v.State, v.Calibrated, fmtPtr(v.ForwardCM))
	}
}

func fmtPtr(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
