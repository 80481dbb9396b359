package vision

// VideoSamplerPosition is the frame a VideoSampler last read, for the
// external tests.
func VideoSamplerPosition(s *VideoSampler) FrameInfo { return s.info }
