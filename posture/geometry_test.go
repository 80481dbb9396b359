package posture

import (
	"math"
	"testing"

	"github.com/neckwatch/neckwatch/landmark"
)

const (
	testW, testH = 640, 480
	testIED      = 63.0 // eye distance, px
)

func approx(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// frontalFace returns an upright, frontal face with the eye midpoint at
// (cx, cy) and eyes ied apart, its nose and mouth placed per the canonical
// model so that headPose gives pitch = yaw = roll = 0, and its box sized by
// the typical eye-distance ratios so that every size cue agrees on ied. The
// subject's right eye is on the image left.
func frontalFace(cx, cy, ied float64) landmark.Face {
	mouthHalf := 0.35 * ied
	bw, bh := ied/eyeDistPerBoxW, ied/eyeDistPerBoxH
	return landmark.Face{
		Box:        landmark.Rect{X: cx - bw/2, Y: cy - 0.45*bh, W: bw, H: bh},
		Score:      0.9,
		RightEye:   landmark.Point{X: cx - ied/2, Y: cy},
		LeftEye:    landmark.Point{X: cx + ied/2, Y: cy},
		Nose:       landmark.Point{X: cx, Y: cy + faceNoseY*ied},
		RightMouth: landmark.Point{X: cx - mouthHalf, Y: cy + faceMouthY*ied},
		LeftMouth:  landmark.Point{X: cx + mouthHalf, Y: cy + faceMouthY*ied},
	}
}

// rotateFace rotates the five landmarks by deg (image coordinates, so
// positive turns +x towards +y) about the eye midpoint.
func rotateFace(f landmark.Face, deg float64) landmark.Face {
	c := f.EyeMid()
	s, co := math.Sincos(deg * math.Pi / 180)
	rot := func(p landmark.Point) landmark.Point {
		d := p.Sub(c)
		return landmark.Point{X: c.X + d.X*co - d.Y*s, Y: c.Y + d.X*s + d.Y*co}
	}
	f.RightEye, f.LeftEye, f.Nose = rot(f.RightEye), rot(f.LeftEye), rot(f.Nose)
	f.RightMouth, f.LeftMouth = rot(f.RightMouth), rot(f.LeftMouth)
	return f
}

// bodyWithShoulders returns a body whose shoulders are at l (subject's left,
// image right) and r with the given score.
func bodyWithShoulders(l, r landmark.Point, score float64) *landmark.Body {
	var b landmark.Body
	b.Keypoints[landmark.LeftShoulder] = landmark.Keypoint{Point: l, Score: score}
	b.Keypoints[landmark.RightShoulder] = landmark.Keypoint{Point: r, Score: score}
	return &b
}

// Upright test scene: eyes at (320, 200) 63 px apart, shoulders 280 px
// wide centred at (320, 396): FaceScale 0.225, EyeHeight 0.7, lateral 0.
var (
	uprightEye       = landmark.Point{X: 320, Y: 200}
	uprightShoulderW = 280.0
	uprightShoulderY = 396.0
)

func uprightBody() *landmark.Body {
	return bodyWithShoulders(
		landmark.Point{X: 320 + uprightShoulderW/2, Y: uprightShoulderY},
		landmark.Point{X: 320 - uprightShoulderW/2, Y: uprightShoulderY}, 0.9)
}

func frontFrame(f landmark.Face, body *landmark.Body) *landmark.Frame {
	return &landmark.Frame{Width: testW, Height: testH, Faces: []landmark.Face{f}, Body: body}
}

func TestHeadPoseFrontalIsZero(t *testing.T) {
	for _, ied := range []float64{20, 63, 150} {
		p, y, r := headPose(frontalFace(300, 200, ied))
		if !approx(p, 0, 1e-9) || !approx(y, 0, 1e-9) || !approx(r, 0, 1e-9) {
			t.Errorf("ied %v: pose = %v, %v, %v; want 0, 0, 0", ied, p, y, r)
		}
	}
	if p, y, r := headPose(landmark.Face{}); p != 0 || y != 0 || r != 0 {
		t.Errorf("degenerate face: pose = %v, %v, %v; want zeros", p, y, r)
	}
}

func TestHeadPoseRoll(t *testing.T) {
	for _, deg := range []float64{-20, -10, 10, 20} {
		p, y, r := headPose(rotateFace(frontalFace(320, 200, testIED), deg))
		if !approx(r, deg, 1e-9) {
			t.Errorf("rotated %v°: roll = %v", deg, r)
		}
		// Roll must not leak into pitch or yaw.
		if !approx(p, 0, 1e-9) || !approx(y, 0, 1e-9) {
			t.Errorf("rotated %v°: pitch %v yaw %v, want 0", deg, p, y)
		}
	}
	// Positive roll = the subject's left eye (image right) lower.
	f := frontalFace(320, 200, testIED)
	f.LeftEye.Y += 10
	if _, _, r := headPose(f); r <= 0 {
		t.Errorf("left eye lower: roll = %v, want > 0", r)
	}
}

func TestHeadPoseYaw(t *testing.T) {
	tests := []struct {
		shift float64 // nose shift in eye distances, +x = towards the subject's left
		want  float64
	}{
		{0.1, math.Atan(0.1/faceNoseZ) * 180 / math.Pi}, // ~10.3°
		{-0.1, -math.Atan(0.1/faceNoseZ) * 180 / math.Pi},
		{faceNoseZ, 45},
		{-faceNoseZ, -45},
	}
	for _, tc := range tests {
		f := frontalFace(320, 200, testIED)
		f.Nose.X += tc.shift * testIED
		_, y, r := headPose(f)
		if !approx(y, tc.want, 1e-9) {
			t.Errorf("nose shifted %v ied: yaw = %v, want %v", tc.shift, y, tc.want)
		}
		if r != 0 {
			t.Errorf("nose shifted %v ied: roll = %v, want 0", tc.shift, r)
		}
	}
}

func TestHeadPosePitch(t *testing.T) {
	prev := math.Inf(-1)
	for _, noseY := range []float64{0.45, 0.5, faceNoseY, 0.65, 0.75, 0.85} {
		f := frontalFace(320, 200, testIED)
		f.Nose.Y = 200 + noseY*testIED
		p, y, _ := headPose(f)
		if p <= prev {
			t.Errorf("nose at %v ied: pitch %v did not increase (previous %v)", noseY, p, prev)
		}
		if noseY > faceNoseY && p <= 0 || noseY < faceNoseY && p >= 0 {
			t.Errorf("nose at %v ied: pitch %v has the wrong sign", noseY, p)
		}
		if y != 0 {
			t.Errorf("nose at %v ied: yaw %v, want 0", noseY, y)
		}
		prev = p
	}
	// Hand-computed: nose at 0.7 ied, mouth at 1.05: r = 2/3,
	// tan = (0.7 - 0.555) / (0.55 - 0.1) -> 17.86°.
	f := frontalFace(320, 200, testIED)
	f.Nose.Y = 200 + 0.7*testIED
	if p, _, _ := headPose(f); !approx(p, math.Atan(0.145/0.45)*180/math.Pi, 1e-9) {
		t.Errorf("nose at 0.7 ied: pitch = %v, want 17.86", p)
	}
}

func TestFocalPx(t *testing.T) {
	cam := DefaultCameraModel()
	want := 320 / math.Tan(35*math.Pi/180) // ~457.0
	if got := cam.FocalPx(640); !approx(got, want, 1e-9) || !approx(got, 457.0, 0.05) {
		t.Errorf("FocalPx(640) = %v, want %v", got, want)
	}
}

func TestMeasureFront(t *testing.T) {
	cam := DefaultCameraModel()
	f := 320 / math.Tan(35*math.Pi/180)
	tests := []struct {
		name          string
		frame         *landmark.Frame
		wantShoulders bool
		eyeHeight     float64
		faceScale     float64
		lateral       float64
		headDist      float64
	}{
		{
			name:          "upright",
			frame:         frontFrame(frontalFace(320, 200, testIED), uprightBody()),
			wantShoulders: true, eyeHeight: 0.7, faceScale: 0.225, lateral: 0, headDist: f * 6.3 / 63,
		},
		{
			name:          "head shifted 28 px to image right",
			frame:         frontFrame(frontalFace(348, 200, testIED), uprightBody()),
			wantShoulders: true, eyeHeight: 0.7, faceScale: 0.225, lateral: 0.1, headDist: f * 6.3 / 63,
		},
		{
			name:          "eyes 56 px lower",
			frame:         frontFrame(frontalFace(320, 256, testIED), uprightBody()),
			wantShoulders: true, eyeHeight: 0.5, faceScale: 0.225, lateral: 0, headDist: f * 6.3 / 63,
		},
		{
			name:          "face closer",
			frame:         frontFrame(frontalFace(320, 200, 84), uprightBody()),
			wantShoulders: true, eyeHeight: 0.7, faceScale: 0.3, lateral: 0, headDist: f * 6.3 / 84,
		},
		{
			name:          "no body",
			frame:         frontFrame(frontalFace(320, 200, testIED), nil),
			wantShoulders: false, headDist: f * 6.3 / 63,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ft := MeasureFront(tc.frame, cam)
			if !ft.Face || ft.FaceScore != 0.9 || ft.FrameW != testW || ft.FrameH != testH {
				t.Fatalf("features %+v: want a face scoring 0.9 in a 640x480 frame", ft)
			}
			if ft.Shoulders != tc.wantShoulders {
				t.Fatalf("Shoulders = %v, want %v", ft.Shoulders, tc.wantShoulders)
			}
			if !approx(ft.HeadDistCM, tc.headDist, 1e-9) {
				t.Errorf("HeadDistCM = %v, want %v", ft.HeadDistCM, tc.headDist)
			}
			if !approx(ft.EyeHeight, tc.eyeHeight, 1e-9) || !approx(ft.FaceScale, tc.faceScale, 1e-9) || !approx(ft.LateralOffset, tc.lateral, 1e-9) {
				t.Errorf("EyeHeight %v FaceScale %v Lateral %v; want %v %v %v", ft.EyeHeight, ft.FaceScale, ft.LateralOffset, tc.eyeHeight, tc.faceScale, tc.lateral)
			}
			// Positions and lengths are in frame widths.
			if tc.wantShoulders && (!approx(ft.ShoulderWidth, uprightShoulderW/testW, 1e-12) ||
				!approx(ft.ShoulderMid.X, 320.0/testW, 1e-12) || !approx(ft.ShoulderMid.Y, uprightShoulderY/testW, 1e-12)) {
				t.Errorf("shoulder width %v mid %v, want %v (%v, %v) frame widths", ft.ShoulderWidth, ft.ShoulderMid,
					uprightShoulderW/testW, 320.0/testW, uprightShoulderY/testW)
			}
			if !tc.wantShoulders && (ft.ShoulderWidth != 0 || ft.ShoulderMid != (landmark.Point{})) {
				t.Errorf("no shoulders, yet shoulder width %v mid %v", ft.ShoulderWidth, ft.ShoulderMid)
			}
			if !approx(ft.FaceWidth, ft.EyeDistPx/testW, 1e-12) {
				t.Errorf("FaceWidth %v, want EyeDistPx/W = %v", ft.FaceWidth, ft.EyeDistPx/testW)
			}
			if ft.Mesh {
				t.Error("Mesh set for a face without a mesh")
			}
		})
	}
	// The pinhole figure from the brief: 63 px at 640 wide, 70° HFOV -> 45.7 cm.
	ft := MeasureFront(frontFrame(frontalFace(320, 200, 63), nil), cam)
	wantMid := uprightEye.Scale(1.0 / testW)
	if !approx(ft.HeadDistCM, 45.7, 0.05) || ft.EyeDistPx != 63 || !approx(ft.FaceWidth, 63.0/testW, 1e-12) ||
		!approx(ft.EyeMid.X, wantMid.X, 1e-12) || !approx(ft.EyeMid.Y, wantMid.Y, 1e-12) {
		t.Errorf("HeadDistCM = %v (want ~45.7), EyeDistPx %v (want 63), FaceWidth %v (want %v), EyeMid %v (want %v)",
			ft.HeadDistCM, ft.EyeDistPx, ft.FaceWidth, 63.0/testW, ft.EyeMid, wantMid)
	}
}

