package vision

import "syscall"

func dup2(from, to int) { _ = syscall.Dup3(from, to, 0) }
