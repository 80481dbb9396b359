//go:build linux

package control

import (
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
)

// checkPeer rejects connections from other users. The socket's 0600 mode
// should already stop them, but root-owned helpers, a loosened directory
// or an inherited descriptor could bypass file permissions; the kernel's
// record of the peer's credentials cannot be bypassed.
func checkPeer(conn net.Conn) error {
	uc, ok := conn.(*net.UnixConn)
	if !ok {
		return errors.New("permission denied: control connections must come over a Unix socket")
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return fmt.Errorf("permission denied: cannot identify peer: %w", err)
	}
	var cred *syscall.Ucred
	var credErr error
	if err := raw.Control(func(fd uintptr) {
		cred, credErr = syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED)
	}); err != nil {
		return fmt.Errorf("permission denied: cannot identify peer: %w", err)
	}
	if credErr != nil {
		return fmt.Errorf("permission denied: cannot identify peer: %w", credErr)
	}
	if int(cred.Uid) != os.Getuid() {
		return fmt.Errorf("permission denied: uid %d may not control this daemon (owned by uid %d)", cred.Uid, os.Getuid())
	}
	return nil
}
