package openvino

import (
	"testing"

	"github.com/sliced-ai/sliced/device/internal/runtimetest"
)

// TestConcurrentRuns shares one Model between goroutines; every result must
// still match nn.Runner.
func TestConcurrentRuns(t *testing.T) {
	lib := testLibrary(t)
	runtimetest.ConcurrentRuns(t, func(onnx []byte) (runtimetest.Model, error) {
		return New(onnx, Options{Library: lib, Threads: 1})
	})
}
