package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/neckwatch/neckwatch/analysis"
	"github.com/neckwatch/neckwatch/internal/stats"
	"github.com/neckwatch/neckwatch/landmark"
	"github.com/neckwatch/neckwatch/posture"
	"github.com/neckwatch/neckwatch/vision"
)

const checkUsage = `Usage: neckwatch check --source SRC [--calibration FILE | --profile NAME] [--view auto|front|side] [--config FILE] [--json]

Judges the posture in every frame of SRC once and prints a line per frame
and a summary. With --json, prints exactly one JSON object per frame on
stdout, in source order:
  frame (file name, or frame index for video/camera), person, shoulders,
  state (upright, forward_head, slouch, lean, away, uncertain), severity (0..1),
  score (how close to bad, continuous: below 0 within every limit, 0 at the
  first limit, 1 at a severe point), neck_angle_deg (craniovertebral-angle
  proxy, larger = more upright; or null), forward_cm (estimated forward head
  displacement, front view; or null), head_pitch_deg, distance_cm,
  head_yaw_deg (front view, absolute, against the camera, not the
  calibration: looking down positive, camera-to-eyes distance, turned to
  your left positive; or null), calibrated, view (front or side, as
  judged), latency_ms (pipeline time, frame decode excluded), reasons.
The view is read off each frame (a frontal face: front; a body in profile:
side) unless --view forces one or the calibration was made for one.
Without a calibration, the front view is judged against population figures
with wider limits ("calibrated": false). A camera source is sampled for
--seconds. The configuration file's [camera] keys (source, view, profile,
calibration, models) and [thresholds] apply as they do for run; flags
override them, and --set overrides a threshold once more.

` + "%s"

// frameRecord is the JSON contract of `check --json`.
type frameRecord struct {
	Frame        any      `json:"frame"`
	TimeS        *float64 `json:"time_s,omitempty"`
	Person       bool     `json:"person"`
	Shoulders    bool     `json:"shoulders"`
	State        string   `json:"state"`
	Severity     float64  `json:"severity"`
	Score        float64  `json:"score"`
	NeckAngleDeg *float64 `json:"neck_angle_deg"`
	ForwardCM    *float64 `json:"forward_cm"`
	HeadPitchDeg *float64 `json:"head_pitch_deg"`
	DistanceCM   *float64 `json:"distance_cm"`
	HeadYawDeg   *float64 `json:"head_yaw_deg"`
	Calibrated   bool     `json:"calibrated"`
	View         string   `json:"view"`
	LatencyMS    float64  `json:"latency_ms"`
	Reasons      []string `json:"reasons,omitempty"`
	Error        string   `json:"error,omitempty"`
}

func round(v float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(v*p) / p
}

func roundPtr(v *float64, places int) *float64 {
	if v == nil {
		return nil
	}
	r := round(*v, places)
	return &r
}

// The states of a frame that was not judged, as the daemon's status says
// of the camera: black (covered) and frozen.
const (
	stateCovered = "covered"
	stateFrozen  = "frozen"
)

func newFrameRecord(r analysis.Result, kind vision.SourceKind, view posture.View) frameRecord {
	if r.Verdict.View != "" {
		view = r.Verdict.View
	}
	rec := frameRecord{View: string(view)}
	if kind == vision.SourceImage || kind == vision.SourceFolder {
		rec.Frame = r.Info.Name
	} else {
		rec.Frame = r.Info.Index
		t := round(r.Info.Time.Seconds(), 3)
		rec.TimeS = &t
	}
	if r.Err != nil {
		rec.State = string(posture.Uncertain)
		rec.Error = r.Err.Error()
		return rec
	}
	switch r.Camera {
	case landmark.CameraBlack:
		rec.State, rec.Reasons = stateCovered, []string{"black frame: privacy shutter closed or lens covered?"}
		return rec
	case landmark.CameraFrozen:
		rec.State, rec.Reasons = stateFrozen, []string{"the same image as the frame before: the camera is stuck"}
		return rec
	}
	v := r.Verdict
	rec.Person, rec.Shoulders = v.Person, v.Shoulders
	rec.State, rec.Severity, rec.Score = string(v.State), round(v.Severity, 3), round(v.Score, 3)
	rec.NeckAngleDeg = roundPtr(v.NeckAngleDeg, 1)
	rec.ForwardCM = roundPtr(v.ForwardCM, 1)
	rec.HeadPitchDeg = roundPtr(v.HeadPitchDeg, 1)
	rec.DistanceCM = roundPtr(v.DistanceCM, 1)
	rec.HeadYawDeg = roundPtr(v.HeadYawDeg, 1)
	rec.Calibrated = v.Calibrated
	rec.LatencyMS = round(float64(r.Latency.Microseconds())/1000, 2)
	rec.Reasons = v.Reasons
	return rec
}

