package cannot

import (
	"testing"

	"github.com/interleave-go/interleave/stress"
)

var _ = stress.Test[int, int, int] // the package is tested with interleave

func TestStart(t *testing.T) { Start(1, 2) }
