package serve

import (
	"testing"

	"github.com/sliced-ai/sliced/cmd/sliced/testbin"
)

// TestMain removes the daemon binaries the tests built once they are done.
func TestMain(m *testing.M) { testbin.Main(m) }
