package vision

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"gocv.io/x/gocv"
)

func openFolder(dir string) (FrameSource, error) {
	entries, err := os.ReadDir(dir) // sorted by file name
	if err != nil {
		return nil, fmt.Errorf("folder %s: %w", dir, err)
	}
	var files []string
	for _, e := range entries {
		name := e.Name()
		// Hidden files are skipped too: macOS leaves "._IMG_1234.jpg"
		// AppleDouble files next to copied photos, which are not images.
		if strings.HasPrefix(name, ".") || !isSourceImage(name) {
			continue
		}
		p := filepath.Join(dir, name)
		if !e.Type().IsRegular() {
			// A symlink counts if it points at a regular file; a
			// directory named like an image does not.
			fi, err := os.Stat(p)
			if err != nil || !fi.Mode().IsRegular() {
				continue
			}
		}
		files = append(files, p)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no images in folder %s", dir)
	}
	return &folderSource{
		files: files,
		info:  SourceInfo{Kind: SourceFolder, Spec: dir, Frames: len(files)},
	}, nil
}

// folderSource decodes lazily, one file per Next, so a large folder costs
// no memory up front and a bad file only spoils its own frame.
type folderSource struct {
	mu     sync.Mutex
	files  []string
	next   int
	closed bool
	info   SourceInfo
}

func (s *folderSource) Next(dst *gocv.Mat) (FrameInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := ready(s.closed, s.info.Spec, dst); err != nil {
		return FrameInfo{}, err
	}
	if s.next >= len(s.files) {
		return FrameInfo{}, io.EOF
	}
	i, path := s.next, s.files[s.next]
	// Advance even on failure so the caller can skip a bad file by
	// calling Next again.
	s.next++
	var img gocv.Mat
	var err error
	quietly(func() { img, err = decodeImage(path) })
	if err != nil {
		// The Index and Name still say which file failed.
		return FrameInfo{Index: i, Name: filepath.Base(path)}, err
	}
	defer img.Close()
	img.CopyTo(dst)
	return FrameInfo{Index: i, Name: filepath.Base(path)}, nil
}

func (s *folderSource) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}

func (s *folderSource) Describe() SourceInfo { return s.info }
