package tray

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"sync"
)

// iconSize is the edge of the generated icons in pixels. Panels draw tray
// icons at 16..48 px and scale the pixmap themselves; 64 px stays sharp
// on HiDPI panels and is still only a few hundred bytes of PNG.
const iconSize = 64

// Icon geometry, in pixels on the iconSize grid.
const (
	discRadius  = 31.0 // the coloured disc
	rimWidth    = 3.0  // darker edge, so light colours show on light panels
	glyphRadius = discRadius - rimWidth - 0.5
)

// fillColours are the state colours. Besides hue, the glyph differs per
// state, so that red/green colour blindness does not hide the state.
var fillColours = map[State]color.RGBA{
	StateUpright:       {0x2e, 0x9e, 0x44, 0xff}, // green
	StateForwardHead:   {0xf0, 0xa0, 0x20, 0xff}, // amber
	StateAway:          {0x80, 0x80, 0x80, 0xff}, // grey
	StatePaused:        {0x2f, 0x6f, 0xd0, 0xff}, // blue
	StateCameraProblem: {0xd4, 0x30, 0x30, 0xff}, // red
	StateUnknown:       {0xc8, 0xc8, 0xc8, 0xff}, // light grey
}

var (
	iconOnce  sync.Once
	iconCache map[State][]byte
	iconErr   error
)

// Icon returns the tray icon for s as PNG bytes (iconSize square): a disc
// in the state's colour with a white glyph. Unknown State values get the
// StateUnknown icon. The icons are drawn once per process; each call
// returns a fresh copy, so callers may keep or modify it.
func Icon(s State) []byte {
	data, err := iconPNG(s)
	if err != nil {
		// Encoding an in-memory image into a bytes.Buffer cannot fail in
		// practice; an empty icon is the safe answer if it ever does
		// (systray then shows no pixmap rather than crashing).
		return nil
	}
	return bytes.Clone(data)
}

// iconPNG is the cached PNG for s, shared: callers must not modify it.
func iconPNG(s State) ([]byte, error) {
	iconOnce.Do(func() {
		iconCache = make(map[State][]byte, len(states))
		for _, st := range states {
			var buf bytes.Buffer
			if err := png.Encode(&buf, drawIcon(st)); err != nil {
				iconErr = fmt.Errorf("tray: encode %s icon: %w", st, err)
				return
			}
			iconCache[st] = buf.Bytes()
		}
	})
	if iconErr != nil {
		return nil, iconErr
	}
	return iconCache[s.known()], nil
}

// drawIcon renders the icon for a known state.
//
// Every pixel is either fully opaque or fully transparent: no
// anti-aliasing. fyne.io/systray converts the PNG to the ARGB32 pixmap of
// the StatusNotifierItem protocol by taking the low byte of each 16-bit,
// alpha-premultiplied channel from image.Image.RGBA, which is only right
// for alpha 0 and 255; half-transparent edge pixels would come out in
// wrong colours. Panels scale the 64 px icon down, which smooths the edges
// anyway.
func drawIcon(s State) *image.RGBA {
	fill := fillColours[s]
	rim := shade(fill, 0.7)
	glyphColour := color.RGBA{0xff, 0xff, 0xff, 0xff}
	if s == StateUnknown {
		// White on light grey would vanish.
		glyphColour = color.RGBA{0x50, 0x50, 0x50, 0xff}
	}
	glyph := glyphFor(s)

	img := image.NewRGBA(image.Rect(0, 0, iconSize, iconSize))
	const c = iconSize / 2.0
	for y := 0; y < iconSize; y++ {
		for x := 0; x < iconSize; x++ {
			// Sample at the pixel centre.
			px, py := float64(x)+0.5, float64(y)+0.5
			r := math.Hypot(px-c, py-c)
			switch {
			case r > discRadius:
				// transparent
			case r > discRadius-rimWidth:
				img.SetRGBA(x, y, rim)
			case s == StateAway && r < 17:
				// Away is an empty ring: nobody in the chair.
			case r <= glyphRadius && glyph(px, py):
				img.SetRGBA(x, y, glyphColour)
			default:
				img.SetRGBA(x, y, fill)
			}
		}
	}
	return img
}

// glyphFor returns the inside test of the state's white glyph.
func glyphFor(s State) func(x, y float64) bool {
	switch s {
	case StateUpright, StateUnknown:
		return func(x, y float64) bool {
			return inCircle(x, y, 32, 21, 8.5) || // head
				inCapsule(x, y, 32, 27, 32, 38, 4.5) || // neck
				inCapsule(x, y, 19, 50, 45, 50, 9) // shoulders
		}
	case StateForwardHead:
		return func(x, y float64) bool {
			return inCircle(x, y, 42, 25, 8.5) || // head pushed forward
				inCapsule(x, y, 31, 41, 39, 30, 4.5) || // slanted neck
				inCapsule(x, y, 19, 50, 45, 50, 9)
		}
	case StatePaused:
		return func(x, y float64) bool {
			return inCapsule(x, y, 24.5, 21, 24.5, 43, 4) ||
				inCapsule(x, y, 39.5, 21, 39.5, 43, 4)
		}
	case StateCameraProblem:
		return func(x, y float64) bool {
			return inCapsule(x, y, 32, 15.5, 32, 35, 4.5) || // "!" bar
				inCircle(x, y, 32, 46, 4.5) // "!" dot
		}
	default: // StateAway: no glyph
		return func(x, y float64) bool { return false }
	}
}

func inCircle(x, y, cx, cy, r float64) bool {
	return math.Hypot(x-cx, y-cy) <= r
}

// inCapsule reports whether (x, y) is within r of the segment a-b.
func inCapsule(x, y, ax, ay, bx, by, r float64) bool {
	dx, dy := bx-ax, by-ay
	t := ((x-ax)*dx + (y-ay)*dy) / (dx*dx + dy*dy)
	t = math.Max(0, math.Min(1, t))
	return math.Hypot(x-(ax+t*dx), y-(ay+t*dy)) <= r
}

// shade darkens c by factor f (0..1).
func shade(c color.RGBA, f float64) color.RGBA {
	return color.RGBA{uint8(float64(c.R) * f), uint8(float64(c.G) * f), uint8(float64(c.B) * f), c.A}
}
