package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/neckwatch/neckwatch/analysis"
	"github.com/neckwatch/neckwatch/posture"
	"github.com/neckwatch/neckwatch/vision"
)

// A window is the part of a camera's frames a command takes: from skip
// after its first frame, for length. A camera has no end; a file's frames
// are all taken.
type window struct{ skip, length time.Duration }

// eachFrame is the frame loop of check and calibrate: src's frames through
// the pipeline and the classifier (analysis.Each) to fn, with a progress
// bar on stderr for a long video and, from a camera, only the frames of
// win.
func eachFrame(src vision.FrameSource, det analysis.Detector, cls *posture.Classifier, win window, stderr io.Writer, fn func(analysis.Result) error) error {
	info := src.Describe()
	bar := newProgress(stderr, info)
	defer bar.done()
	camera := info.Kind == vision.SourceCamera
	start := time.Duration(-1)
	return analysis.Each(src, det, cls, func(r analysis.Result) error {
		bar.update(r.Info.Index + 1)
		if camera {
			if start < 0 {
				start = r.Info.Time
			}
			switch t := r.Info.Time - start; {
			case t < win.skip:
				return nil
			case t > win.skip+win.length:
				return analysis.ErrStop
			}
		}
		return fn(r)
	})
}

// seconds is a --seconds flag's value as a duration.
func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// progress draws a bar on stderr for long videos when stderr is a terminal.
type progress struct {
	w     io.Writer
	total int
	on    bool
	last  time.Time
}

func newProgress(w io.Writer, info vision.SourceInfo) *progress {
	p := &progress{w: w, total: info.Frames}
	if f, ok := w.(*os.File); ok && info.Kind == vision.SourceVideo && info.Frames > 100 {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.on = true
		}
	}
	return p
}

func (p *progress) update(n int) {
	if !p.on || time.Since(p.last) < 200*time.Millisecond {
		return
	}
	p.last = time.Now()
	frac := math.Min(float64(n)/float64(p.total), 1)
	const width = 30
	done := int(frac * width)
	fmt.Fprintf(p.w, "\r[%s%s] %3.0f%% %d/%d", strings.Repeat("#", done), strings.Repeat(".", width-done), 100*frac, n, p.total)
}

func (p *progress) done() {
	if p.on {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
