package coach

import "github.com/neckwatch/neckwatch/timeline"

// Span is a stretch of state time from the shared time model (package
// timeline): what the Accrue effect hands on to the history.
type Span = timeline.Span
