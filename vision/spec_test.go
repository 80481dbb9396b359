package vision

import (
	"errors"
	"testing"
)

// TestParseSpec: one rule tells a camera from a file, for OpenSource and
// for the commands that check a source before opening it (issue 16 item
// 3d: `run --source -1` passed the command's check as a camera, then
// OpenSource took it for a missing file, retried forever).
func TestParseSpec(t *testing.T) {
	for _, tc := range []struct {
		spec   string
		camera bool
		index  int
		err    string // "" for none
	}{
		{"0", true, 0, ""},
		{"12", true, 12, ""},
		{"0007", true, 7, ""},
		{"/dev/video2", true, -1, ""},
		{"/dev/v4l/by-id/usb-cam-video-index0", true, -1, ""},
		{"12345", false, -1, ""}, // too long for an index: a file named so
		{"clip.mp4", false, -1, ""},
		{"photos/", false, -1, ""},
		{"-", false, -1, ""},
		{"-1x", false, -1, ""},
		{"1.5", false, -1, ""},
		{"-1", false, 0, "source -1: not a camera index: use 0, 1, 2… or a /dev/videoN device"},
		{"+0", false, 0, "source +0: not a camera index: use 0, 1, 2… or a /dev/videoN device"},
		{"-12345", false, 0, "source -12345: not a camera index: use 0, 1, 2… or a /dev/videoN device"},
		{"", false, 0, "source: empty: give a camera index like 0, a /dev/videoN device, a video file, an image or a folder of images"},
	} {
		sp, err := ParseSpec(tc.spec)
		if tc.err != "" {
			var se *SpecError
			if err == nil || err.Error() != tc.err || !errors.As(err, &se) || se.Spec != tc.spec {
				t.Errorf("ParseSpec(%q) = %+v, %v; want *SpecError %q", tc.spec, sp, err, tc.err)
			}
			continue
		}
		if err != nil || sp.Camera != tc.camera || sp.Index != tc.index || sp.Text != tc.spec {
			t.Errorf("ParseSpec(%q) = %+v, %v; want camera %v index %d", tc.spec, sp, err, tc.camera, tc.index)
		}
	}
}

// TestOpenSourceRefusesWhatParseSpecRefuses: OpenSource follows ParseSpec,
// so "-1" is refused as a spec, not looked for as a file.
func TestOpenSourceRefusesWhatParseSpecRefuses(t *testing.T) {
	for _, spec := range []string{"-1", "+0", ""} {
		src, err := OpenSource(spec)
		var se *SpecError
		if !errors.As(err, &se) {
			if src != nil {
				src.Close()
			}
			t.Errorf("OpenSource(%q) = %v; want a *SpecError", spec, err)
		}
	}
}
