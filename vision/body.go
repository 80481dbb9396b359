package vision

import (
	"fmt"
	"image"
	"time"

	"gocv.io/x/gocv"

	"github.com/neckwatch/neckwatch/landmark"
)

// poseNetOutputNames are the outputs of the PoseNet graph as OpenCV 4.6
// names them: sigmoid heatmaps, short-range offsets, and the forward and
// backward displacement fields that keep a decoded body on one person.
var poseNetOutputNames = []string{"heatmap", "Conv2D_1", "Conv2D_2", "Conv2D_3"}

// BodyDetectorConfig tunes the body keypoint network.
type BodyDetectorConfig struct {
	// BudgetW x BudgetH is the input pixel budget; the actual input keeps
	// the frame's aspect ratio with each side 16k+1. 321x241 is PoseNet's
	// usual 4:3 input; smaller is faster but loses the shoulders' precision.
	BudgetW, BudgetH int
}

// DefaultBodyDetectorConfig returns the settings used by the pipeline.
func DefaultBodyDetectorConfig() BodyDetectorConfig {
	return BodyDetectorConfig{BudgetW: 321, BudgetH: 241}
}

// BodyDetector runs PoseNet (MobileNetV1 x0.50) through OpenCV's dnn module.
// It owns its network and blob; Close releases them. Not safe for
// concurrent use.
type BodyDetector struct {
	cfg  BodyDetectorConfig
	net  gocv.Net
	blob gocv.Mat

	// lastForward is the network's own forward time in the last Detect.
	lastForward time.Duration
}

// NewBodyDetector loads PoseNet from its TensorFlow frozen-graph bytes.
func NewBodyDetector(pb []byte, cfg BodyDetectorConfig) (*BodyDetector, error) {
	net, err := gocv.ReadNetFromTensorflowBytes(pb)
	if err != nil {
		return nil, fmt.Errorf("load body model: %w", err)
	}
	if net.Empty() {
		return nil, fmt.Errorf("load body model: OpenCV returned an empty network")
	}
	return &BodyDetector{cfg: cfg, net: net, blob: gocv.NewMat()}, nil
}

// Close releases the network and blob.
func (d *BodyDetector) Close() error {
	d.blob.Close()
	return d.net.Close()
}

// Detect estimates the body keypoints of the single most prominent person
// in a BGR frame, in frame coordinates.
func (d *BodyDetector) Detect(frame gocv.Mat) (landmark.Body, error) {
	if frame.Empty() {
		return landmark.Body{}, fmt.Errorf("body detector: empty frame")
	}
	fw, fh := frame.Cols(), frame.Rows()
	inW, inH := PoseNetInputSize(fw, fh, d.cfg.BudgetW, d.cfg.BudgetH)
	// RGB in [-1, 1]: (x - 127.5) * 2/255.
	gocv.BlobFromImages([]gocv.Mat{frame}, &d.blob, 2.0/255.0, image.Pt(inW, inH), gocv.NewScalar(127.5, 127.5, 127.5, 0), true, false, gocv.MatTypeCV32F)
	d.net.SetInput(d.blob, "")
	start := time.Now()
	outs := d.net.ForwardLayers(poseNetOutputNames)
	d.lastForward = time.Since(start)
	defer func() {
		for i := range outs {
			outs[i].Close()
		}
	}()
	if len(outs) != len(poseNetOutputNames) {
		return landmark.Body{}, fmt.Errorf("body detector: network gave %d outputs, want %d", len(outs), len(poseNetOutputNames))
	}
	heat, err := outs[0].DataPtrFloat32()
	if err != nil {
		return landmark.Body{}, fmt.Errorf("body detector: heatmap: %w", err)
	}
	offs, err := outs[1].DataPtrFloat32()
	if err != nil {
		return landmark.Body{}, fmt.Errorf("body detector: offsets: %w", err)
	}
	fwd, err := outs[2].DataPtrFloat32()
	if err != nil {
		return landmark.Body{}, fmt.Errorf("body detector: forward displacements: %w", err)
	}
	bwd, err := outs[3].DataPtrFloat32()
	if err != nil {
		return landmark.Body{}, fmt.Errorf("body detector: backward displacements: %w", err)
	}
	hh, wh := (inH-1)/PoseNetOutputStride+1, (inW-1)/PoseNetOutputStride+1
	if want := int(landmark.NumBodyParts) * hh * wh; len(heat) != want {
		return landmark.Body{}, fmt.Errorf("body detector: heatmap has %d values, want %d", len(heat), want)
	}
	return DecodePoseNet(PoseNetOutput{Heatmap: heat, Offsets: offs, DispFwd: fwd, DispBwd: bwd, Hh: hh, Wh: wh}, inW, inH, fw, fh), nil
}
