// Package models locates and verifies the network weights the posture
// pipeline runs. The weights are not in the repository: `make models` puts
// them in models/data (from an offline mirror, else upstream, sha256
// checked), and the build embeds whatever is there, so a released binary is
// one self-contained file. A binary built without them looks in a directory
// given by NECKWATCH_MODELS (or --models) and says exactly what is missing.
package models

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Spec describes one model file.
type Spec struct {
	Name   string // file name
	SHA256 string // expected sha256 of the bytes, hex
	Bytes  int64  // expected size
	Role   string // what the pipeline uses it for
}

// The model files, as listed in MODELS.md of the offline mirror.
var (
	YuNet = Spec{
		Name:   "face_detection_yunet_2023mar.onnx",
		SHA256: "8f2383e4dd3cfbb4553ea8718107fc0423210dc964f9f4280604804ed2552fa4",
		Bytes:  232589,
		Role:   "face detector with 5 landmarks (default)",
	}
	YuNetN = Spec{
		Name:   "yunet_n_320_320.onnx",
		SHA256: "81dbde155e982455488235acb8ec2dec5d647edf7cf7080d33e4abb69b93a0d2",
		Bytes:  317434,
		Role:   "face detector with 5 landmarks (accurate, about 2x slower)",
	}
	PoseNet = Spec{
		Name:   "posenet_mobilenet_v1_050.pb",
		SHA256: "12bfdcaae8c750aab6c66eebf64bdbbf8af625879fa19af1d2d02b16e83bc51c",
		Bytes:  2339478,
		Role:   "body keypoints (ears, nose, shoulders)",
	}
	// FaceMesh is MediaPipe Face Mesh (Apache-2.0, LICENSE-facemesh.txt)
	// with its PReLU slopes rewired so that OpenCV 4.6 loads it:
	// scripts/fetch-assets.sh derives it from the upstream file with
	// scripts/fix_facemesh_prelu.py when the mirror does not have it.
	FaceMesh = Spec{
		Name:   "face_landmark_mediapipe_opencv46.onnx",
		SHA256: "951480ad4ebd9fd53cb96c503f363fae757d2de816629991ebc209fcc7498527",
		Bytes:  2438552,
		Role:   "468 face landmarks with depth (head pose, chin, face scale)",
	}
	// All lists every model file the project fetches.
	All = []Spec{YuNet, YuNetN, PoseNet, FaceMesh}
)

//go:embed data
var embedded embed.FS

// EnvDir names the environment variable that points at a directory of
// model files, used when the binary was built without embedded models.
const EnvDir = "NECKWATCH_MODELS"

// ErrMissing is wrapped by Load when a model file cannot be found anywhere.
var ErrMissing = errors.New("model file missing")

// ErrChecksum is wrapped by Load when a model file's bytes are not the
// expected ones (truncated download, wrong version).
var ErrChecksum = errors.New("model file checksum mismatch")

// Source says where Load found a model.
type Source struct {
	Embedded bool   // compiled into the binary
	Path     string // file path when not embedded
}

func (s Source) String() string {
	if s.Embedded {
		return "embedded"
	}
	return s.Path
}

// Load returns the verified bytes of the model. It tries the embedded copy
// first, then dir (if not empty), then $NECKWATCH_MODELS, then models/data
// under the working directory.
func Load(spec Spec, dir string) ([]byte, Source, error) {
	if b, err := fs.ReadFile(embedded, "data/"+spec.Name); err == nil {
		if err := Verify(spec, b); err != nil {
			return nil, Source{Embedded: true}, fmt.Errorf("embedded %s: %w (rebuild after `make models`)", spec.Name, err)
		}
		return b, Source{Embedded: true}, nil
	}
	var tried []string
	for _, d := range []string{dir, os.Getenv(EnvDir), filepath.Join("models", "data")} {
		if d == "" {
			continue
		}
		p := filepath.Join(d, spec.Name)
		b, err := os.ReadFile(p)
		if err != nil {
			tried = append(tried, p)
			continue
		}
		if err := Verify(spec, b); err != nil {
			return nil, Source{Path: p}, fmt.Errorf("%s: %w (delete it and run `make models`)", p, err)
		}
		return b, Source{Path: p}, nil
	}
	return nil, Source{}, fmt.Errorf("%w: %s (%s) is not embedded in this binary and not found in %v: run `make models` and rebuild, or set %s to a directory holding it",
		ErrMissing, spec.Name, spec.Role, tried, EnvDir)
}

// Verify checks b against the spec's size and sha256.
func Verify(spec Spec, b []byte) error {
	sum := sha256.Sum256(b)
	got := hex.EncodeToString(sum[:])
	if got != spec.SHA256 {
		return fmt.Errorf("%w: %s has sha256 %s (%d bytes), want %s (%d bytes)", ErrChecksum, spec.Name, got, len(b), spec.SHA256, spec.Bytes)
	}
	return nil
}
