//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package control

import (
	"errors"
	"os"
)

// tryLock is unsupported here: neckwatch targets Linux desktops.
func tryLock(*os.File) (bool, error) {
	return false, errors.New("single-instance lock not supported on this platform")
}