// yawedFace returns the frontal face of eye distance ied turned by yawDeg
// as a camera sees it: widths foreshortened by cos(yaw), the nose tip moved
// across by faceNoseZ*sin(yaw).
func yawedFace(cx, cy, ied, yawDeg float64) landmark.Face {
	s, c := math.Sincos(yawDeg * math.Pi / 180)
	f := frontalFace(cx, cy, ied)
	squeeze := func(p landmark.Point) landmark.Point { return landmark.Point{X: cx + (p.X-cx)*c, Y: p.Y} }
	f.RightEye, f.LeftEye = squeeze(f.RightEye), squeeze(f.LeftEye)
	f.RightMouth, f.LeftMouth = squeeze(f.RightMouth), squeeze(f.LeftMouth)
	f.Nose.X = cx + faceNoseZ*s*ied
	f.Box.X, f.Box.W = cx-f.Box.W*c/2, f.Box.W*c
	return f
}

func TestMeasureFrontYawCorrectsEyeDistance(t *testing.T) {
	cam := DefaultCameraModel()
	measure := func(yaw float64) FrontFeatures {
		ft := MeasureFront(frontFrame(yawedFace(320, 200, testIED, yaw), nil), cam)
		if !approx(ft.YawDeg, yaw, 1e-9) {
			t.Fatalf("face turned %v°: YawDeg = %v", yaw, ft.YawDeg)
		}
		return ft
	}
	// Up to 60° the foreshortening is undone: the same head, the same size
	// and distance.
	for _, yaw := range []float64{0, 10, -10, 30, -30, 45, 60, -60} {
		ft := measure(yaw)
		if !approx(ft.EyeDistPx, testIED, 1e-9) || !approx(ft.HeadDistCM, cam.FocalPx(testW)*6.3/testIED, 1e-9) {
			t.Errorf("yaw %v: EyeDistPx %v HeadDistCM %v, want %v and the frontal distance", yaw, ft.EyeDistPx, ft.HeadDistCM, testIED)
		}
	}
	// Beyond 60° the correction stays at 2x: a 75° turn reads smaller.
	if ft := measure(75); ft.EyeDistPx >= testIED || ft.EyeDistPx <= testIED/2 {
		t.Errorf("yaw 75: EyeDistPx %v, want between %v and %v (capped correction)", ft.EyeDistPx, testIED/2, testIED)
	}
}

