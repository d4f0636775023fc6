package models

import (
	"testing"

	"github.com/sliced-ai/sliced/engine/nn"
)

func TestTopologySizes(t *testing.T) {
	cases := []struct {
		top    Topology
		hidden int
		flat   int
		total  int
	}{
		{A, 128, 9216, 1199882},
		{B, 64, 1600, 121930},
		{B, 32, 1600, 70378},
		{B, 16, 1600, 44602},
		{B, 8, 1600, 31714},
	}
	for _, c := range cases {
		conv := ConvStack(c.top)
		if got := conv.Params(); got != ConvParams {
			t.Errorf("%s conv params = %d, want %d", c.top, got, ConvParams)
		}
		out, err := conv.Out()
		if err != nil {
			t.Fatal(err)
		}
		if out.Len() != c.flat {
			t.Errorf("%s flatten = %d, want %d", c.top, out.Len(), c.flat)
		}
		full := FullCNN(c.top, c.hidden, 10)
		if got := full.Params(); got != c.total {
			t.Errorf("%s/%d params = %d, want %d (the paper's count)", c.top, c.hidden, got, c.total)
		}
		if _, err := full.Shapes(); err != nil {
			t.Errorf("%s/%d: %v", c.top, c.hidden, err)
		}
	}
}

// Other input shapes keep the layers; only the first conv's channels and
// the flattened size change.
func TestConvStackFor(t *testing.T) {
	for _, in := range []nn.Shape{{C: 1, H: 32, W: 32}, {C: 3, H: 32, W: 32}, {C: 3, H: 64, W: 64}} {
		s := FullCNNFor(B, in, 16, 5)
		out, err := s.Out()
		if err != nil || out.Len() != 5 {
			t.Fatalf("%+v: out %+v, %v", in, out, err)
		}
		if got := len(s.Layers[0].W); got != 32*in.C*9 {
			t.Errorf("%+v: conv1 has %d weights", in, got)
		}
	}
	if len(ConvStack(B).Layers[0].W) != 32*9 {
		t.Error("ConvStack changed")
	}
}
