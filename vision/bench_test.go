package vision_test

import (
	"image"
	"os"
	"testing"

	"gocv.io/x/gocv"

	"github.com/neckwatch/neckwatch/internal/testenv"
	"github.com/neckwatch/neckwatch/vision"
)

// benchFrame returns the desk webcam photo resized to w x h.
func benchFrame(b *testing.B, w, h int) gocv.Mat {
	b.Helper()
	img := gocv.IMRead(testenv.Photo(b, "frontal/gocv_face.jpg"), gocv.IMReadColor)
	defer img.Close()
	out := gocv.NewMat()
	gocv.Resize(img, &out, image.Pt(w, h), 0, 0, gocv.InterpolationLinear)
	return out
}

func newBenchPipeline(b *testing.B) *vision.Pipeline {
	b.Helper()
	cfg := vision.DefaultPipelineConfig()
	cfg.ModelDir = testenv.ModelDir(b)
	p, err := vision.NewPipeline(cfg)
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkPipeline measures the whole per-frame pipeline (both networks
// with their pre- and post-processing) and reports the split: face-net-ms
// and body-net-ms are the networks' own forward passes, other-ms all the
// rest, and overhead-% that rest relative to the two forward passes.
func BenchmarkPipeline(b *testing.B) {
	for _, size := range []struct {
		name string
		w, h int
	}{{"640x480", 640, 480}, {"1920x1080", 1920, 1080}} {
		b.Run(size.name, func(b *testing.B) {
			frame := benchFrame(b, size.w, size.h)
			defer frame.Close()
			if os.Getenv("NECKWATCH_BENCH_THREADS") == "1" {
				vision.SetThreads(1)
				defer vision.SetThreads(0)
			}
			p := newBenchPipeline(b)
			defer p.Close()
			for i := 0; i < 3; i++ { // warm up: the first pass allocates the network's buffers
				if _, _, err := p.Detect(frame); err != nil {
					b.Fatal(err)
				}
			}
			var face, body, total float64 // forward passes and whole Detect, microseconds
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				_, t, err := p.Detect(frame)
				if err != nil {
					b.Fatal(err)
				}
				face += float64(t.FaceForward.Microseconds())
				body += float64(t.BodyForward.Microseconds())
				total += float64(t.Total.Microseconds())
			}
			n := float64(b.N) * 1000
			b.ReportMetric(face/n, "face-net-ms")
			b.ReportMetric(body/n, "body-net-ms")
			b.ReportMetric((total-face-body)/n, "other-ms")
			b.ReportMetric(100*(total-face-body)/(face+body), "overhead-%")
		})
	}
}