// TestMeasureFrontUsesMatchingBody checks that PoseNet's eyes and ears
// refine the face size and roll only when the body's nose is in the face.
func TestMeasureFrontUsesMatchingBody(t *testing.T) {
	cam := DefaultCameraModel()
	face := frontalFace(320, 200, testIED)
	body := func(nose landmark.Point, eyeDist, ears, rollDeg float64) *landmark.Body {
		b := uprightBody()
		s, c := math.Sincos(rollDeg * math.Pi / 180)
		b.Keypoints[landmark.Nose] = landmark.Keypoint{Point: nose, Score: 0.9}
		b.Keypoints[landmark.LeftEye] = landmark.Keypoint{Point: landmark.Point{X: 320 + c*eyeDist/2, Y: 200 + s*eyeDist/2}, Score: 0.9}
		b.Keypoints[landmark.RightEye] = landmark.Keypoint{Point: landmark.Point{X: 320 - c*eyeDist/2, Y: 200 - s*eyeDist/2}, Score: 0.9}
		if ears > 0 {
			b.Keypoints[landmark.LeftEar] = landmark.Keypoint{Point: landmark.Point{X: 320 + ears/2, Y: 210}, Score: 0.8}
			b.Keypoints[landmark.RightEar] = landmark.Keypoint{Point: landmark.Point{X: 320 - ears/2, Y: 210}, Score: 0.8}
		}
		return b
	}
	inFace := face.Nose
	elsewhere := landmark.Point{X: 600, Y: 100}
	consistentEyes := testIED / eyeDistPerPoseEyes
	consistentEars := testIED / eyeDistPerPoseEars
	tests := []struct {
		name     string
		body     *landmark.Body
		eyeDist  float64
		roll     float64
		headDist float64
	}{
		{"consistent PoseNet eyes and ears", body(inFace, consistentEyes, consistentEars, 0), testIED, 0, 0},
		// YuNet eye, box width and height say 63; PoseNet eyes say 126: mean of four.
		{"wider PoseNet eyes pull the size up", body(inFace, 2*consistentEyes, 0, 0), (3*testIED + 2*testIED) / 4, 0, 0},
		{"PoseNet eyes give the roll", body(inFace, consistentEyes, 0, 10), testIED, 10, 0},
		{"another person's body is ignored", body(elsewhere, 2*consistentEyes, 0, 10), testIED, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ft := MeasureFront(frontFrame(face, tc.body), cam)
			if !approx(ft.EyeDistPx, tc.eyeDist, 1e-9) || !approx(ft.RollDeg, tc.roll, 1e-9) {
				t.Errorf("EyeDistPx %v RollDeg %v, want %v %v", ft.EyeDistPx, ft.RollDeg, tc.eyeDist, tc.roll)
			}
			if want := cam.FocalPx(testW) * cam.EyeDistanceCM / tc.eyeDist; !approx(ft.HeadDistCM, want, 1e-9) {
				t.Errorf("HeadDistCM %v, want %v", ft.HeadDistCM, want)
			}
		})
	}
}

