package models

import "testing"

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
