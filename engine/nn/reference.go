package nn

import (
	"fmt"
	"math"
)

// ReferenceForward runs the stack by the textbook definition of each layer:
// direct six-loop convolution and dense sums accumulated in float64, no
// packing, no fused steps. It is slow and allocates; it is the oracle the
// Runner and other backends are tested against.
func ReferenceForward(s *Stack, in []float32) ([]float32, error) {
	shapes, err := s.Shapes()
	if err != nil {
		return nil, err
	}
	if len(in) != s.In.Len() {
		return nil, fmt.Errorf("nn: input has %d values, the stack takes %v = %d", len(in), s.In, s.In.Len())
	}
	cur, sh := append([]float32(nil), in...), s.In
	for i, l := range s.Layers {
		o := shapes[i]
		out := make([]float32, o.Len())
		switch l.Op {
		case OpConv:
			refConv(out, cur, sh, o, l)
		case OpDense:
			for j := 0; j < l.Out; j++ {
				sum := float64(l.B[j])
				for p, v := range cur {
					sum += float64(l.W[j*len(cur)+p]) * float64(v)
				}
				out[j] = float32(sum)
			}
		case OpReLU:
			for j, v := range cur {
				if v < 0 {
					v = 0
				}
				out[j] = v
			}
		case OpMaxPool:
			refPool(out, cur, sh, o, l.Size)
		case OpSoftmax:
			m := math.Inf(-1)
			for _, v := range cur {
				m = math.Max(m, float64(v))
			}
			var sum float64
			for _, v := range cur {
				sum += math.Exp(float64(v) - m)
			}
			for j, v := range cur {
				out[j] = float32(math.Exp(float64(v)-m) / sum)
			}
		}
		cur, sh = out, o
	}
	return cur, nil
}

func refConv(out, in []float32, s, o Shape, l Layer) {
	k := l.Size
	for f := 0; f < o.C; f++ {
		for y := 0; y < o.H; y++ {
			for x := 0; x < o.W; x++ {
				sum := float64(l.B[f])
				for c := 0; c < s.C; c++ {
					for ky := 0; ky < k; ky++ {
						for kx := 0; kx < k; kx++ {
							w := l.W[((f*s.C+c)*k+ky)*k+kx]
							sum += float64(w) * float64(in[(c*s.H+y+ky)*s.W+x+kx])
						}
					}
				}
				out[(f*o.H+y)*o.W+x] = float32(sum)
			}
		}
	}
}

// refPool is max pooling where any NaN in a window makes the result NaN.
func refPool(out, in []float32, s, o Shape, k int) {
	for c := 0; c < o.C; c++ {
		for y := 0; y < o.H; y++ {
			for x := 0; x < o.W; x++ {
				m := float32(math.Inf(-1))
				for ky := 0; ky < k; ky++ {
					for kx := 0; kx < k; kx++ {
						v := in[(c*s.H+y*k+ky)*s.W+x*k+kx]
						if v > m || v != v {
							m = v
						}
					}
				}
				out[(c*o.H+y)*o.W+x] = m
			}
		}
	}
}