func TestMeasureFrontNoFace(t *testing.T) {
	cam := DefaultCameraModel()
	head := func(score float64) *landmark.Body {
		var b landmark.Body
		for _, p := range []landmark.BodyPart{landmark.Nose, landmark.LeftEye, landmark.RightEye} {
			b.Keypoints[p] = landmark.Keypoint{Point: landmark.Point{X: 300, Y: 200}, Score: score}
		}
		return &b
	}
	tests := []struct {
		name     string
		body     *landmark.Body
		bodyOnly bool
	}{
		{"nothing", nil, false},
		{"confident head", head(0.9), true},
		{"weak head", head(0.6), false},
		{"shoulders only", uprightBody(), false},
	}
	for _, tc := range tests {
		ft := MeasureFront(&landmark.Frame{Width: testW, Height: testH, Body: tc.body}, cam)
		if ft.Face || ft.Shoulders || ft.BodyOnly != tc.bodyOnly {
			t.Errorf("%s: Face %v Shoulders %v BodyOnly %v, want false false %v", tc.name, ft.Face, ft.Shoulders, ft.BodyOnly, tc.bodyOnly)
		}
	}
}

func TestShouldersPlausible(t *testing.T) {
	face := frontalFace(320, 200, testIED) // eyes at y=200, 63 px apart
	pt := func(x, y float64) landmark.Point { return landmark.Point{X: x, Y: y} }
	tests := []struct {
		name string
		body *landmark.Body
		face *landmark.Face
		want bool
	}{
		{"upright", uprightBody(), &face, true},
		{"no body", nil, &face, false},
		{"low score", bodyWithShoulders(pt(460, 396), pt(180, 396), 0.5), &face, false},
		{"one low score", func() *landmark.Body {
			b := uprightBody()
			b.Keypoints[landmark.RightShoulder].Score = 0.54
			return b
		}(), &face, false},
		{"minimum score", bodyWithShoulders(pt(460, 396), pt(180, 396), minShoulderScore), &face, true},
		{"at 98.5% of the frame height", bodyWithShoulders(pt(460, 472.8), pt(180, 472.8), 0.9), &face, true},
		{"below 98.5% of the frame height", bodyWithShoulders(pt(460, 475), pt(180, 475), 0.9), &face, false},
		{"one shoulder on the last row", bodyWithShoulders(pt(460, 479), pt(180, 420), 0.9), &face, false},
		{"left of the frame", bodyWithShoulders(pt(260, 396), pt(-10, 396), 0.9), &face, false},
		{"right of the frame", bodyWithShoulders(pt(650, 396), pt(380, 396), 0.9), &face, false},
		{"above the eyes", bodyWithShoulders(pt(460, 190), pt(180, 190), 0.9), &face, false},
		{"just below the eyes", bodyWithShoulders(pt(460, 220), pt(180, 220), 0.9), &face, false}, // < eyes + 0.4 ied
		{"too narrow (1.7 ied)", bodyWithShoulders(pt(320+0.85*testIED, 396), pt(320-0.85*testIED, 396), 0.9), &face, false},
		{"narrow but plausible (1.9 ied)", bodyWithShoulders(pt(320+0.95*testIED, 396), pt(320-0.95*testIED, 396), 0.9), &face, true},
		{"too wide (9.5 ied)", bodyWithShoulders(pt(320+4.75*testIED, 396), pt(320-4.75*testIED, 396), 0.9), &face, false},
		{"wide but plausible (8.5 ied)", bodyWithShoulders(pt(320+4.25*testIED, 396), pt(320-4.25*testIED, 396), 0.9), &face, true},
		{"steep line", bodyWithShoulders(pt(420, 460), pt(220, 300), 0.9), &face, false},
		{"sloping but plausible", bodyWithShoulders(pt(460, 430), pt(180, 360), 0.9), &face, true},
		{"centred far from the face", bodyWithShoulders(pt(522.5, 396), pt(372.5, 396), 0.9), &face, false},
		{"off centre but plausible", bodyWithShoulders(pt(500, 396), pt(220, 396), 0.9), &face, true},
		{"coincident shoulders", bodyWithShoulders(pt(320, 396), pt(320, 396), 0.9), &face, false},
		{"above the eyes without a face", bodyWithShoulders(pt(460, 190), pt(180, 190), 0.9), nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := shouldersPlausible(tc.body, tc.face, testW, testH); got != tc.want {
				t.Errorf("shouldersPlausible = %v, want %v", got, tc.want)
			}
		})
	}
}

