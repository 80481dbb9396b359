//go:build !linux

package control

import "net"

// checkPeer relies on the 0700 directory and 0600 socket off Linux, where
// SO_PEERCRED is unavailable.
func checkPeer(net.Conn) error { return nil }
