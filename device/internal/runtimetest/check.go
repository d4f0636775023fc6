package runtimetest

import (
	"sync"
	"testing"

	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models"
	"github.com/sliced-ai/sliced/models/onnxexport"
)

// Model is what the native runtimes' models have in common.
type Model interface {
	Run(in []float32) ([]float32, error)
	OutLen() int
	Close() error
}

// Open compiles ONNX bytes on the runtime under test.
type Open func(onnx []byte) (Model, error)

// MatchesRunner exports the full CNNs A and B and both conv stacks with
// random weights, runs five images through each on the runtime and checks
// every output against nn.Runner within 1e-4. name labels the log lines.
func MatchesRunner(t *testing.T, name string, open Open) {
	t.Helper()
	cases := []struct {
		name  string
		stack nn.Stack
	}{
		{"fullA", models.FullCNN(models.A, 128, 10)},
		{"fullB", models.FullCNN(models.B, 64, 10)},
		{"convA", models.ConvStack(models.A)},
		{"convB", models.ConvStack(models.B)},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := RandomStack(c.stack, uint64(i+1))
			data, err := onnxexport.Export(s, onnxexport.Options{})
			if err != nil {
				t.Fatal(err)
			}
			m, err := open(data)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			r, err := nn.NewRunner(s)
			if err != nil {
				t.Fatal(err)
			}
			worst := 0.0
			for k := range 5 {
				img := RandomImage(uint64(100*i + k))
				want, _ := r.Forward(img)
				got, err := m.Run(img)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(want) {
					t.Fatalf("%d outputs, want %d", len(got), len(want))
				}
				worst = max(worst, MaxDiff(got, want))
			}
			t.Logf("%d outputs, max |%s - nn.Runner| = %.3g", m.OutLen(), name, worst)
			if worst > 1e-4 {
				t.Errorf("max difference %.3g, want <= 1e-4", worst)
			}
		})
	}
}

// ConcurrentRuns shares one model of the B/16 full CNN between four
// goroutines; every result must still match nn.Runner within 1e-4.
func ConcurrentRuns(t *testing.T, open Open) {
	t.Helper()
	s := RandomStack(models.FullCNN(models.B, 16, 10), 21)
	data, _ := onnxexport.Export(s, onnxexport.Options{})
	m, err := open(data)
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
				img := RandomImage(uint64(10*g + k))
				want, _ := r.Forward(img)
				got, err := m.Run(img)
				if err != nil {
					errs <- err.Error()
					return
				}
				if d := MaxDiff(got, want); d > 1e-4 {
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
