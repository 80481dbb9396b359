package vision

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"gocv.io/x/gocv"
)

// decodeImage reads path as a 3-channel BGR image. IMRead (unlike IMDecode
// of the bytes with some flags) applies the EXIF orientation, so a phone
// photo stored sideways comes out upright. The caller closes the result.
func decodeImage(path string) (gocv.Mat, error) {
	if err := checkComplete(path); err != nil {
		return gocv.Mat{}, err
	}
	img := gocv.IMRead(path, gocv.IMReadColor)
	if !img.Empty() {
		return img, nil
	}
	img.Close()
	// IMRead says nothing about why; a vanished or unreadable file is a
	// different problem from a corrupt one, so look.
	f, err := os.Open(path)
	if err != nil {
		return gocv.Mat{}, newSourceError(fmt.Sprintf("cannot read image %s: %v", path, err), ErrBadFrame, err)
	}
	f.Close()
	return gocv.Mat{}, newSourceError(fmt.Sprintf("cannot decode image %s: not a supported image or corrupt", path), ErrBadFrame)
}

func openImage(path string) (FrameSource, error) {
	// Decoding at open time makes a bad image an OpenSource error, where
	// the user is looking, and gives Describe the real (rotated) size.
	img, err := decodeImage(path)
	if err != nil {
		return nil, err
	}
	return &imageSource{
		img:  img,
		path: path,
		info: SourceInfo{Kind: SourceImage, Spec: path, Frames: 1, Width: img.Cols(), Height: img.Rows()},
	}, nil
}

type imageSource struct {
	mu     sync.Mutex
	img    gocv.Mat // decoded at open; closed once handed out
	path   string
	done   bool
	closed bool
	info   SourceInfo
}

func (s *imageSource) Next(dst *gocv.Mat) (FrameInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := ready(s.closed, s.info.Spec, dst); err != nil {
		return FrameInfo{}, err
	}
	if s.done {
		return FrameInfo{}, io.EOF
	}
	s.img.CopyTo(dst)
	// The frame is only ever returned once; free it now rather than hold
	// a full-size image until Close.
	s.img.Close()
	s.done = true
	return FrameInfo{Index: 0, Name: filepath.Base(s.path)}, nil
}

func (s *imageSource) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed && !s.done {
		s.img.Close()
	}
	s.closed = true
	return nil
}

func (s *imageSource) Describe() SourceInfo { return s.info }
