package landmark

import (
	"math"
	"testing"
)

func TestIoU(t *testing.T) {
	tests := []struct {
		name string
		a, b Rect
		want float64
	}{
		{"disjoint", Rect{0, 0, 10, 10}, Rect{20, 20, 10, 10}, 0},
		{"touching edges", Rect{0, 0, 10, 10}, Rect{10, 0, 10, 10}, 0},
		{"identical", Rect{3, 4, 10, 20}, Rect{3, 4, 10, 20}, 1},
		{"half of each overlaps", Rect{0, 0, 10, 10}, Rect{5, 0, 10, 10}, 50.0 / 150.0},
		{"half contained", Rect{0, 0, 10, 10}, Rect{0, 0, 10, 5}, 0.5},
		{"quarter corner overlap", Rect{0, 0, 10, 10}, Rect{5, 5, 10, 10}, 25.0 / 175.0},
		{"both empty", Rect{}, Rect{}, 0},
		{"one empty inside other", Rect{0, 0, 10, 10}, Rect{2, 2, 0, 0}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := IoU(tc.a, tc.b)
			if math.Abs(got-tc.want) > 1e-12 {
				t.Errorf("IoU(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
			if back := IoU(tc.b, tc.a); math.Abs(back-got) > 1e-12 {
				t.Errorf("IoU not symmetric: %v vs %v", got, back)
			}
		})
	}
}

func TestPointAndRectHelpers(t *testing.T) {
	p, q := Point{3, 4}, Point{0, 0}
	if d := p.Dist(q); d != 5 {
		t.Errorf("Dist = %v, want 5", d)
	}
	if m := Mid(p, Point{5, 8}); m != (Point{4, 6}) {
		t.Errorf("Mid = %v, want {4 6}", m)
	}
	if s := p.Sub(Point{1, 1}).Add(Point{0, 2}).Scale(2); s != (Point{4, 10}) {
		t.Errorf("Sub/Add/Scale = %v, want {4 10}", s)
	}
	r := Rect{10, 20, 30, 40}
	if c := r.Center(); c != (Point{25, 40}) {
		t.Errorf("Center = %v, want {25 40}", c)
	}
	if a := (Rect{0, 0, -1, 5}).Area(); a != 0 {
		t.Errorf("negative-width Area = %v, want 0", a)
	}
	f := Face{RightEye: Point{100, 50}, LeftEye: Point{160, 58}, RightMouth: Point{110, 120}, LeftMouth: Point{150, 124}}
	if m := f.EyeMid(); m != (Point{130, 54}) {
		t.Errorf("EyeMid = %v", m)
	}
	if m := f.MouthMid(); m != (Point{130, 122}) {
		t.Errorf("MouthMid = %v", m)
	}
	if d := f.EyeDistance(); math.Abs(d-math.Hypot(60, 8)) > 1e-12 {
		t.Errorf("EyeDistance = %v", d)
	}
	if LeftShoulder.String() != "left_shoulder" || RightAnkle.String() != "right_ankle" || NumBodyParts.String() != "unknown" || BodyPart(-1).String() != "unknown" {
		t.Errorf("BodyPart.String: %q %q %q", LeftShoulder, RightAnkle, NumBodyParts)
	}
}

func face(x, y, w, h, score float64) Face {
	return Face{Box: Rect{x, y, w, h}, Score: score}
}

func bodyWithNose(x, y, score float64) *Body {
	var b Body
	b.Keypoints[Nose] = Keypoint{Point{x, y}, score}
	return &b
}

func TestPrimaryFace(t *testing.T) {
	big := face(300, 100, 200, 200, 0.8)    // largest: the colleague nearer the camera
	small := face(50, 80, 100, 100, 0.95)   // the user, further back
	tiny := face(60, 90, 30, 30, 0.7)       // nested inside small
	medium := face(500, 300, 120, 120, 0.9) // elsewhere
	tests := []struct {
		name   string
		frame  Frame
		want   Face
		wantOK bool
	}{
		{"no faces", Frame{Width: 640, Height: 480}, Face{}, false},
		{"no faces, body nose", Frame{Body: bodyWithNose(100, 130, 0.9)}, Face{}, false},
		{"largest without body", Frame{Faces: []Face{small, big, medium}}, big, true},
		{"largest first in list", Frame{Faces: []Face{big, small}}, big, true},
		{"confident nose picks the face around it", Frame{Faces: []Face{big, small}, Body: bodyWithNose(100, 130, 0.9)}, small, true},
		{"nose on the box edge counts", Frame{Faces: []Face{big, small}, Body: bodyWithNose(50, 180, 0.5)}, small, true},
		{"nose in nested boxes picks the larger of them", Frame{Faces: []Face{big, tiny, small}, Body: bodyWithNose(70, 100, 0.9)}, small, true},
		{"weak nose ignored", Frame{Faces: []Face{big, small}, Body: bodyWithNose(100, 130, 0.49)}, big, true},
		{"nose outside every face falls back to largest", Frame{Faces: []Face{small, big}, Body: bodyWithNose(10, 10, 0.9)}, big, true},
		{"zero body falls back to largest", Frame{Faces: []Face{small, big}, Body: &Body{}}, big, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tc.frame.PrimaryFace()
			if ok != tc.wantOK || got != tc.want {
				t.Errorf("PrimaryFace() = %+v, %v; want %+v, %v", got, ok, tc.want, tc.wantOK)
			}
		})
	}
}
