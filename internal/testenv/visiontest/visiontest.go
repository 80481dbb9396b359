// Package visiontest gives tests the real vision pipeline and the desk
// photo the synthetic sequences start from. It is apart from testenv so
// that tests of packages without OpenCV do not link it.
package visiontest

import (
	"testing"

	"gocv.io/x/gocv"

	"github.com/neckwatch/neckwatch/internal/testenv"
	"github.com/neckwatch/neckwatch/vision"
)

// Pipeline loads the real networks (embedded, or from models/data) and
// closes them at the end of the test.
func Pipeline(t testing.TB) *vision.Pipeline {
	t.Helper()
	return PipelineWith(t, func(*vision.PipelineConfig) {})
}

// PipelineWith is Pipeline with the default configuration changed by
// change (the model directory is set after it).
func PipelineWith(t testing.TB, change func(*vision.PipelineConfig)) *vision.Pipeline {
	t.Helper()
	cfg := vision.DefaultPipelineConfig()
	change(&cfg)
	cfg.ModelDir = testenv.ModelDir(t)
	p, err := vision.NewPipeline(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// DeskFrame returns gocv_face.jpg, a real webcam frame at a desk, closed at
// the end of the test.
func DeskFrame(t testing.TB) gocv.Mat {
	t.Helper()
	m := gocv.IMRead(testenv.Photo(t, "frontal/gocv_face.jpg"), gocv.IMReadColor)
	if m.Empty() {
		t.Fatal("cannot decode frontal/gocv_face.jpg")
	}
	t.Cleanup(func() { m.Close() })
	return m
}
