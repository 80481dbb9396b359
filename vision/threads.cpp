// setNumThreads is not wrapped by gocv v0.31; the daemon needs it.
#include <opencv2/core.hpp>
#include "threads.h"

void neckwatch_set_num_threads(int n) { cv::setNumThreads(n); }
int neckwatch_get_num_threads(void) { return cv::getNumThreads(); }
