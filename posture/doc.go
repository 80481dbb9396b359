// Package posture turns landmarks into posture: geometric features for a
// front or side camera, a baseline of the user's own upright posture, and a
// per-frame Verdict (state, severity, estimated neck angle and forward head
// displacement). It is plain Go over plain structs: no OpenCV, no I/O
// beyond encoding a Baseline, so it is testable in milliseconds.
//
// How the front view estimates degrees and centimetres: a pinhole camera
// (focal length from the frame width and a typical webcam horizontal field
// of view) turns the eye distance in pixels into the head's distance from
// the camera, using a typical adult eye distance. The shoulders' distance
// comes the same way from their pixel width and a shoulder width fixed at
// calibration (or a population figure). The head's forward displacement is
// how much closer the head is than the shoulders, against the baseline.
// The neck angle is then the craniovertebral-angle proxy of a neck of
// typical height whose head has moved forward by that much and dropped as
// far as the eyes dropped towards the shoulders: atan2(height, offset).
// These are estimates from a model, not a clinical measurement; the
// defaults are overridable (CameraModel).
//
// It imports only landmark from the project and does no I/O: no OpenCV, no
// files (baselines are marshalled here and stored by calibration).
package posture