func runCheck(args []string, stdout, stderr io.Writer) error {
	var pf pipelineFlags
	var bf baselineFlags
	var asJSON bool
	var secs float64
	fs := newFlagSet("check", fmt.Sprintf(checkUsage, settingsHelp()), stdout)
	pf.register(fs)
	bf.register(fs)
	fs.BoolVar(&asJSON, "json", false, "one JSON object per frame on stdout")
	fs.Float64Var(&secs, "seconds", 5, "how long to sample a camera source")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := pf.configure(&bf)
	if err != nil {
		return err
	}
	if secs <= 0 {
		return usagef("--seconds must be positive")
	}
	baseline, using, err := judgeBaseline(cfg.Camera, stderr)
	if err != nil {
		return err
	}
	cls, err := pf.classifier(cfg, baseline)
	if err != nil {
		return err
	}
	view, source := cfg.Camera.View, cfg.Camera.Source
	src, pipe, err := open(cfg.Camera)
	if err != nil {
		return err
	}
	defer src.Close()
	defer pipe.Close()

	info := src.Describe()
	if !asJSON {
		if using == "" {
			switch view {
			case posture.Front, posture.Auto:
				using = "no calibration: judging against population figures (run `neckwatch calibrate` for your own baseline)"
			default:
				using = "side view: absolute angles, no calibration needed"
			}
		}
		fmt.Fprintf(stdout, "# %s (%s view), %s\n", source, view, using)
	}
	enc := json.NewEncoder(stdout)
	var sum checkSummary
	err = eachFrame(src, pipe, cls, window{0, seconds(secs)}, stderr, func(r analysis.Result) error {
		rec := newFrameRecord(r, info.Kind, view)
		sum.add(rec, r)
		if asJSON {
			if err := enc.Encode(rec); err != nil {
				return fmt.Errorf("write output: %w", err)
			}
		} else {
			fmt.Fprintln(stdout, humanLine(rec))
		}
		return nil
	})
	truncated := errors.Is(err, vision.ErrTruncated) // said after the frames it had
	if err != nil && !truncated {
		return err
	}
	if !asJSON {
		sum.print(stdout)
	}
	if truncated {
		return err
	}
	if sum.frames == 0 {
		return fmt.Errorf("source %s gave no frames", source)
	}
	return nil
}

func humanLine(rec frameRecord) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-24v %-12s", rec.Frame, rec.State)
	if rec.Error != "" {
		fmt.Fprintf(&b, " skipped: %s", rec.Error)
		return b.String()
	}
	if rec.State == stateCovered || rec.State == stateFrozen {
		fmt.Fprintf(&b, " not judged: %s", strings.Join(rec.Reasons, "; "))
		return b.String()
	}
	fmt.Fprintf(&b, " sev %.2f", rec.Severity)
	if rec.NeckAngleDeg != nil {
		fmt.Fprintf(&b, "  neck %4.1f°", *rec.NeckAngleDeg)
	}
	if rec.ForwardCM != nil {
		fmt.Fprintf(&b, "  fwd %+5.1f cm", *rec.ForwardCM)
	}
	if rec.Person && !rec.Shoulders {
		b.WriteString("  (shoulders not visible)")
	}
	if len(rec.Reasons) > 0 {
		fmt.Fprintf(&b, "  [%s]", strings.Join(rec.Reasons, "; "))
	}
	fmt.Fprintf(&b, "  %.1f ms", rec.LatencyMS)
	return b.String()
}

// checkSummary accumulates the figures printed after the frames.
type checkSummary struct {
	frames, skipped int
	states          map[string]int
	latencies       []float64
	severity        float64
	neck            []float64
}

func (s *checkSummary) add(rec frameRecord, r analysis.Result) {
	s.frames++
	if r.Err != nil {
		s.skipped++
		return
	}
	if s.states == nil {
		s.states = map[string]int{}
	}
	s.states[rec.State]++
	if r.Camera != "" {
		return // not judged
	}
	s.latencies = append(s.latencies, rec.LatencyMS)
	s.severity += rec.Severity
	if rec.NeckAngleDeg != nil {
		s.neck = append(s.neck, *rec.NeckAngleDeg)
	}
}

func (s *checkSummary) print(w io.Writer) {
	n := s.frames - s.skipped
	fmt.Fprintf(w, "# %d frames", s.frames)
	if s.skipped > 0 {
		fmt.Fprintf(w, " (%d skipped)", s.skipped)
	}
	if n == 0 {
		fmt.Fprintln(w)
		return
	}
	var parts []string
	for _, st := range slices.Concat(posture.States, []posture.State{stateCovered, stateFrozen}) {
		if c := s.states[string(st)]; c > 0 {
			parts = append(parts, fmt.Sprintf("%s %d%%", st, int(math.Round(100*float64(c)/float64(n)))))
		}
	}
	fmt.Fprintf(w, ": %s", strings.Join(parts, ", "))
	if judged := len(s.latencies); judged > 0 {
		fmt.Fprintf(w, "; mean severity %.2f", s.severity/float64(judged))
		if len(s.neck) > 0 {
			fmt.Fprintf(w, "; median neck angle %.1f°", stats.Median(s.neck))
		}
		fmt.Fprintf(w, "; median latency %.1f ms", stats.Median(s.latencies))
	}
	fmt.Fprintln(w)
}
