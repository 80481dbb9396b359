package accuracy

// The synthetic part that a photo cannot give: motions of an exact size.
// The real people's later upright photos (front-people, after the half
// each was calibrated on) are moved through harmless look-alikes of bad
// posture (the head bowed to the keyboard or a phone, leaning back) and
// through real forward-head motions of known size, by synthetic/pose3d:
// rigid 3D motions of the landmarks the networks found, under a pinhole
// camera. Each moved frame is judged as the daemon judges it; then the
// coach is run on a day of such moments at the daemon's sampling rate.
//
// What it shows: what the geometry, the classifier and the coach make of
// a motion of a known size on these people's own proportions. What it
// does not: how the networks see a bowed or receding face (the motion is
// applied after them), nor look-alikes that change the picture rather
// than the pose (a hand on the chin, a phone in front of the face).

import (
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/coach"
	"github.com/neckwatch/neckwatch/internal/atomicfile"
	"github.com/neckwatch/neckwatch/internal/stats"
	"github.com/neckwatch/neckwatch/posture"
	"github.com/neckwatch/neckwatch/synthetic/pose3d"
)

// lookalike is one motion applied to every later upright photo.
type lookalike struct {
	name     string
	motion   pose3d.Motion
	harmless bool // a look-alike (else a forward head of known size)
}

var lookalikes = []lookalike{
	{"glance at the keyboard: head bowed 15°", pose3d.Motion{BowDeg: 15}, true},
	{"glance at the keyboard: head bowed 25°", pose3d.Motion{BowDeg: 25}, true},
	{"phone in the lap: head bowed 40°", pose3d.Motion{BowDeg: 40}, true},
	{"leaning back 10°", pose3d.Motion{LeanBackDeg: 10}, true},
	{"leaning back 20°", pose3d.Motion{LeanBackDeg: 20}, true},
	{"head forward 3 cm", pose3d.Motion{ForwardCM: 3}, false},
	{"head forward 5 cm", pose3d.Motion{ForwardCM: 5}, false},
	{"head forward 8 cm", pose3d.Motion{ForwardCM: 8}, false},
	{"head forward 5 cm and 2 cm lower", pose3d.Motion{ForwardCM: 5, DropCM: 2}, false},
}

// movedFrame is one later upright photo moved by one look-alike, judged
// against its person's calibration.
type movedFrame struct {
	calibrated, uncalibrated posture.Verdict
	forwardCM, pitchDeg      float64 // what the geometry read, against the photo unmoved
	readable                 bool    // forward and pitch were measured on both
}

// lookalikeCell is the outcome of one look-alike for one person.
type lookalikeCell struct {
	frames []movedFrame
}

func (c lookalikeCell) flagged(calibrated bool) (n, of int) {
	for _, f := range c.frames {
		v := f.uncalibrated
		if calibrated {
			v = f.calibrated
		}
		if v.State == posture.Uncertain || v.State == posture.Away {
			continue
		}
		of++
		if v.State.Bad() {
			n++
		}
	}
	return n, of
}

// the coach's verdicts for one person: upright photos as they are, and
// each look-alike's frames.
type personFrames struct {
	person  string
	upright []posture.Verdict
	moved   [][]posture.Verdict // by look-alike
}

// coachDay is a schedule of moments: every period, the look-alike lasts
// for length; upright otherwise. A harmless schedule should bring no
// posture notice, a forward head one within about the onset. CI asserts
// the guarded ones (they hold today: a change that breaks them is a
// regression); the others are the targets this harness found missed,
// reported on every run and asserted with NECKWATCH_EVAL_ENFORCE=1.
type coachDay struct {
	name           string
	lookalike      int // index in lookalikes
	period, length time.Duration
	harmless       bool
	guarded        bool
}

var coachDays = []coachDay{
	{"a keyboard glance (head bowed 25°) of 3 s every 20 s", 1, 20 * time.Second, 3 * time.Second, true, true},
	{"a keyboard glance (head bowed 25°) of 8 s every 30 s", 1, 30 * time.Second, 8 * time.Second, true, true},
	{"the phone (head bowed 40°) for 20 s every 5 minutes", 2, 5 * time.Minute, 20 * time.Second, true, true},
	{"leaning back 10° the whole time", 3, time.Hour, time.Hour, true, true},
	{"leaning back 20° the whole time", 4, time.Hour, time.Hour, true, false},
	{"head 8 cm forward the whole time", 7, time.Hour, time.Hour, false, false},
	{"head 5 cm forward and 2 cm lower the whole time", 8, time.Hour, time.Hour, false, false},
}

// coachRun is the coach's response to a schedule: the posture notices
// in simDuration, and when the first came.
type coachRun struct {
	notices int
	first   time.Duration // -1: none
}

