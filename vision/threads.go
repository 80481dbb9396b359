package vision

/*
#cgo !windows pkg-config: opencv4
#cgo CXXFLAGS: --std=c++11
#include "threads.h"
*/
import "C"

// SetThreads sets how many threads OpenCV's parallel loops (the DNN
// layers among them) may use. OpenCV's worker threads spin for a while
// after each parallel job before they sleep; for the always-on daemon,
// which runs a few frames every few seconds, that spinning costs more CPU
// than the second thread saves, so it runs single-threaded. n <= 0 restores
// OpenCV's default (one thread per core).
func SetThreads(n int) {
	if n < 0 {
		n = -1
	}
	C.neckwatch_set_num_threads(C.int(n))
}

// Threads returns the number of threads OpenCV's parallel loops use.
func Threads() int { return int(C.neckwatch_get_num_threads()) }
