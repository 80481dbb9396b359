// Package vision is the capture and DNN edge: frame sources (cameras,
// video files, images, folders), the samplers the daemon takes landmark
// bursts from (a duty-cycled camera, a video played in real time), and the
// pipeline that runs YuNet, PoseNet and Face Mesh through OpenCV's dnn
// module with its own pre- and post-processing. Frames never leave it:
// what comes out is landmark.Frame.
//
// It is one of the few packages that import gocv, and it must not import
// anything above the landmarks (posture, coach, daemon, history, notify).
package vision
