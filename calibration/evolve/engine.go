package evolve

import (
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/calibration/prototypes"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/knn"
	"github.com/sliced-ai/sliced/engine/nn"
)

// Features runs the stack over every image of set, on every core, and
// returns the feature vectors (Len() x dim) and dim.
func Features(s *nn.Stack, set *dataset.Set) ([]float32, int, error) {
	out, err := s.Out()
	if err != nil {
		return nil, 0, err
	}
	if s.In != set.Shape {
		return nil, 0, fmt.Errorf("evolve: the stack takes %v images, the set has %v", s.In, set.Shape)
	}
	dim, n := out.Len(), set.Len()
	feats := make([]float32, n*dim)
	workers := runtime.GOMAXPROCS(0)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r, err := nn.NewRunner(s)
			if err != nil {
				errs[w] = err
				return
			}
			for i := w; i < n; i += workers {
				f, err := r.Forward(set.Image(i))
				if err != nil {
					errs[w] = err
					return
				}
				copy(feats[i*dim:], f)
			}
		}(w)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, 0, err
		}
	}
	return feats, dim, nil
}

// NewEngine builds a sliced engine from a tuned conv stack: every image of
// protos becomes a prototype (condense them with calibration/prototypes to
// fit a byte budget).
func NewEngine(name, topology string, s *nn.Stack, protos *dataset.Set, k int, metric knn.Metric) (*engine.Engine, error) {
	feats, dim, err := Features(s, protos)
	if err != nil {
		return nil, err
	}
	set := &knn.Set{K: k, Metric: metric, Dim: dim, Vectors: feats, Labels: slices.Clone(protos.Labels),
		Classes: slices.Clone(protos.Classes)}
	set.Prepare()
	e := &engine.Engine{Name: name, Topology: topology, Stack: cloneStack(s), KNN: set,
		WeightType: engine.F32, ProtoType: engine.F32}
	return e, e.Validate()
}

// Accuracy classifies every image of set with e on every core.
func Accuracy(e *engine.Engine, set *dataset.Set) (float64, error) {
	if set.Len() == 0 {
		return 0, fmt.Errorf("evolve: empty test set")
	}
	return prototypes.Accuracy(e, set.Images, set.Labels)
}

func cloneStack(s *nn.Stack) nn.Stack {
	out := nn.Stack{In: s.In, Layers: slices.Clone(s.Layers)}
	for i := range out.Layers {
		out.Layers[i].W = slices.Clone(out.Layers[i].W)
		out.Layers[i].B = slices.Clone(out.Layers[i].B)
	}
	return out
}
