package vision_test

import (
	"image"
	"testing"

	"gocv.io/x/gocv"

	"github.com/neckwatch/neckwatch/internal/testenv"
	"github.com/neckwatch/neckwatch/internal/testenv/visiontest"
	"github.com/neckwatch/neckwatch/landmark"
)

// readPhoto decodes a test photo (a crop of it when crop is not empty),
// closed at the end of the test.
func readPhoto(t *testing.T, rel string, crop image.Rectangle) gocv.Mat {
	t.Helper()
	m := gocv.IMRead(testenv.Photo(t, rel), gocv.IMReadColor)
	if m.Empty() {
		t.Fatalf("cannot decode %s", rel)
	}
	if !crop.Empty() {
		r := m.Region(crop)
		c := r.Clone()
		r.Close()
		m.Close()
		m = c
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// The face mesh on real people: confident on every frontal portrait, with
// its eyes on the face detector's; near zero presence, or eyes elsewhere,
// on a profile, which the posture geometry must then not trust.
func TestFaceMeshOnRealPhotos(t *testing.T) {
	pipe := visiontest.Pipeline(t)
	for _, tc := range []struct {
		photo   string
		crop    image.Rectangle
		frontal bool
	}{
		{"frontal/gocv_face.jpg", image.Rectangle{}, true},
		{"frontal/grace_hopper.jpg", image.Rectangle{}, true},
		{"frontal/skimage_astronaut.png", image.Rectangle{}, true},
		{"frontal/apollo11_crew.jpg", image.Rect(180, 40, 420, 471), true},
		{"side/hunchback_right.jpg", image.Rectangle{}, false},
	} {
		t.Run(tc.photo, func(t *testing.T) {
			lm, timing, err := pipe.Detect(readPhoto(t, tc.photo, tc.crop))
			if err != nil {
				t.Fatal(err)
			}
			face, ok := lm.PrimaryFace()
			if !ok {
				t.Fatal("no face")
			}
			if face.Mesh == nil {
				t.Fatal("the user's face got no mesh")
			}
			m := face.Mesh
			ied := face.EyeDistance()
			eyeErr := max(m.RightEyeCentre().XY().Dist(face.RightEye), m.LeftEyeCentre().XY().Dist(face.LeftEye)) / ied
			t.Logf("presence %.3f, mesh eyes %.2f eye distances from the detector's, mesh %v", m.Presence, eyeErr, timing.Mesh)
			if tc.frontal {
				if m.Presence < 0.9 || eyeErr > 0.25 {
					t.Errorf("frontal face: presence %.3f (want >= 0.9), eye error %.2f (want <= 0.25)", m.Presence, eyeErr)
				}
				// Depth is on the frame's pixel scale: the outer eye corners
				// of a frontal face lie at about the same depth.
				d := m.At(landmark.MeshLeftEyeOuter).Sub(m.At(landmark.MeshRightEyeOuter))
				if d.Z*d.Z > 0.1*(d.X*d.X+d.Y*d.Y) {
					t.Errorf("outer eye corners differ in depth by %.1f px over %.1f px across", d.Z, d.X)
				}
			} else if m.Presence > 0.2 && eyeErr < 0.35 {
				t.Errorf("profile: presence %.3f and eye error %.2f would pass the posture gate", m.Presence, eyeErr)
			}
		})
	}
}

// Track follows an unmoved face with the mesh alone and runs everything
// when the face is gone or elsewhere; it never reuses more than two frames
// in a row.
func TestTrackReusesOnlyAnUnmovedFace(t *testing.T) {
	pipe := visiontest.Pipeline(t)
	desk := visiontest.DeskFrame(t)
	full, _, err := pipe.Detect(desk)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := full.PrimaryFace()
	for i := 1; i <= 3; i++ {
		lm, timing, err := pipe.Track(desk)
		if err != nil {
			t.Fatal(err)
		}
		reused := timing.FaceForward == 0 && timing.BodyForward == 0
		if reused != (i <= 2) {
			t.Fatalf("frame %d after a full one: reused %v (face %v, body %v)", i, reused, timing.FaceForward, timing.BodyForward)
		}
		got, ok := lm.PrimaryFace()
		if !ok || got.Mesh == nil || lm.Body == nil {
			t.Fatalf("frame %d: no face, mesh or body", i)
		}
		if d := got.EyeMid().Dist(want.EyeMid()); d > 0.05*want.EyeDistance() {
			t.Errorf("frame %d: tracked eyes %.1f px from the detected ones", i, d)
		}
	}
	// Another photo of the same size: the mesh in the old box finds no
	// unmoved face, so everything runs.
	other := readPhoto(t, "frontal/skimage_astronaut.png", image.Rectangle{})
	moved := gocv.NewMat()
	defer moved.Close()
	gocv.Resize(other, &moved, image.Pt(desk.Cols(), desk.Rows()), 0, 0, gocv.InterpolationLinear)
	if _, _, err := pipe.Detect(desk); err != nil {
		t.Fatal(err)
	}
	if _, timing, err := pipe.Track(moved); err != nil {
		t.Fatal(err)
	} else if timing.FaceForward == 0 || timing.BodyForward == 0 {
		t.Error("a frame with the face elsewhere reused the previous face and body")
	}
}
