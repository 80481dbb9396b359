package accuracy

import (
	"os"
	"testing"

	"github.com/neckwatch/neckwatch/internal/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.MainCheckingMats(m)) }
