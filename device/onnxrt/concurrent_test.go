package onnxrt

import (
	"github.com/sliced-ai/sliced/device/internal/runtimetest"
	"sync"
	"testing"

	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models"
	"github.com/sliced-ai/sliced/models/onnxexport"
)

// TestConcurrentRuns shares one Model between goroutines; every result must
// still match nn.Runner.
func TestConcurrentRuns(t *testing.T) {
	lib := testLibrary(t)
	s := runtimetest.RandomStack(models.FullCNN(models.B, 16, 10), 21)
	data, _ := onnxexport.Export(s, onnxexport.Options{})
	m, err := New(data, Options{Library: lib, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, _ := nn.NewRunner(s)
			for k := range 10 {
				img := runtimetest.RandomImage(uint64(10*g + k))
				want, _ := r.Forward(img)
				got, err := m.Run(img)
				if err != nil {
					errs <- err.Error()
					return
				}
				if d := runtimetest.MaxDiff(got, want); d > 1e-4 {
					errs <- "result differs from nn.Runner"
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