// sideBody builds a profile body: ear, shoulder and hip (both sides of
// each pair at the same place unless set otherwise), nose optional.
type sidePose struct {
	ear, shoulder, hip, nose landmark.Point
	noHip, noNose            bool
}

func (p sidePose) body() *landmark.Body {
	var b landmark.Body
	set := func(part landmark.BodyPart, pt landmark.Point, s float64) {
		b.Keypoints[part] = landmark.Keypoint{Point: pt, Score: s}
	}
	set(landmark.LeftEar, p.ear, 0.9)
	set(landmark.RightEar, p.ear, 0.2)
	set(landmark.LeftShoulder, p.shoulder, 0.9)
	set(landmark.RightShoulder, p.shoulder, 0.9)
	if !p.noHip {
		set(landmark.LeftHip, p.hip, 0.8)
		set(landmark.RightHip, p.hip, 0.8)
	}
	if !p.noNose {
		set(landmark.Nose, p.nose, 0.9)
	}
	return &b
}

func (p sidePose) mirrored(w float64) sidePose {
	m := func(q landmark.Point) landmark.Point { return landmark.Point{X: w - q.X, Y: q.Y} }
	p.ear, p.shoulder, p.hip, p.nose = m(p.ear), m(p.shoulder), m(p.hip), m(p.nose)
	return p
}

