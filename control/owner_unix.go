//go:build unix

package control

import (
	"os"
	"syscall"
)

// fileOwner returns the uid owning the file described by st.
func fileOwner(st os.FileInfo) (int, bool) {
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(sys.Uid), true
}
