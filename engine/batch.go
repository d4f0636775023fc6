package engine

import (
	"fmt"
	"time"

	"github.com/sliced-ai/sliced/engine/gemm"
)

// ClassifyBatch labels the inputs laid end to end in in (each the stack's
// input shape, CHW): the labels Classify gives one by one, with scores
// equal up to the rounding of sums taken in another order. The conv
// stack runs over chunks of images at once (nn.Runner.ForwardBatch), the
// projection is one matrix product for the batch instead of one
// matrix-vector product an image, and so are the k-NN dot products. Each
// Prediction owns its Neighbors; its Timing is the batch's shared out.
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
			o := out[i*dim : (i+1)*dim]
			best := 0
			for j, v := range o {
				if v > o[best] {
					best = j
				}
			}
			preds[i] = Prediction{Label: best, Score: o[best], Known: true}
		}
	} else {
		feat := out
		if s.e.Proj != nil {
			feat = s.projectBatch(out, n)
			dim = s.e.Proj.Out
		}
		rs, err := s.search.ClassifyBatch(feat, n)
		if err != nil {
			return nil, err
		}
		for i, r := range rs {
			p := Prediction{Label: r.Label, Neighbors: r.Neighbors}
			p.Known, p.Score = s.e.KNN.Known(feat[i*dim:(i+1)*dim], r, s.UnknownScale)
			preds[i] = p
		}
	}
	t2 := time.Now()
	names := s.e.ClassNames()
	share := Timing{Conv: t1.Sub(t0) / time.Duration(n), KNN: t2.Sub(t1) / time.Duration(n)}
	for i := range preds {
		p := &preds[i]
		p.Class = names[p.Label]
		if !p.Known {
			p.Class = Unknown
		}
		p.Timing = share
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
// to end in x: one product of the batch (n x In) with the transposed
// weights, padded to projCols columns so that every tile of the product
// is whole. For one vector it is Projection.Apply.
func (s *Session) projectBatch(x []float32, n int) []float32 {
	p := s.e.Proj
	if n == 1 {
		p.Apply(s.proj, x, s.scratch)
		return s.proj
	}
	cols := (p.Out + projCols - 1) / projCols * projCols
	if len(s.projT) == 0 {
		// Built on the first batch: a session that never sees one
		// does not hold the copy.
		s.projT = make([]float32, p.In*cols)
		for o := 0; o < p.Out; o++ {
			for i, w := range p.W[o*p.In : (o+1)*p.In] {
				s.projT[i*cols+o] = w
			}
		}
	}
	if len(p.Mean) > 0 {
		s.centred = grow(s.centred, n*p.In)
		for i, v := range x {
			s.centred[i] = v - p.Mean[i%p.In]
		}
		x = s.centred
	}
	s.wide = grow(s.wide, n*cols)
	gemm.Sgemm(false, false, n, cols, p.In, 1, x, p.In, s.projT, cols, 0, s.wide, cols)
	s.projOut = grow(s.projOut, n*p.Out)
	for i := 0; i < n; i++ {
		copy(s.projOut[i*p.Out:(i+1)*p.Out], s.wide[i*cols:])
	}
	return s.projOut
}

// projCols is the column block the transposed projection is padded to:
// the widest register tile of the gemm kernels (AVX-512, 32 values).
const projCols = 32

func grow(b []float32, n int) []float32 {
	if cap(b) < n {
		return make([]float32, n)
	}
	return b[:n]
}
