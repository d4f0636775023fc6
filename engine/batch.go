package engine

import (
	"fmt"
	"slices"
	"time"

	"github.com/sliced-ai/sliced/engine/knn"
)

// ClassifyBatch labels the inputs laid end to end in in (each the stack's
// input shape, CHW): the labels Classify gives one by one, with scores
// equal up to the rounding of sums taken in another order. The conv
// stack runs over chunks of images at once (nn.Runner.ForwardBatch); the
// projection and the k-NN search stay one call an image, which measured
// faster or level (see projectBatch and below). Each Prediction owns its
// Neighbors; its Timing is the batch's shared out.
func (s *Session) ClassifyBatch(in []float32) ([]Prediction, error) {
	inLen := s.e.Stack.In.Len()
	if len(in) == 0 || len(in)%inLen != 0 {
		return nil, fmt.Errorf("engine: batch of %d values, want a multiple of %d", len(in), inLen)
	}
	n := len(in) / inLen
	t0 := time.Now()
	out, err := s.runner.ForwardBatch(in, n)
	if err != nil {
		return nil, err
	}
	t1 := time.Now()
	preds := make([]Prediction, n)
	dim := len(out) / n
	if s.search == nil {
		for i := range preds {
			preds[i] = argmax(out[i*dim : (i+1)*dim])
		}
	} else {
		feat := out
		if s.e.Proj != nil {
			feat = s.projectBatch(out, n)
			dim = s.e.Proj.Out
		} else if s.takesViews() {
			// The views' stack runs reuse the stack's output.
			feat = slices.Clone(out)
		}
		// One search a query: one matrix product for the batch's dot
		// products measured level with it (1.02-1.06 µs a query either
		// way, 64 MNIST queries of the default engine), since the dot
		// products are a small share of a search; finding the k nearest
		// and the vote, per query either way, are the rest.
		nbs := make([]knn.Neighbor, 0, n*min(s.e.KNN.K, s.e.KNN.Len()))
		for i := range preds {
			q := feat[i*dim : (i+1)*dim]
			r, err := s.search.Classify(q)
			if err != nil {
				return nil, err
			}
			// The searcher owns r.Neighbors; one array holds the
			// batch's copies.
			at := len(nbs)
			nbs = append(nbs, r.Neighbors...)
			p := Prediction{Label: r.Label, Neighbors: nbs[at:len(nbs):len(nbs)]}
			p.Known, p.Score = s.e.KNN.Known(q, r, s.UnknownScale)
			if s.takesViews() {
				if err := s.views(in[i*inLen:(i+1)*inLen], q, r, &p); err != nil {
					return nil, err
				}
			}
			preds[i] = p
		}
	}
	t2 := time.Now()
	names := s.e.ClassNames()
	share := Timing{Conv: t1.Sub(t0) / time.Duration(n), KNN: t2.Sub(t1) / time.Duration(n)}
	for i := range preds {
		preds[i].name(names)
		preds[i].Timing = share
	}
	return preds, nil
}

// FeaturesBatch is Features for the inputs laid end to end in in: their
// vectors, end to end, owned by the Session and valid until the next call.
func (s *Session) FeaturesBatch(in []float32) ([]float32, error) {
	inLen := s.e.Stack.In.Len()
	if len(in) == 0 || len(in)%inLen != 0 {
		return nil, fmt.Errorf("engine: batch of %d values, want a multiple of %d", len(in), inLen)
	}
	n := len(in) / inLen
	out, err := s.runner.ForwardBatch(in, n)
	if err != nil || s.e.Proj == nil {
		return out, err
	}
	return s.projectBatch(out, n), nil
}

// projectBatch applies the projection to the n feature vectors laid end
// to end in x, one matrix-vector product each. One matrix product for
// the batch (n x 1600 by the 1600 x 24 weights, padded to whole tiles)
// measured slower, 1.9-2.0 µs an image against 1.4-1.6 µs for batches of
// 8 and 64: the product packs its left-hand side, the batch, value by
// value in Go, which costs more than streaming the 154 KB of weights from
// L2 once an image, the matrix-vector product's only cost.
func (s *Session) projectBatch(x []float32, n int) []float32 {
	p := s.e.Proj
	s.projOut = grow(s.projOut, n*p.Out)
	for i := 0; i < n; i++ {
		s.projectInto(s.projOut[i*p.Out:(i+1)*p.Out], x[i*p.In:(i+1)*p.In])
	}
	return s.projOut
}

func grow(b []float32, n int) []float32 {
	if cap(b) < n {
		return make([]float32, n)
	}
	return b[:n]
}