func toDeg(rad float64) float64 { return rad * 180 / math.Pi }

func TestMeasureSide(t *testing.T) {
	pt := func(x, y float64) landmark.Point { return landmark.Point{X: x, Y: y} }
	tests := []struct {
		name     string
		pose     sidePose
		facing   int
		neck     float64
		torso    float64
		hips     bool
		flexion  float64
		noseSeen bool
	}{
		{
			name:   "ear straight above the shoulder",
			pose:   sidePose{ear: pt(300, 200), shoulder: pt(300, 300), hip: pt(300, 500), nose: pt(340, 210)},
			facing: 1, neck: 90, torso: 0, hips: true, flexion: toDeg(math.Atan2(10, 40)), noseSeen: true,
		},
		{
			name:   "ear forward by its height",
			pose:   sidePose{ear: pt(400, 200), shoulder: pt(300, 300), hip: pt(300, 500), nose: pt(440, 210)},
			facing: 1, neck: 45, torso: 0, hips: true, flexion: toDeg(math.Atan2(10, 40)), noseSeen: true,
		},
		{
			name:   "ear behind the shoulder",
			pose:   sidePose{ear: pt(280, 200), shoulder: pt(300, 300), hip: pt(300, 500), nose: pt(320, 200)},
			facing: 1, neck: toDeg(math.Atan2(100, -20)), torso: 0, hips: true, flexion: 0, noseSeen: true,
		},
		{
			name:   "shoulders ahead of the hips",
			pose:   sidePose{ear: pt(300, 200), shoulder: pt(300, 300), hip: pt(250, 500), nose: pt(340, 210)},
			facing: 1, neck: 90, torso: toDeg(math.Atan2(50, 200)), hips: true, flexion: toDeg(math.Atan2(10, 40)), noseSeen: true,
		},
		{
			name:   "leaning back",
			pose:   sidePose{ear: pt(300, 200), shoulder: pt(300, 300), hip: pt(350, 500), nose: pt(340, 210)},
			facing: 1, neck: 90, torso: -toDeg(math.Atan2(50, 200)), hips: true, flexion: toDeg(math.Atan2(10, 40)), noseSeen: true,
		},
		{
			name:   "no hips, no nose: facing from the ear over the shoulder",
			pose:   sidePose{ear: pt(360, 200), shoulder: pt(300, 300), noHip: true, noNose: true},
			facing: 1, neck: toDeg(math.Atan2(100, 60)),
		},
		{
			name:   "looking down",
			pose:   sidePose{ear: pt(300, 200), shoulder: pt(300, 300), hip: pt(300, 500), nose: pt(330, 230)},
			facing: 1, neck: 90, hips: true, flexion: 45, noseSeen: true,
		},
	}
	for _, tc := range tests {
		for _, mirror := range []bool{false, true} {
			pose, facing := tc.pose, tc.facing
			name := tc.name
			if mirror {
				pose, facing, name = pose.mirrored(testW), -facing, name+" (mirrored)"
			}
			t.Run(name, func(t *testing.T) {
				ft := MeasureSide(&landmark.Frame{Width: testW, Height: testH, Body: pose.body()})
				if !ft.Usable || !ft.Person {
					t.Fatalf("features %+v: want usable", ft)
				}
				if ft.Facing != facing {
					t.Errorf("Facing = %d, want %d", ft.Facing, facing)
				}
				if !approx(ft.NeckAngleDeg, tc.neck, 1e-9) {
					t.Errorf("NeckAngleDeg = %v, want %v", ft.NeckAngleDeg, tc.neck)
				}
				if ft.Hips != tc.hips || !approx(ft.TorsoForwardDeg, tc.torso, 1e-9) {
					t.Errorf("Hips %v TorsoForwardDeg %v, want %v %v", ft.Hips, ft.TorsoForwardDeg, tc.hips, tc.torso)
				}
				if ft.NoseSeen != tc.noseSeen || !approx(ft.HeadFlexionDeg, tc.flexion, 1e-9) {
					t.Errorf("NoseSeen %v HeadFlexionDeg %v, want %v %v", ft.NoseSeen, ft.HeadFlexionDeg, tc.noseSeen, tc.flexion)
				}
			})
		}
	}
}

