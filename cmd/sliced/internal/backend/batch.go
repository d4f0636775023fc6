package backend

import "fmt"

// InputLen is the number of values of one input tensor (1x28x28).
const InputLen = 28 * 28

// Batcher is a Backend that classifies several tensors in one call,
// cheaper than one call each: a runtime whose model has a batch dimension.
// The Go engine's backends are not: on x86 its conv products for one
// 28x28 image already run at the vector units' pace, and one product over
// a batch of 8 or 64 (tall image, packed dense weights) measured 10-20 %
// slower per image, from the copies between layouts.
type Batcher interface {
	// ClassifyBatch labels the len(in)/InputLen tensors laid end to end
	// in in. Each Result's Timing is the call's time shared out.
	ClassifyBatch(in []float32) ([]Result, error)
}

// ClassifyBatch labels the tensors laid end to end in in: in one call
// where b is a Batcher, else one call each.
func ClassifyBatch(b Backend, in []float32) ([]Result, error) {
	if len(in) == 0 || len(in)%InputLen != 0 {
		return nil, fmt.Errorf("batch of %d values, want a multiple of %d", len(in), InputLen)
	}
	if bb, ok := b.(Batcher); ok {
		return bb.ClassifyBatch(in)
	}
	out := make([]Result, 0, len(in)/InputLen)
	for i := 0; i < len(in); i += InputLen {
		r, err := b.Classify(in[i : i+InputLen])
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

// ClassifyBatch keeps the wrapped backend's batching.
func (r renamed) ClassifyBatch(in []float32) ([]Result, error) { return ClassifyBatch(r.Backend, in) }