const (
	simDuration = 30 * time.Minute
	// simSampleEvery is the daemon's time between bursts while posture
	// is changing or bad (interval_changing), the faster of its rates.
	simSampleEvery = 6 * time.Second
)

// runCoach plays a schedule through the coach at the sampling rate, for
// every phase of the samples against the schedule (in whole seconds),
// and returns the worst phase: the most notices.
func runCoach(t *testing.T, pf personFrames, d coachDay) coachRun {
	t.Helper()
	start := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC) // any day: the coach keeps its own clock
	worst := coachRun{first: -1}
	for phase := time.Duration(0); phase < min(d.period, simSampleEvery); phase += time.Second {
		calibratedAngle := 50.0
		s, err := coach.NewSession(coach.DefaultConfig(), coach.SessionOptions{BaselineNeckAngleDeg: &calibratedAngle, Calibrated: true}, start)
		if err != nil {
			t.Fatal(err)
		}
		run := coachRun{first: -1}
		moved := pf.moved[d.lookalike]
		for i, at := 0, phase; at < simDuration; i, at = i+1, at+simSampleEvery {
			v := pf.upright[i%len(pf.upright)]
			if at%d.period < d.length {
				v = moved[i%len(moved)]
			}
			for _, e := range s.Sample(start.Add(at), v) {
				if r, ok := e.(coach.Record); ok && r.Meta().Kind == coach.PostureAlert {
					if run.notices == 0 {
						run.first = at
					}
					run.notices++
				}
			}
		}
		if run.notices > worst.notices || phase == 0 {
			worst = run
		}
	}
	return worst
}

func TestEvalLookalikes(t *testing.T) {
	if testing.Short() {
		t.Skip("the look-alike harness runs the networks on every front photo; run it with `make eval`")
	}
	photos, _ := realSets(t)
	detectAll(t, photos)
	cam := cameraModel(0)
	anatomy := pose3d.DefaultAnatomy()

	byPerson := map[string][]realPhoto{}
	var persons []string
	for _, p := range photos {
		if _, ok := byPerson[p.person]; !ok {
			persons = append(persons, p.person)
		}
		byPerson[p.person] = append(byPerson[p.person], p)
	}
	cells := map[string][]lookalikeCell{} // person -> by look-alike
	var people []personFrames
	for _, person := range persons {
		ps := byPerson[person]
		b, inCal := calibrateOnEarlyGood(t, person, ps)
		cal := newClassifier(front, b, 0)
		uncal := newClassifier(front, nil, 0)
		row := make([]lookalikeCell, len(lookalikes))
		pf := personFrames{person: person, moved: make([][]posture.Verdict, len(lookalikes))}
		for i, p := range ps {
			if inCal[i] || p.label != "good" {
				continue
			}
			lm := p.lm
			v0 := cal.Classify(&lm)
			if v0.State == posture.Uncertain || v0.State == posture.Away {
				continue // nothing to move: no confident face as taken
			}
			ft := posture.MeasureFront(&lm, cam)
			if !ft.Face || ft.HeadDistCM <= 0 {
				continue
			}
			pf.upright = append(pf.upright, v0)
			camera := pose3d.Camera{FocalPx: cam.FocalPx(lm.Width), HeadDistCM: ft.HeadDistCM}
			for li, la := range lookalikes {
				moved, err := pose3d.Apply(lm, camera, anatomy, la.motion)
				if err != nil {
					t.Fatalf("%s: %v", p.path, err)
				}
				mf := movedFrame{calibrated: cal.Classify(&moved), uncalibrated: uncal.Classify(&moved)}
				mft := posture.MeasureFront(&moved, cam)
				if mf.calibrated.ForwardCM != nil && v0.ForwardCM != nil {
					mf.forwardCM, mf.pitchDeg = *mf.calibrated.ForwardCM-*v0.ForwardCM, mft.PitchDeg-ft.PitchDeg
					mf.readable = true
				}
				row[li].frames = append(row[li].frames, mf)
				pf.moved[li] = append(pf.moved[li], mf.calibrated)
			}
		}
		if len(pf.upright) == 0 {
			t.Fatalf("%s: no later upright photo with a confident face", person)
		}
		cells[person] = row
		people = append(people, pf)
	}

	// The geometry reads an exact motion at its size: the head glided
	// forward by x cm reads about x cm forward; bowed by x°, about x° of
	// pitch. These are assertions, not targets: a classifier that misreads
	// an exact motion cannot be right on real ones.
	for li, la := range lookalikes {
		fwd, pitch := readings(persons, cells, li)
		if len(fwd) == 0 {
			t.Fatalf("%s: no frame measured", la.name)
		}
		mf, mp := stats.Median(fwd), stats.Median(pitch)
		if la.motion.LeanBackDeg == 0 && la.motion.BowDeg == 0 && math.Abs(mf-la.motion.ForwardCM) > 0.25*la.motion.ForwardCM+0.5 {
			t.Errorf("%s: read %.1f cm forward (median of %d frames)", la.name, mf, len(fwd))
		}
		if la.motion.BowDeg > 0 && math.Abs(mp-la.motion.BowDeg) > 0.25*la.motion.BowDeg {
			t.Errorf("%s: read %.1f° of pitch (median of %d frames)", la.name, mp, len(pitch))
		}
		if la.motion.LeanBackDeg > 0 && mf > 1 {
			t.Errorf("%s: read %.1f cm forward: leaning back is not a forward head", la.name, mf)
		}
	}

	runs := map[string][]coachRun{}
	for _, pf := range people {
		for _, d := range coachDays {
			runs[pf.person] = append(runs[pf.person], runCoach(t, pf, d))
		}
	}
	enforce := os.Getenv("NECKWATCH_EVAL_ENFORCE") == "1"
	for _, pf := range people {
		for di, d := range coachDays {
			r := runs[pf.person][di]
			var msg string
			switch {
			case d.harmless && r.notices > 0:
				msg = fmt.Sprintf("%s, %s: %d posture notices in %v (first after %v)", pf.person, d.name, r.notices, simDuration, r.first)
			case !d.harmless && (r.notices == 0 || r.first > 2*coach.DefaultOnset+simSampleEvery):
				msg = fmt.Sprintf("%s, %s: %d notices (first after %v): want one within about the onset (%v)", pf.person, d.name, r.notices, r.first, coach.DefaultOnset)
			default:
				continue
			}
			if d.guarded || enforce {
				t.Error(msg)
			} else {
				t.Log("missed (not enforced; NECKWATCH_EVAL_ENFORCE=1 asserts it): " + msg)
			}
		}
	}

	md := lookalikeReport(persons, cells, people, runs)
	t.Log("\n" + md)
	if out := os.Getenv("NECKWATCH_EVAL_LOOKALIKE_OUT"); out != "" {
		if err := atomicfile.Write(out, []byte(md), 0o644, 0o755); err != nil {
			t.Error(err)
		}
	}
}

