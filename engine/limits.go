package engine

import (
	"fmt"

	"github.com/sliced-ai/sliced/engine/nn"
)

// Limits on what an engine may ask of the machine that runs it. Engines
// for boards take small images; these bounds stop a corrupt or hostile
// file from making NewSession allocate gigabytes or Classify run for hours.
const (
	MaxInputValues = 1 << 20 // e.g. 3x512x512
	MaxMACs        = 1 << 32 // multiply-adds per image
	MaxActivation  = 1 << 24 // values in any layer's output or scratch
)

// Cost returns the multiply-adds one image takes through the stack, and
// checks the stack's scratch sizes against the limits above.
func Cost(s *nn.Stack) (int64, error) {
	if s.In.Len() > MaxInputValues {
		return 0, fmt.Errorf("engine: input %v has %d values, more than the limit of %d", s.In, s.In.Len(), MaxInputValues)
	}
	shapes, err := s.Shapes()
	if err != nil {
		return 0, err
	}
	var macs int64
	in := s.In
	for i, l := range s.Layers {
		out := shapes[i]
		if out.Len() > MaxActivation {
			return 0, fmt.Errorf("engine: layer %d (%v) outputs %v = %d values, more than the limit of %d", i, l.Op, out, out.Len(), MaxActivation)
		}
		switch l.Op {
		case nn.OpConv:
			k := int64(in.C) * int64(l.Size) * int64(l.Size)
			cols := int64(out.H) * int64(out.W)
			if k*cols > MaxActivation {
				return 0, fmt.Errorf("engine: layer %d (conv) needs %d scratch values, more than the limit of %d", i, k*cols, MaxActivation)
			}
			macs += k * cols * int64(l.Out)
		case nn.OpDense:
			macs += int64(in.Len()) * int64(l.Out)
		}
		if macs > MaxMACs {
			return 0, fmt.Errorf("engine: more than %d multiply-adds per image", int64(MaxMACs))
		}
		in = out
	}
	return macs, nil
}
