package vision

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"time"

	"gocv.io/x/gocv"

	"github.com/neckwatch/neckwatch/landmark"
)

// faceMeshOutputNames are the landmark and face-presence tensors of the
// Face Mesh graph, fetched by name.
var faceMeshOutputNames = []string{"conv2d_20", "conv2d_30"}

// FaceMeshDetector runs MediaPipe Face Mesh through OpenCV's dnn module on
// a crop around a face found by the face detector. It owns its network and
// scratch Mats; Close releases them. Not safe for concurrent use.
type FaceMeshDetector struct {
	net    gocv.Net
	affine gocv.Mat // 2x3 CV_64F frame-to-crop map
	crop   gocv.Mat
	blob   gocv.Mat

	// lastForward is the network's own forward time in the last fit.
	lastForward time.Duration
}

// NewFaceMeshDetector loads Face Mesh from its ONNX bytes (the OpenCV 4.6
// compatible export, see models.FaceMesh).
func NewFaceMeshDetector(onnx []byte) (*FaceMeshDetector, error) {
	net, err := gocv.ReadNetFromONNXBytes(onnx)
	if err != nil {
		return nil, fmt.Errorf("load face mesh model: %w", err)
	}
	if net.Empty() {
		return nil, fmt.Errorf("load face mesh model: OpenCV returned an empty network")
	}
	return &FaceMeshDetector{
		net:    net,
		affine: gocv.NewMatWithSize(2, 3, gocv.MatTypeCV64F),
		crop:   gocv.NewMat(),
		blob:   gocv.NewMat(),
	}, nil
}

// Close releases the network and scratch Mats.
func (d *FaceMeshDetector) Close() error {
	d.affine.Close()
	d.crop.Close()
	d.blob.Close()
	return d.net.Close()
}

// Detect fits the mesh to the face in box of a BGR frame, its eye line at
// eyeAngle (radians) in the frame. The crop is rotated to level the eyes
// and padded with black where it runs off the frame, so the geometry stays
// exact; the points come back in frame coordinates.
func (d *FaceMeshDetector) Detect(frame gocv.Mat, box landmark.Rect, eyeAngle float64) (landmark.Mesh, error) {
	return d.fit(frame, box, eyeAngle)
}

// Refit fits the mesh again in the crop that a previous fit m of the same
// face spans, levelled by m's own eye line. The network's points follow
// its crop a little: fitted in the face detector's box, whose size jitters
// by several percent, a face scaled by 1.15 measured 1.22 (1.21 for the
// whole frame scaled); refitted in its own span, 1.18. The refit also
// levels a strongly tilted head, whose tilt the face detector's eye points
// barely show and which the network follows only up to 10-15° in its crop.
func (d *FaceMeshDetector) Refit(frame gocv.Mat, m *landmark.Mesh) (landmark.Mesh, error) {
	return d.fit(frame, MeshBox(m), meshEyeAngle(m))
}

// meshEyeAngle is the angle of the mesh's outer-eye-corner line in the frame.
func meshEyeAngle(m *landmark.Mesh) float64 {
	v := m.At(landmark.MeshLeftEyeOuter).Sub(m.At(landmark.MeshRightEyeOuter))
	return math.Atan2(v.Y, v.X)
}

// MeshBox is the box a mesh's points span, the crop region for fitting the
// same face again.
func MeshBox(m *landmark.Mesh) landmark.Rect {
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range m.Points {
		x0, y0 = math.Min(x0, p.X), math.Min(y0, p.Y)
		x1, y1 = math.Max(x1, p.X), math.Max(y1, p.Y)
	}
	return landmark.Rect{X: x0, Y: y0, W: x1 - x0, H: y1 - y0}
}

func (d *FaceMeshDetector) fit(frame gocv.Mat, box landmark.Rect, eyeAngle float64) (landmark.Mesh, error) {
	if frame.Empty() {
		return landmark.Mesh{}, fmt.Errorf("face mesh: empty frame")
	}
	if box.W <= 0 || box.H <= 0 {
		return landmark.Mesh{}, fmt.Errorf("face mesh: empty face box")
	}
	toCrop, scale := FaceMeshCrop(box, eyeAngle)
	toFrame, err := toCrop.Invert()
	if err != nil {
		return landmark.Mesh{}, fmt.Errorf("face mesh: %w", err)
	}
	for i, v := range toCrop {
		d.affine.SetDoubleAt(i/3, i%3, v)
	}
	size := image.Pt(FaceMeshInputSize, FaceMeshInputSize)
	gocv.WarpAffineWithParams(frame, &d.crop, d.affine, size, gocv.InterpolationLinear, gocv.BorderConstant, color.RGBA{})
	// RGB scaled to [0, 1].
	gocv.BlobFromImages([]gocv.Mat{d.crop}, &d.blob, 1.0/255, size, gocv.NewScalar(0, 0, 0, 0), true, false, gocv.MatTypeCV32F)
	d.net.SetInput(d.blob, "")
	start := time.Now()
	outs := d.net.ForwardLayers(faceMeshOutputNames)
	d.lastForward = time.Since(start)
	defer func() {
		for i := range outs {
			outs[i].Close()
		}
	}()
	if len(outs) != len(faceMeshOutputNames) {
		return landmark.Mesh{}, fmt.Errorf("face mesh: network gave %d outputs, want %d", len(outs), len(faceMeshOutputNames))
	}
	pts, err := outs[0].DataPtrFloat32()
	if err != nil {
		return landmark.Mesh{}, fmt.Errorf("face mesh: %s: %w", faceMeshOutputNames[0], err)
	}
	pres, err := outs[1].DataPtrFloat32()
	if err != nil || len(pres) != 1 {
		return landmark.Mesh{}, fmt.Errorf("face mesh: %s: want one presence value (%v)", faceMeshOutputNames[1], err)
	}
	return DecodeFaceMesh(pts, pres[0], toFrame, scale)
}
