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

// BenchmarkPipeline measures the whole per-frame pipeline (the three
// networks with their pre- and post-processing) and reports the split:
// face-net-ms, body-net-ms and mesh-net-ms are the networks' own forward
// passes, other-ms all the rest, and overhead-% that rest relative to the
// forward passes. "full" runs every network on every frame (a single
// image, a folder); "burst" judges frames as the daemon's bursts and a
// video are judged: the first frame of three in full, the next two
// tracked (the face mesh alone, the unmoved face's box and shoulders
// reused). An op is one frame.
func BenchmarkPipeline(b *testing.B) {
	for _, mode := range []string{"full", "burst"} {
		for _, size := range []struct {
			name string
			w, h int
		}{{"640x480", 640, 480}, {"1920x1080", 1920, 1080}} {
			b.Run(mode+"/"+size.name, func(b *testing.B) {
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
					if _, _, err := p.Track(frame); err != nil {
						b.Fatal(err)
					}
				}
				var face, body, mesh, total float64 // forward passes and whole call, microseconds
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					detect := p.Detect
					if mode == "burst" && i%3 != 0 {
						detect = p.Track
					}
					_, t, err := detect(frame)
					if err != nil {
						b.Fatal(err)
					}
					face += float64(t.FaceForward.Microseconds())
					body += float64(t.BodyForward.Microseconds())
					mesh += float64(t.MeshForward.Microseconds())
					total += float64(t.Total.Microseconds())
				}
				n := float64(b.N) * 1000
				fwd := face + body + mesh
				b.ReportMetric(face/n, "face-net-ms")
				b.ReportMetric(body/n, "body-net-ms")
				b.ReportMetric(mesh/n, "mesh-net-ms")
				b.ReportMetric((total-fwd)/n, "other-ms")
				b.ReportMetric(100*(total-fwd)/fwd, "overhead-%")
			})
		}
	}
}
