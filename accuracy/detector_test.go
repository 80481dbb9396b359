package accuracy

// The harness's one adapter onto the detector: every call into vision and
// posture is in this file, so that when their API changes only this file
// is ported. The rest of the harness sees frames go in and outcomes come
// out.

import (
	"os"
	"testing"

	"gocv.io/x/gocv"

	"github.com/neckwatch/neckwatch/internal/testenv/visiontest"
	"github.com/neckwatch/neckwatch/landmark"
	"github.com/neckwatch/neckwatch/posture"
	"github.com/neckwatch/neckwatch/vision"
)

// landmarks is what the detector found in one frame. The harness stores
// them and classifies each frame more than once, but never looks inside.
type landmarks = landmark.Frame

// view is a camera placement.
type view = posture.View

var (
	front = posture.Front
	side  = posture.Side
)

// classifier judges landmarks.
type classifier = *posture.Classifier

// detector is the landmark stage (the real networks).
type detector struct{ pipe *vision.Pipeline }

func newDetector(t testing.TB) *detector {
	if os.Getenv("NECKWATCH_EVAL_NO_ENHANCE") != "1" {
		return &detector{pipe: visiontest.Pipeline(t)}
	}
	// The measurement behind the light enhancement: the same run with dark
	// frames left as they are.
	return &detector{pipe: visiontest.PipelineWith(t, func(c *vision.PipelineConfig) { c.Light.DarkMean = 0 })}
}

func (d *detector) detect(frame gocv.Mat) (landmarks, error) {
	lm, _, err := d.pipe.Detect(frame)
	return lm, err
}

// openImage decodes an image as the commands do (EXIF orientation
// honoured) into dst.
func openImage(path string, dst *gocv.Mat) error {
	src, err := vision.OpenSource(path)
	if err != nil {
		return err
	}
	defer src.Close()
	_, err = src.Next(dst)
	return err
}

// cameraModel is the default camera model with the horizontal field of
// view hfovDeg (0: the default), as `--set camera_hfov_deg=` sets it.
func cameraModel(hfovDeg float64) posture.CameraModel {
	cam := posture.DefaultCameraModel()
	if hfovDeg > 0 {
		cam.HFOVDeg = hfovDeg
	}
	return cam
}

// calibrate builds a front-view baseline from frames of the user sitting
// upright, the way `neckwatch calibrate` does, for a camera of field of
// view hfovDeg (0: the default).
func calibrate(frames []landmarks, hfovDeg float64) (*posture.Baseline, error) {
	b, err := posture.BuildBaseline(posture.Front, frames, cameraModel(hfovDeg))
	if err != nil {
		return nil, err
	}
	return &b, nil
}

// newClassifier judges view v against b, or against population figures
// (front) or absolute angles (side) when b is nil, for a camera of field
// of view hfovDeg (0: the default).
func newClassifier(v view, b *posture.Baseline, hfovDeg float64) classifier {
	cls := posture.NewClassifier(v, b)
	cls.Camera = cameraModel(hfovDeg)
	return cls
}

// outcome is one frame's verdict as the harness scores it.
type outcome struct {
	state     string
	severity  float64 // the score for AUC: the verdict's continuous score (below 0 within limits, 0 at the first start, 1 at a severe point)
	flagged   bool    // a posture the user would be told about
	uncertain bool    // no confident verdict: uncertain, or nobody found
	reasons   []string
}

func judge(cls classifier, lm landmarks) outcome {
	v := cls.Classify(&lm)
	return outcome{
		state:     string(v.State),
		severity:  v.Score,
		flagged:   v.State.Bad(),
		uncertain: v.State == posture.Uncertain || v.State == posture.Away,
		reasons:   v.Reasons,
	}
}

// singleThreaded runs OpenCV's parallel loops on one thread until the end
// of the test: the harness runs one detector per core instead, which uses
// the cores better than the networks' own threads do.
func singleThreaded(t testing.TB) {
	n := vision.Threads()
	vision.SetThreads(1)
	t.Cleanup(func() { vision.SetThreads(n) })
}

// addTired takes the optional second calibration step on b: frames of the
// user's own tired posture, as `neckwatch calibrate --tired` does.
func addTired(b *posture.Baseline, frames []landmarks) error {
	return b.AddTiredFrames(frames, cameraModel(0))
}

// sideAngles are the side view's angles a frame's landmarks give (see
// posture.MeasureSide): the ear–shoulder line above horizontal and the
// head's flexion, each with whether it was measured. Both are read in the
// direction the person faces, so a mirrored photo should give the same.
type sideAngles struct {
	neck, flexion     float64
	neckOK, flexionOK bool
}

func sideAnglesOf(lm landmarks) sideAngles {
	ft := posture.MeasureSide(&lm)
	return sideAngles{ft.NeckAngleDeg, ft.HeadFlexionDeg, ft.Usable, ft.Usable && ft.NoseSeen}
}
