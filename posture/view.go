package posture

import (
	"math"

	"github.com/neckwatch/neckwatch/landmark"
)

// Population figures for the front view, used before calibration, from
// upright adults at webcams measured with the face mesh (the project's
// four frontal portraits of different people). The face/shoulder ratio
// ranged 0.19-0.24 between them (median 0.23): the figure sits at the
// upper end on purpose, because before calibration a false alarm costs
// more trust than a missed mild case; with the widened limits a clearly
// forward head (face 15% larger) is still flagged for most people.
const (
	populationFaceScale  = 0.235 // face size (eye distance) / shoulder width
	populationEyeHeight  = 3.1   // eyes above the shoulder line, in face sizes (eye distances)
	populationChinHeight = 1.5   // chin above the shoulder line, in eye distances
	populationPitchDeg   = 10    // the mesh's forehead-chin line leans back ~10° on an upright face
	// populationHeadDistCM is a typical distance from the webcam to the
	// eyes at a desk (an arm's length, 50-70 cm, minus the screen's depth).
	populationHeadDistCM = 55
)

// View detection: the body seen in profile has its shoulders one behind
// the other, so their spread is small against the head's size (a frontal
// upper body spreads them 4-5 eye distances apart; a profile under 2); a
// face turned further than a front camera allows is a profile too.
const (
	sideShoulderSpread = 2.0 // shoulder spread in face sizes below which the body is in profile
	sideFaceYawDeg     = 60
)

// DetectView tells from one frame whether the camera sees the user from
// the front or the side, so that the view is a fact read off the picture
// rather than a setting people get wrong. Nobody there reads as Front.
func DetectView(fr *landmark.Frame, cam CameraModel) View {
	return detectView(fr, MeasureFront(fr, cam))
}

// detectView is DetectView with the frame's front-view features measured.
func detectView(fr *landmark.Frame, ft FrontFeatures) View {
	spread, spreadOK := shoulderSpread(fr.Body)
	if ft.Face && ft.Mesh {
		if math.Abs(ft.YawDeg) > sideFaceYawDeg {
			return Side
		}
		if spreadOK && ft.EyeDistPx > 0 && spread < sideShoulderSpread*ft.EyeDistPx && MeasureSide(fr).Usable {
			return Side
		}
		return Front
	}
	// No face, or one the mesh cannot fit (a profile scores near 0):
	// a usable profile body is the side view.
	sd := MeasureSide(fr)
	if !sd.Usable {
		return Front
	}
	if ft.Face && spreadOK && ft.EyeDistPx > 0 && spread >= 1.5*sideShoulderSpread*ft.EyeDistPx {
		return Front // a face the mesh could not fit, over a frontal body
	}
	return Side
}

// shoulderSpread is the distance between the two shoulder keypoints when
// both are reasonably confident.
func shoulderSpread(b *landmark.Body) (float64, bool) {
	if b == nil {
		return 0, false
	}
	l, r := b.Part(landmark.LeftShoulder), b.Part(landmark.RightShoulder)
	if l.Score < minKeypointScore || r.Score < minKeypointScore {
		return 0, false
	}
	return l.Dist(r.Point), true
}