// readings gathers what the geometry read of look-alike li, over every
// person's moved frames where it could be read.
func readings(persons []string, cells map[string][]lookalikeCell, li int) (fwd, pitch []float64) {
	for _, p := range persons {
		for _, f := range cells[p][li].frames {
			if f.readable {
				fwd, pitch = append(fwd, f.forwardCM), append(pitch, f.pitchDeg)
			}
		}
	}
	return fwd, pitch
}

func lookalikeReport(persons []string, cells map[string][]lookalikeCell, people []personFrames, runs map[string][]coachRun) string {
	var b strings.Builder
	w := func(f string, a ...any) { fmt.Fprintf(&b, f, a...) }
	w("### Look-alikes and motions of known size (synthetic/pose3d on the real people's landmarks)\n\n")
	w("Each person's later upright photos (after the half they were calibrated on), moved after detection by an exact 3D motion; judged at the shipped limits, calibrated and (in brackets) without calibration. The motion is applied to the landmarks the networks found, so this shows the geometry, the classifier and the coach, not the networks.\n\n")
	w("| motion | read (median) |")
	for _, p := range persons {
		w(" %s flagged |", p)
	}
	w("\n|---|---:|")
	for range persons {
		w("---:|")
	}
	w("\n")
	for li, la := range lookalikes {
		fwd, pitch := readings(persons, cells, li)
		w("| %s | %+.1f cm, %+.0f° |", la.name, stats.Median(fwd), stats.Median(pitch))
		for _, p := range persons {
			n, of := cells[p][li].flagged(true)
			un, uof := cells[p][li].flagged(false)
			w(" %s (%s) |", pct(ratio(n, of)), pct(ratio(un, uof)))
		}
		w("\n")
	}
	w("\nThe coach on %v of each schedule, one sample every %v (the daemon's faster rate), the worst phase of the samples against the schedule; the upright moments are the person's own upright photos:\n\n", simDuration, simSampleEvery)
	w("| schedule |")
	for _, pf := range people {
		w(" %s |", pf.person)
	}
	w("\n|---|")
	for range people {
		w("---|")
	}
	w("\n")
	for di, d := range coachDays {
		w("| %s |", d.name)
		for _, pf := range people {
			r := runs[pf.person][di]
			if r.notices == 0 {
				w(" no notice |")
			} else {
				w(" %d notices, first after %v |", r.notices, r.first)
			}
		}
		w("\n")
	}
	return b.String()
}
