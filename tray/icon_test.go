package tray

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
)

// fillProbe is a pixel inside every icon's disc, outside its rim and
// glyph, so it has the state's fill colour.
var fillProbe = image.Pt(32, 6)

func decodeIcon(t *testing.T, s State) image.Image {
	t.Helper()
	data := Icon(s)
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Icon(%s) is not a PNG: %v", s, err)
	}
	if b := img.Bounds(); b.Dx() != iconSize || b.Dy() != iconSize {
		t.Fatalf("Icon(%s) is %dx%d, want %dx%d", s, b.Dx(), b.Dy(), iconSize, iconSize)
	}
	return img
}

func nrgba(c color.Color) color.NRGBA { return color.NRGBAModel.Convert(c).(color.NRGBA) }

func TestIcon(t *testing.T) {
	seenFill := map[color.NRGBA]State{}
	seenPNG := map[string]State{}
	for _, s := range states {
		img := decodeIcon(t, s)

		fill := nrgba(img.At(fillProbe.X, fillProbe.Y))
		want := fillColours[s]
		if fill != (color.NRGBA{want.R, want.G, want.B, 0xff}) {
			t.Errorf("%s: fill at %v is %v, want %v", s, fillProbe, fill, want)
		}
		if prev, ok := seenFill[fill]; ok {
			t.Errorf("%s and %s have the same colour %v", prev, s, fill)
		}
		seenFill[fill] = s

		if a := nrgba(img.At(0, 0)).A; a != 0 {
			t.Errorf("%s: corner alpha %d, want transparent", s, a)
		}
		// Only alpha 0 and 255: see drawIcon for why.
		var glyph, opaque int
		for y := 0; y < iconSize; y++ {
			for x := 0; x < iconSize; x++ {
				c := nrgba(img.At(x, y))
				switch c.A {
				case 0:
				case 0xff:
					opaque++
					if c != fill && (c.R == c.G && c.G == c.B) {
						glyph++
					}
				default:
					t.Fatalf("%s: pixel (%d,%d) has alpha %d", s, x, y, c.A)
				}
			}
		}
		if opaque < iconSize*iconSize/2 {
			t.Errorf("%s: only %d opaque pixels; the disc should cover most of the icon", s, opaque)
		}
		if s != StateAway && glyph < 100 {
			t.Errorf("%s: only %d glyph pixels", s, glyph)
		}

		key := string(Icon(s))
		if prev, ok := seenPNG[key]; ok {
			t.Errorf("%s and %s have identical icons", prev, s)
		}
		seenPNG[key] = s
	}

	// Cached, but callers get their own copy.
	a, b := Icon(StateUpright), Icon(StateUpright)
	if !bytes.Equal(a, b) {
		t.Fatal("Icon is not deterministic")
	}
	a[0] ^= 0xff
	if bytes.Equal(a, Icon(StateUpright)) {
		t.Fatal("modifying a returned icon changed the cache")
	}
	if !bytes.Equal(Icon("levitating"), Icon(StateUnknown)) {
		t.Error("an unknown State value should get the StateUnknown icon")
	}
	// The glyph, not only the colour, tells upright from forward head
	// (red/green colour blindness).
	up, fwd := decodeIcon(t, StateUpright), decodeIcon(t, StateForwardHead)
	if nrgba(up.At(32, 20)) == nrgba(fwd.At(32, 20)) && nrgba(up.At(44, 25)) == nrgba(fwd.At(44, 25)) {
		t.Error("upright and forward-head glyphs look the same")
	}
}
