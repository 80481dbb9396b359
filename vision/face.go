package vision

import (
	"fmt"
	"image"
	"image/color"
	"time"

	"gocv.io/x/gocv"

	"github.com/neckwatch/neckwatch/landmark"
)

// yunetOutputNames are YuNet 2023mar's output tensors. They are fetched by
// name: OpenCV 4.6 lists the unconnected layers in a different order.
var yunetOutputNames = []string{
	"cls_8", "cls_16", "cls_32",
	"obj_8", "obj_16", "obj_32",
	"bbox_8", "bbox_16", "bbox_32",
	"kps_8", "kps_16", "kps_32",
}

// FaceDetectorConfig tunes the face detector. The zero value is not useful;
// start from DefaultFaceDetectorConfig.
type FaceDetectorConfig struct {
	// InputLongSide is the network input's longer side in pixels. A webcam
	// user's face fills a good part of the frame (eyes 30+ px apart at this
	// size at a desk), so 256 (256x192 for 4:3) finds it with room to spare
	// and keeps the forward pass near 2 ms on a laptop CPU.
	InputLongSide int
	// RetryLongSide is a larger input tried when InputLongSide finds no
	// face in a frame at least twice its size: a wide-angle or high
	// resolution camera, or a user sitting back, shows a face too small
	// for the first pass. 0 turns the retry off. It costs a second, larger
	// pass only on frames without a face.
	RetryLongSide  int
	ScoreThreshold float64
	NMSThreshold   float64
	TopK           int
}

// DefaultFaceDetectorConfig returns the settings used by the pipeline.
func DefaultFaceDetectorConfig() FaceDetectorConfig {
	return FaceDetectorConfig{InputLongSide: 256, RetryLongSide: 640, ScoreThreshold: 0.6, NMSThreshold: 0.3, TopK: 5}
}

// FaceDetector runs YuNet through OpenCV's dnn module and decodes its output.
// It owns its network and scratch Mats; Close releases them. Not safe for
// concurrent use.
type FaceDetector struct {
	cfg     FaceDetectorConfig
	net     gocv.Net
	resized gocv.Mat
	padded  gocv.Mat
	blob    gocv.Mat
	heads   []YuNetHead

	// lastForward is the network's own forward time in the last Detect.
	lastForward time.Duration
}

// NewFaceDetector loads YuNet from its ONNX bytes.
func NewFaceDetector(onnx []byte, cfg FaceDetectorConfig) (*FaceDetector, error) {
	net, err := gocv.ReadNetFromONNXBytes(onnx)
	if err != nil {
		return nil, fmt.Errorf("load face model: %w", err)
	}
	if net.Empty() {
		return nil, fmt.Errorf("load face model: OpenCV returned an empty network")
	}
	return &FaceDetector{
		cfg:     cfg,
		net:     net,
		resized: gocv.NewMat(),
		padded:  gocv.NewMat(),
		blob:    gocv.NewMat(),
		heads:   make([]YuNetHead, len(yunetStrides)),
	}, nil
}

// Close releases the network and scratch Mats.
func (d *FaceDetector) Close() error {
	d.resized.Close()
	d.padded.Close()
	d.blob.Close()
	return d.net.Close()
}

// Detect finds faces in a BGR frame. Faces come back in frame coordinates,
// sorted by descending score.
func (d *FaceDetector) Detect(frame gocv.Mat) ([]landmark.Face, error) {
	if frame.Empty() {
		return nil, fmt.Errorf("face detector: empty frame")
	}
	faces, err := d.detect(frame, d.cfg.InputLongSide)
	if err != nil || len(faces) > 0 || d.cfg.RetryLongSide <= d.cfg.InputLongSide ||
		max(frame.Cols(), frame.Rows()) < 2*d.cfg.InputLongSide {
		return faces, err
	}
	first := d.lastForward
	faces, err = d.detect(frame, min(d.cfg.RetryLongSide, max(frame.Cols(), frame.Rows())))
	d.lastForward += first
	return faces, err
}

func (d *FaceDetector) detect(frame gocv.Mat, longSide int) ([]landmark.Face, error) {
	fw, fh := frame.Cols(), frame.Rows()
	inW, inH, scale := YuNetInputSize(fw, fh, longSide)
	rw := int(float64(fw)/scale + 0.5)
	rh := int(float64(fh)/scale + 0.5)
	if rw > inW {
		rw = inW
	}
	if rh > inH {
		rh = inH
	}
	gocv.Resize(frame, &d.resized, image.Pt(rw, rh), 0, 0, gocv.InterpolationLinear)
	gocv.CopyMakeBorder(d.resized, &d.padded, 0, inH-rh, 0, inW-rw, gocv.BorderConstant, color.RGBA{})
	gocv.BlobFromImages([]gocv.Mat{d.padded}, &d.blob, 1, image.Pt(inW, inH), gocv.NewScalar(0, 0, 0, 0), false, false, gocv.MatTypeCV32F)
	d.net.SetInput(d.blob, "")
	start := time.Now()
	outs := d.net.ForwardLayers(yunetOutputNames)
	d.lastForward = time.Since(start)
	defer func() {
		for i := range outs {
			outs[i].Close()
		}
	}()
	if len(outs) != len(yunetOutputNames) {
		return nil, fmt.Errorf("face detector: network gave %d outputs, want %d", len(outs), len(yunetOutputNames))
	}
	for i, s := range yunetStrides {
		h := YuNetHead{Stride: s}
		var err error
		if h.Cls, err = outs[i].DataPtrFloat32(); err != nil {
			return nil, fmt.Errorf("face detector: cls_%d: %w", s, err)
		}
		if h.Obj, err = outs[3+i].DataPtrFloat32(); err != nil {
			return nil, fmt.Errorf("face detector: obj_%d: %w", s, err)
		}
		if h.BBox, err = outs[6+i].DataPtrFloat32(); err != nil {
			return nil, fmt.Errorf("face detector: bbox_%d: %w", s, err)
		}
		if h.Kps, err = outs[9+i].DataPtrFloat32(); err != nil {
			return nil, fmt.Errorf("face detector: kps_%d: %w", s, err)
		}
		d.heads[i] = h
	}
	faces := DecodeYuNet(d.heads, YuNetDecodeParams{
		InputW: inW, InputH: inH, Scale: scale,
		ScoreThreshold: d.cfg.ScoreThreshold, NMSThreshold: d.cfg.NMSThreshold, TopK: d.cfg.TopK,
	})
	for i := range d.heads {
		d.heads[i] = YuNetHead{} // the slices alias Mats closed on return
	}
	return faces, nil
}
