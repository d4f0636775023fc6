package backend

import (
	"testing"

	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/gemm"
	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models"
)

// SetConv reaches the sessions made after it: the default engine with
// int8 convolutions where they run gives the digits the same answers.
func TestSlicedConv(t *testing.T) {
	e, err := models.Default()
	if err != nil {
		t.Fatal(err)
	}
	s := NewSliced(func() *engine.Engine { return e })
	want := nn.ConvAuto
	if gemm.HasQConv() {
		want = nn.ConvInt8
	}
	in := make([]float32, e.Stack.In.Len())
	for i := 10; i < 18; i++ { // a bar: a one
		for j := 13; j < 15; j++ {
			in[i*28+j] = 1
		}
	}
	before, err := s.Classify(in)
	if err != nil {
		t.Fatal(err)
	}
	s.SetConv(nn.ConvInt8)
	sess, err := s.pool().get()
	if err != nil {
		t.Fatal(err)
	}
	if got := sess.ConvAlgo(3); want == nn.ConvInt8 && got != nn.ConvInt8 {
		t.Errorf("conv2 runs %v after SetConv(int8)", got)
	}
	after, err := s.Classify(in)
	if err != nil {
		t.Fatal(err)
	}
	if after.Class != before.Class {
		t.Errorf("int8 answers %q, float32 %q", after.Class, before.Class)
	}
}
