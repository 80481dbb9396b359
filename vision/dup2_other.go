//go:build !linux

package vision

import "syscall"

func dup2(from, to int) { _ = syscall.Dup2(from, to) }
