package landmark

import "time"

// Burst is one burst of camera frames turned into landmarks: what a
// sampler hands on to the daemon (the frames themselves never leave the
// sampler, so nothing downstream needs OpenCV).
type Burst struct {
	At     time.Time
	Frames []Frame // per frame
	Camera CameraState
	// OpenFor is how long the camera was held for this burst (for the
	// camera-open share of wall time).
	OpenFor time.Duration
	// Latency is the summed pipeline time of the burst.
	Latency time.Duration
}

// CameraState says how the last attempt to use the camera went: the
// sampler sets it with each burst, the daemon shows it in status.
type CameraState string

// Camera states shown by `neckwatch status`.
const (
	CameraIdle   CameraState = "idle"   // released between samples (LED off)
	CameraOpen   CameraState = "open"   // held open (--keep-open)
	CameraBusy   CameraState = "busy"   // another program holds it; backing off
	CameraAbsent CameraState = "absent" // unplugged or never there
	CameraBlack  CameraState = "black"  // frames are black (privacy shutter, covered lens)
	CameraFrozen CameraState = "frozen" // frames do not change at all
	CameraFailed CameraState = "failed" // any other error
	CameraOff    CameraState = "off"    // paused: released until resumed
)

// BurstRequest says how a sampler takes one burst.
type BurstRequest struct {
	// Frames is the most frames the burst analyses.
	Frames int
	// Settled, when set, ends the burst once the frames so far decide it.
	Settled Settled
	// Follow lets the burst's first frame follow the face found in the
	// last burst, a few seconds earlier, instead of running every network:
	// a tracker reuses that face's box and body when the face has not
	// moved. The daemon asks for it only after a clearly upright burst,
	// never for a calibration.
	Follow bool
}

// Settled reports whether the frames a burst has taken so far already
// decide it, so that the burst ends early: the camera is released sooner
// and the rest of the burst is neither decoded nor analysed. A nil
// Settled never ends a burst early.
type Settled func(frames []Frame) bool

// Done reports whether s ends a burst of frames early.
func (s Settled) Done(frames []Frame) bool { return s != nil && s(frames) }
