package vision

import (
	"bufio"
	"log"
	"os"
	"strings"
	"sync"
	"syscall"
)

// OpenCV and the libraries under it (FFmpeg, GStreamer, libpng, libjpeg)
// write their warnings straight to file descriptor 2: "[ERROR:0@0.057]
// ... VIDEOIO(GSTREAMER)", "moov atom not found", "libpng warning: iCCP",
// before neckwatch's own one line about the same problem. Once
// CaptureLibraryOutput has run, descriptor 2 is a pipe while vision calls
// into them (quietly), whose lines go to the sink set with SetLibraryOutput
// (the daemon's log at debug level); Go's own os.Stderr is a copy of the
// real standard error, so neckwatch's words are never caught with theirs.

var (
	quietOnce  sync.Once
	quietOK    bool     // the pipe is set up
	realStderr int      // a copy of the original descriptor 2
	pipeW      *os.File // the pipe's write end, put on descriptor 2 while quiet
	quietMu    sync.Mutex
	quietDepth int // calls into the libraries under way

	sinkMu sync.Mutex
	sink   = func(string) {}
)

// SetLibraryOutput sets where the libraries' stderr lines go while vision
// calls them (nil: nowhere). The daemon logs them at debug level.
func SetLibraryOutput(fn func(line string)) {
	if fn == nil {
		fn = func(string) {}
	}
	sinkMu.Lock()
	sink = fn
	sinkMu.Unlock()
}

// CaptureLibraryOutput makes os.Stderr (and the log package's output) a
// copy of the real standard error, and has descriptor 2 point into a pipe
// while vision calls the C libraries. The command calls it first thing,
// before anything holds os.Stderr; without it the libraries write to the
// terminal as before (the tests).
func CaptureLibraryOutput() error {
	var err error
	quietOnce.Do(func() { err = setupQuiet() })
	return err
}

func setupQuiet() error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	dup, err := syscall.Dup(2)
	if err != nil {
		r.Close()
		w.Close()
		return err
	}
	syscall.CloseOnExec(dup)
	realStderr, pipeW = dup, w
	os.Stderr = os.NewFile(uintptr(dup), "/dev/stderr")
	log.SetOutput(os.Stderr)
	go func() {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 4096), 1<<20)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" {
				continue
			}
			sinkMu.Lock()
			fn := sink
			sinkMu.Unlock()
			fn(line)
		}
	}()
	quietMu.Lock()
	quietOK = true
	quietMu.Unlock()
	return nil
}

// quietly runs fn, a call into OpenCV, with descriptor 2 on the pipe.
// Calls may overlap (the daemon's sampler and a check): the first in puts
// the pipe in place, the last out puts the real stderr back.
func quietly(fn func()) {
	quietMu.Lock()
	if !quietOK {
		quietMu.Unlock()
		fn()
		return
	}
	if quietDepth == 0 {
		dup2(int(pipeW.Fd()), 2)
	}
	quietDepth++
	quietMu.Unlock()
	defer func() {
		quietMu.Lock()
		quietDepth--
		if quietDepth == 0 {
			dup2(realStderr, 2)
		}
		quietMu.Unlock()
	}()
	fn()
}