func TestMeasureSideUnusable(t *testing.T) {
	pt := func(x, y float64) landmark.Point { return landmark.Point{X: x, Y: y} }
	good := sidePose{ear: pt(300, 200), shoulder: pt(300, 300), hip: pt(300, 500), nose: pt(340, 210)}
	tests := []struct {
		name   string
		frame  *landmark.Frame
		person bool
	}{
		{"empty frame", &landmark.Frame{Width: testW, Height: testH}, false},
		{"face but no body", &landmark.Frame{Width: testW, Height: testH, Faces: []landmark.Face{frontalFace(300, 200, 40)}}, true},
		{"weak ear", &landmark.Frame{Body: func() *landmark.Body {
			b := good.body()
			b.Keypoints[landmark.LeftEar].Score = 0.4
			b.Keypoints[landmark.RightEar].Score = 0.4
			b.Keypoints[landmark.Nose].Score = 0.4
			return b
		}()}, false},
		{"weak shoulders, confident head", &landmark.Frame{Body: func() *landmark.Body {
			b := good.body()
			b.Keypoints[landmark.LeftShoulder].Score = 0.45
			b.Keypoints[landmark.RightShoulder].Score = 0.45
			return b
		}()}, true},
		{"no shoulders, one confident head point", &landmark.Frame{Body: func() *landmark.Body {
			b := good.body()
			b.Keypoints[landmark.LeftShoulder].Score = 0.2
			b.Keypoints[landmark.RightShoulder].Score = 0.2
			b.Keypoints[landmark.Nose].Score = 0.6
			return b
		}()}, false},
		{"shoulder above the ear", &landmark.Frame{Body: sidePose{ear: pt(300, 300), shoulder: pt(300, 200), nose: pt(340, 300), noHip: true}.body()}, true},
	}
	for _, tc := range tests {
		ft := MeasureSide(tc.frame)
		if ft.Usable || ft.Person != tc.person {
			t.Errorf("%s: Usable %v Person %v, want false %v", tc.name, ft.Usable, ft.Person, tc.person)
		}
	}
}

func TestMeasureSideWeightedShoulders(t *testing.T) {
	pt := func(x, y float64) landmark.Point { return landmark.Point{X: x, Y: y} }
	tests := []struct {
		name         string
		lScore, rSc  float64
		wantShoulder float64 // x of the weighted midpoint
	}{
		// Left (300, 0.9) and right (400, 0.3): (300*0.9+400*0.3)/1.2 = 325.
		{"weighted by score", 0.9, 0.3, 325},
		{"equal scores average", 0.6, 0.6, 350},
		{"score below 0.3 ignored", 0.9, 0.29, 300},
		{"only the right one", 0.1, 0.8, 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b landmark.Body
			b.Keypoints[landmark.LeftEar] = landmark.Keypoint{Point: pt(tc.wantShoulder, 200), Score: 0.9}
			b.Keypoints[landmark.Nose] = landmark.Keypoint{Point: pt(tc.wantShoulder+40, 210), Score: 0.9}
			b.Keypoints[landmark.LeftShoulder] = landmark.Keypoint{Point: pt(300, 300), Score: tc.lScore}
			b.Keypoints[landmark.RightShoulder] = landmark.Keypoint{Point: pt(400, 300), Score: tc.rSc}
			mid, ok := weightedMid(b.Part(landmark.LeftShoulder), b.Part(landmark.RightShoulder), 0.3)
			if !ok || !approx(mid.X, tc.wantShoulder, 1e-9) || mid.Y != 300 {
				t.Fatalf("weightedMid = %v, %v; want (%v, 300)", mid, ok, tc.wantShoulder)
			}
			// The ear straight above the weighted midpoint reads 90°.
			ft := MeasureSide(&landmark.Frame{Body: &b})
			if !ft.Usable || !approx(ft.NeckAngleDeg, 90, 1e-9) {
				t.Errorf("ear above the weighted shoulder: Usable %v NeckAngleDeg %v, want 90", ft.Usable, ft.NeckAngleDeg)
			}
		})
	}
	if _, ok := weightedMid(landmark.Keypoint{Score: 0.2}, landmark.Keypoint{Score: 0.1}, 0.3); ok {
		t.Error("weightedMid of two weak keypoints: ok, want !ok")
	}
}

