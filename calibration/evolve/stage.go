package evolve

import (
	"fmt"
	"sync"

	"github.com/sliced-ai/sliced/engine/gemm"
	"github.com/sliced-ai/sliced/engine/nn"
)

// stage is one conv layer of the stack and the per-channel layers (ReLU,
// max pooling) that follow it up to the next conv. Because those layers act
// on each channel alone, output channel f of a stage depends only on
// filter f: the fact every fast path here rests on.
type stage struct {
	conv    int        // index of the conv layer in the stack
	post    []nn.Layer // ReLU / MaxPool layers after it
	in      nn.Shape   // conv input
	convOut nn.Shape   // conv output, one channel per filter
	out     nn.Shape   // stage output, one channel per filter
	k       int        // kernel size
	fanIn   int        // weights per filter (without the bias)
	filters int
}

// dOut is the number of values one filter contributes to the features.
func (st *stage) dOut() int { return st.out.H * st.out.W }

// stagesOf splits a conv stack into stages. Only conv, ReLU and max
// pooling may appear, and the stack must start with a conv.
func stagesOf(s *nn.Stack) ([]stage, error) {
	shapes, err := s.Shapes()
	if err != nil {
		return nil, err
	}
	var out []stage
	in := s.In
	for i, l := range s.Layers {
		switch l.Op {
		case nn.OpConv:
			out = append(out, stage{conv: i, in: in, convOut: shapes[i], out: shapes[i], k: l.Size,
				fanIn: in.C * l.Size * l.Size, filters: l.Out})
		case nn.OpReLU, nn.OpMaxPool:
			if len(out) == 0 {
				return nil, fmt.Errorf("evolve: layer %d (%v) comes before the first conv", i, l.Op)
			}
			st := &out[len(out)-1]
			st.post = append(st.post, l)
			st.out = shapes[i]
		default:
			return nil, fmt.Errorf("evolve: layer %d is %v; a conv stack holds only conv, relu and maxpool", i, l.Op)
		}
		in = shapes[i]
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("evolve: the stack has no conv layer")
	}
	return out, nil
}

// filterOutputs runs nf filters (w: nf x fanIn, b: nf) of stage st over n
// input tensors and writes filter j's output channel for image i to
// out[j][i*dOut:]. Images are split across workers; each image's patches
// are laid out once (im2col) and multiplied by all nf filters together, so
// a whole generation shares one pass over the data.
func (st *stage) filterOutputs(out [][]float32, w, b []float32, nf int, inputs []float32, n, workers int) {
	k := st.k
	pix := st.convOut.H * st.convOut.W
	inLen := st.in.Len()
	d := st.dOut()
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for lo := 0; lo < n; lo += chunk {
		hi := min(n, lo+chunk)
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			col := make([]float32, st.fanIn*pix)
			res := make([]float32, nf*pix)
			tmp := make([]float32, pix)
			for i := lo; i < hi; i++ {
				nn.Im2Col(col, inputs[i*inLen:(i+1)*inLen], st.in, k)
				for j := 0; j < nf; j++ {
					r := res[j*pix : (j+1)*pix]
					for p := range r {
						r[p] = b[j]
					}
				}
				gemm.Sgemm(false, false, nf, pix, st.fanIn, 1, w, st.fanIn, col, pix, 1, res, pix)
				for j := 0; j < nf; j++ {
					st.postChannel(out[j][i*d:(i+1)*d], res[j*pix:(j+1)*pix], tmp)
				}
			}
		}(lo, hi)
	}
	wg.Wait()
}

// postChannel applies the stage's ReLU and pooling to one conv channel.
func (st *stage) postChannel(dst, src, tmp []float32) {
	sh := nn.Shape{C: 1, H: st.convOut.H, W: st.convOut.W}
	cur := src
	for _, l := range st.post {
		switch l.Op {
		case nn.OpReLU:
			nn.ReLU(cur, cur)
		case nn.OpMaxPool:
			next := nn.Shape{C: 1, H: sh.H / l.Size, W: sh.W / l.Size}
			nn.MaxPool(tmp[:next.Len()], cur, sh, l.Size)
			copy(cur[:next.Len()], tmp[:next.Len()])
			sh = next
		}
	}
	copy(dst, cur[:len(dst)])
}

// toCHW gathers per-channel outputs (chans[c][i*d:]) into image-major CHW
// tensors, the next stage's input.
func toCHW(chans [][]float32, n, d int) []float32 {
	c := len(chans)
	out := make([]float32, n*c*d)
	for i := 0; i < n; i++ {
		for ch, v := range chans {
			copy(out[(i*c+ch)*d:(i*c+ch+1)*d], v[i*d:(i+1)*d])
		}
	}
	return out
}
