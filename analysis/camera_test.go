package analysis_test

import (
	"io"
	"testing"

	"gocv.io/x/gocv"

	"github.com/neckwatch/neckwatch/analysis"
	"github.com/neckwatch/neckwatch/internal/testenv"
	"github.com/neckwatch/neckwatch/internal/testenv/visiontest"
	"github.com/neckwatch/neckwatch/landmark"
	"github.com/neckwatch/neckwatch/posture"
	"github.com/neckwatch/neckwatch/vision"
)

// stuckCamera stands in for a camera (absent hardware): it gives its
// frames in order, then ends.
type stuckCamera struct {
	frames []gocv.Mat
	next   int
}

func (c *stuckCamera) Next(dst *gocv.Mat) (vision.FrameInfo, error) {
	if c.next >= len(c.frames) {
		return vision.FrameInfo{}, io.EOF
	}
	c.frames[c.next].CopyTo(dst)
	c.next++
	return vision.FrameInfo{Index: c.next - 1}, nil
}
func (c *stuckCamera) Close() error { return nil }
func (c *stuckCamera) Describe() vision.SourceInfo {
	return vision.SourceInfo{Kind: vision.SourceCamera, Spec: "stuck"}
}

// TestCameraBlackAndFrozenFrames: Each says which camera frames are black
// (covered) or the same as the one before (frozen), as the daemon's
// sampler does, and judges only the others (issue 15 item 4).
func TestCameraBlackAndFrozenFrames(t *testing.T) {
	testenv.CheckMatLeaks(t)
	desk := visiontest.DeskFrame(t)
	black := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(2, 2, 2, 0), desk.Rows(), desk.Cols(), desk.Type())
	defer black.Close()
	cam := &stuckCamera{frames: []gocv.Mat{desk, desk, black, black, desk}}
	want := []landmark.CameraState{"", landmark.CameraFrozen, landmark.CameraBlack, landmark.CameraBlack, ""}
	var got []landmark.CameraState
	cls := posture.NewClassifier(posture.Front, nil)
	err := analysis.Each(cam, visiontest.Pipeline(t), cls, func(r analysis.Result) error {
		got = append(got, r.Camera)
		if judged := r.Verdict.State != ""; judged != (r.Camera == "") {
			t.Errorf("frame %d (%q): judged %v", r.Info.Index, r.Camera, judged)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d results, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("frame %d: %q, want %q", i, got[i], want[i])
		}
	}
}