func TestMeasureSidePicksConfidentEar(t *testing.T) {
	var b landmark.Body
	b.Keypoints[landmark.LeftEar] = landmark.Keypoint{Point: landmark.Point{X: 400, Y: 200}, Score: 0.6}
	b.Keypoints[landmark.RightEar] = landmark.Keypoint{Point: landmark.Point{X: 300, Y: 200}, Score: 0.8}
	b.Keypoints[landmark.LeftShoulder] = landmark.Keypoint{Point: landmark.Point{X: 300, Y: 300}, Score: 0.9}
	b.Keypoints[landmark.Nose] = landmark.Keypoint{Point: landmark.Point{X: 340, Y: 210}, Score: 0.9}
	ft := MeasureSide(&landmark.Frame{Body: &b})
	if !approx(ft.NeckAngleDeg, 90, 1e-9) || ft.Facing != 1 {
		t.Errorf("NeckAngleDeg %v Facing %d: want the right ear (score 0.8) straight above: 90, +1", ft.NeckAngleDeg, ft.Facing)
	}
}

func TestNeckAngle(t *testing.T) {
	cam := DefaultCameraModel()
	if got := cam.NeckAngle(0, 1); !approx(got, cam.UprightNeckAngleDeg, 1e-9) {
		t.Errorf("NeckAngle(0, 1) = %v, want %v", got, cam.UprightNeckAngleDeg)
	}
	prev := 90.0
	for _, fwd := range []float64{-100, -20, -8, -5, -2, 0, 1, 2.5, 5, 8, 12, 20} {
		a := cam.NeckAngle(fwd, 1)
		if a > prev || (fwd >= -2 && a == prev) {
			t.Errorf("NeckAngle(%v, 1) = %v, want below the angle at less forward (%v)", fwd, a, prev)
		}
		if a <= 0 || a > 90 {
			t.Errorf("NeckAngle(%v, 1) = %v out of (0, 90]", fwd, a)
		}
		prev = a
	}
	// Hand-computed: 10 cm neck, upright offset 10/tan(50.6°) = 8.214 cm;
	// 5 cm forward -> atan(10/13.214) = 37.12°.
	if got, want := cam.NeckAngle(5, 1), toDeg(math.Atan2(10, 10/math.Tan(50.6*math.Pi/180)+5)); !approx(got, want, 1e-9) || !approx(got, 37.12, 0.01) {
		t.Errorf("NeckAngle(5, 1) = %v, want %v", got, want)
	}
	// A head far behind its upright place is capped: the angle stops
	// growing and never passes 90 even with a raised head.
	if a, b := cam.NeckAngle(-20, 1), cam.NeckAngle(-1000, 1); a != b || a > 90 {
		t.Errorf("NeckAngle(-20, 1) = %v, NeckAngle(-1000, 1) = %v: want equal and <= 90", a, b)
	}
	if a := cam.NeckAngle(-1000, 1.5); a > 90 {
		t.Errorf("NeckAngle(-1000, 1.5) = %v, want <= 90", a)
	}
	// A dropped head (smaller height ratio) lowers the angle.
	if lo, hi := cam.NeckAngle(0, 0.8), cam.NeckAngle(0, 1); lo >= hi {
		t.Errorf("NeckAngle(0, 0.8) = %v, want below NeckAngle(0, 1) = %v", lo, hi)
	}
	// The height ratio is clamped to [0.2, 1.5].
	if a, b := cam.NeckAngle(0, 0), cam.NeckAngle(0, 0.2); a != b {
		t.Errorf("ratio 0 gives %v, ratio 0.2 gives %v: want equal (clamped)", a, b)
	}
	if a, b := cam.NeckAngle(0, 3), cam.NeckAngle(0, 1.5); a != b {
		t.Errorf("ratio 3 gives %v, ratio 1.5 gives %v: want equal (clamped)", a, b)
	}
}

func TestParseView(t *testing.T) {
	for in, want := range map[string]View{"front": Front, "side": Side, "auto": Auto} {
		if v, ok := ParseView(in); !ok || v != want {
			t.Errorf("ParseView(%q) = %q, %v", in, v, ok)
		}
	}
	for _, in := range []string{"", "Front", "top", "Auto"} {
		if v, ok := ParseView(in); ok {
			t.Errorf("ParseView(%q) = %q, ok", in, v)
		}
	}
}
