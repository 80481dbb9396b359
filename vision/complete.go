package vision

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ErrTruncated marks media that ends before its own structure says it
// should: a photo or video cut short (a copy interrupted, a download not
// finished). A truncated image wraps ErrBadFrame too; a truncated video's
// early end wraps io.EOF too, so that loops end as at a clean end.
var ErrTruncated = errors.New("truncated")

// checkComplete reports an image file that ends before its last byte:
// a JPEG without its end-of-image marker after the scan, a PNG without its
// IEND chunk. OpenCV decodes such files into a picture grey from the cut
// on and says so only on stderr; the other formats are not checked.
func checkComplete(path string) error {
	var check func(*bufio.Reader) error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jpg", ".jpeg":
		check = jpegComplete
	case ".png":
		check = pngComplete
	default:
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil // decodeImage says why it cannot be read
	}
	defer f.Close()
	err = check(bufio.NewReader(f))
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return newSourceError(fmt.Sprintf("image %s is truncated: the file ends early (a copy or download cut short?)", path), ErrBadFrame, ErrTruncated)
	}
	return nil // not the format it is named for: decodeImage decides
}

// jpegComplete walks a JPEG's segments and entropy-coded data to its
// end-of-image marker; it returns io.EOF when the file ends first.
func jpegComplete(r *bufio.Reader) error {
	var soi [2]byte
	if _, err := io.ReadFull(r, soi[:]); err != nil || soi != [2]byte{0xFF, 0xD8} {
		return errors.New("not a JPEG")
	}
	for {
		b, err := r.ReadByte()
		if err != nil {
			return io.EOF
		}
		if b != 0xFF {
			continue // entropy-coded data between markers
		}
		m, err := r.ReadByte()
		for err == nil && m == 0xFF { // fill bytes
			m, err = r.ReadByte()
		}
		switch {
		case err != nil:
			return io.EOF
		case m == 0xD9:
			return nil // end of image
		case m == 0x00 || m >= 0xD0 && m <= 0xD7 || m == 0x01:
			continue // a stuffed 0xFF, a restart marker, TEM: no length
		}
		var l [2]byte
		if _, err := io.ReadFull(r, l[:]); err != nil {
			return io.EOF
		}
		n := int(binary.BigEndian.Uint16(l[:])) - 2
		if n < 0 {
			return errors.New("bad segment length")
		}
		if _, err := r.Discard(n); err != nil {
			return io.EOF
		}
	}
}

// pngComplete walks a PNG's chunks to IEND; it returns io.EOF when the
// file ends first.
func pngComplete(r *bufio.Reader) error {
	var sig [8]byte
	if _, err := io.ReadFull(r, sig[:]); err != nil || string(sig[:]) != "\x89PNG\r\n\x1a\n" {
		return errors.New("not a PNG")
	}
	for {
		var head [8]byte
		if _, err := io.ReadFull(r, head[:]); err != nil {
			return io.EOF
		}
		n := int64(binary.BigEndian.Uint32(head[:4]))
		if _, err := io.CopyN(io.Discard, r, n+4); err != nil { // data and CRC
			return io.EOF
		}
		if string(head[4:]) == "IEND" {
			return nil
		}
	}
}
