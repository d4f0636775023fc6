package backend

import (
	"fmt"

	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/nn"
)

// DigitInput is the input of a backend that does not say otherwise: the
// digit engines' one 28x28 plane.
var DigitInput = nn.Shape{C: 1, H: 28, W: 28}

// Shaped is a Backend that says its input shape (CHW).
type Shaped interface {
	Input() nn.Shape
}

// Prepped is a Backend whose engine normalises its input (PREP section).
type Prepped interface {
	Prep() engine.Preprocess
}

// Normalize applies b's input normalisation in place to the tensors laid
// end to end in in, given as pixels in [0, 1]: what the daemon's own
// preprocessing does, for inputs that clients made.
func Normalize(b Backend, in []float32) {
	pb, ok := b.(Prepped)
	if !ok {
		return
	}
	p := pb.Prep()
	if len(p.Mean) == 0 && len(p.Scale) == 0 {
		return
	}
	sh := InputOf(b)
	plane := sh.H * sh.W
	for i := range in {
		m, k := p.Norm((i / plane) % sh.C)
		in[i] = (in[i] - m) * k
	}
}

// InputOf is b's input shape: Shaped's, else DigitInput.
func InputOf(b Backend) nn.Shape {
	if s, ok := b.(Shaped); ok {
		return s.Input()
	}
	return DigitInput
}

// Batcher is a Backend that classifies several tensors in one call,
// cheaper than one call each: a runtime whose model has a batch dimension,
// and the Go engine's backends, whose conv layers run over chunks of 8
// images as one product each (the packed weights read once a chunk, the
// product's ragged edge paid once a chunk). On a 2-core shared Xeon
// (AVX-512) that measured 6-12 % less time per image than a loop for
// batches of 8 and 64, and the same for 1, which takes the single-image
// path (go test ./engine -run X -bench Batch; README).
type Batcher interface {
	// ClassifyBatch labels the len(in)/InputOf(b).Len() tensors laid end to end
	// in in. Each Result's Timing is the call's time shared out.
	ClassifyBatch(in []float32) ([]Result, error)
}

// ClassifyBatch labels the tensors laid end to end in in: in one call
// where b is a Batcher, else one call each.
func ClassifyBatch(b Backend, in []float32) ([]Result, error) {
	n := InputOf(b).Len()
	if len(in) == 0 || len(in)%n != 0 {
		return nil, fmt.Errorf("batch of %d values, want a multiple of %d", len(in), n)
	}
	if bb, ok := b.(Batcher); ok {
		return bb.ClassifyBatch(in)
	}
	out := make([]Result, 0, len(in)/n)
	for i := 0; i < len(in); i += n {
		r, err := b.Classify(in[i : i+n])
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Renamed is b under another name: a model of the model folder, named by
// its file, that runs on a backend of another name.
func Renamed(b Backend, name string) Backend { return renamed{b, name} }

type renamed struct {
	Backend
	name string
}

func (r renamed) Info() Info {
	i := r.Backend.Info()
	i.Name = r.name
	return i
}

// Prep keeps the wrapped backend's normalisation.
func (r renamed) Prep() engine.Preprocess {
	if p, ok := r.Backend.(Prepped); ok {
		return p.Prep()
	}
	return engine.Preprocess{}
}

// Input keeps the wrapped backend's shape.
func (r renamed) Input() nn.Shape { return InputOf(r.Backend) }

// ClassifyBatch keeps the wrapped backend's batching.
func (r renamed) ClassifyBatch(in []float32) ([]Result, error) { return ClassifyBatch(r.Backend, in) }
