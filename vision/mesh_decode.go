package vision

import (
	"fmt"
	"math"

	"github.com/neckwatch/neckwatch/landmark"
)

// FaceMeshInputSize is the side of the square Face Mesh input.
const FaceMeshInputSize = 192

// faceMeshCropScale is the crop's side over the face box's larger side:
// MediaPipe's face landmark model expects the whole head with a margin.
const faceMeshCropScale = 1.5

// Affine is a 2x3 affine map [a b c; d e f]: x' = a x + b y + c,
// y' = d x + e y + f.
type Affine [6]float64

// Apply maps p.
func (m Affine) Apply(x, y float64) (float64, float64) {
	return m[0]*x + m[1]*y + m[2], m[3]*x + m[4]*y + m[5]
}

// Invert returns the inverse map.
func (m Affine) Invert() (Affine, error) {
	det := m[0]*m[4] - m[1]*m[3]
	if det == 0 || math.IsNaN(det) {
		return Affine{}, fmt.Errorf("affine map is singular")
	}
	a, b, d, e := m[4]/det, -m[1]/det, -m[3]/det, m[0]/det
	return Affine{a, b, -(a*m[2] + b*m[5]), d, e, -(d*m[2] + e*m[5])}, nil
}

// FaceMeshCrop returns the frame-to-input map of the Face Mesh crop for a
// face box: a square of 1.5x the box's larger side centred on the box,
// rotated by -angle (radians, the eye line's angle in the frame) so that
// the eyes are level (the network was trained on level faces), scaled to
// the 192x192 input. It also returns the crop's pixels per frame pixel,
// the factor that brings the mesh's depth back to frame pixels.
func FaceMeshCrop(box landmark.Rect, angle float64) (Affine, float64) {
	c := box.Center()
	side := faceMeshCropScale * math.Max(box.W, box.H)
	s := FaceMeshInputSize / side
	// Rotate by -angle about c, scale by s, move c to the input's centre.
	cos, sin := math.Cos(-angle)*s, math.Sin(-angle)*s
	half := FaceMeshInputSize / 2.0
	return Affine{
		cos, -sin, half - cos*c.X + sin*c.Y,
		sin, cos, half - sin*c.X - cos*c.Y,
	}, s
}

// DecodeFaceMesh turns the network's outputs into a mesh in frame
// coordinates: points holds 468 x (x, y, z) in input pixels, presence the
// face-presence logit, toFrame the input-to-frame map and scale the input
// pixels per frame pixel (FaceMeshCrop's second result).
func DecodeFaceMesh(points []float32, presence float32, toFrame Affine, scale float64) (landmark.Mesh, error) {
	var m landmark.Mesh
	if len(points) != 3*landmark.MeshPoints {
		return m, fmt.Errorf("face mesh gave %d values, want %d", len(points), 3*landmark.MeshPoints)
	}
	if scale <= 0 {
		return m, fmt.Errorf("face mesh crop scale %v is not positive", scale)
	}
	for i := range m.Points {
		x, y := toFrame.Apply(float64(points[3*i]), float64(points[3*i+1]))
		m.Points[i] = landmark.Point3{X: x, Y: y, Z: float64(points[3*i+2]) / scale}
	}
	m.Presence = 1 / (1 + math.Exp(-float64(presence)))
	return m, nil
}
