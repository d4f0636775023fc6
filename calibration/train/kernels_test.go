package train

import (
	"math"
	"slices"
	"testing"

	"github.com/sliced-ai/sliced/engine/nn"
)

func TestCol2ImGolden(t *testing.T) {
	// One 3x3 plane, 2x2 kernel: four 2x2 output positions. Each input
	// pixel receives the column entries of every patch it appears in.
	s := nn.Shape{C: 1, H: 3, W: 3}
	col := make([]float32, 4*4)
	for i := range col {
		col[i] = 1
	}
	in := make([]float32, 9)
	Col2Im(in, col, s, 2)
	want := []float32{1, 2, 1, 2, 4, 2, 1, 2, 1} // how many patches cover each pixel
	if !slices.Equal(in, want) {
		t.Errorf("Col2Im = %v, want %v", in, want)
	}
}

// Col2Im must be the transpose of Im2Col: <Im2Col(x), y> = <x, Col2Im(y)>.
func TestCol2ImIsAdjoint(t *testing.T) {
	s := nn.Shape{C: 2, H: 5, W: 4}
	k := 3
	n := s.C * k * k * (s.H - k + 1) * (s.W - k + 1)
	r := newFastRand(1)
	x, y := make([]float32, s.Len()), make([]float32, n)
	for i := range x {
		x[i] = r.float32() - 0.5
	}
	for i := range y {
		y[i] = r.float32() - 0.5
	}
	col, back := make([]float32, n), make([]float32, s.Len())
	nn.Im2Col(col, x, s, k)
	Col2Im(back, y, s, k)
	var a, b float64
	for i := range col {
		a += float64(col[i] * y[i])
	}
	for i := range x {
		b += float64(x[i] * back[i])
	}
	if math.Abs(a-b) > 1e-5 {
		t.Errorf("<Im2Col x, y> = %v, <x, Col2Im y> = %v", a, b)
	}
}

func TestMaxPoolArgGolden(t *testing.T) {
	// 1 channel 3x5, window 2: outputs 1x2, the last row and column dropped.
	in := []float32{
		1, 5, 2, 2, 9,
		3, 4, 8, 0, 9,
		9, 9, 9, 9, 9,
	}
	s := nn.Shape{C: 1, H: 3, W: 5}
	out, arg := make([]float32, 2), make([]int32, 2)
	MaxPoolArg(out, arg, in, s, 2)
	if !slices.Equal(out, []float32{5, 8}) || !slices.Equal(arg, []int32{1, 7}) {
		t.Errorf("out %v arg %v, want [5 8] [1 7]", out, arg)
	}
	ref := make([]float32, 2)
	nn.MaxPool(ref, in, s, 2)
	if !slices.Equal(out, ref) {
		t.Errorf("differs from nn.MaxPool %v", ref)
	}
	din := make([]float32, 15)
	for i := range din {
		din[i] = 7 // stale values must be cleared
	}
	MaxPoolBackward(din, []float32{0.5, -2}, arg, 15)
	want := make([]float32, 15)
	want[1], want[7] = 0.5, -2
	if !slices.Equal(din, want) {
		t.Errorf("backward %v, want %v", din, want)
	}
}

func TestDenseGolden(t *testing.T) {
	l := nn.Layer{Op: nn.OpDense, Out: 2, W: []float32{1, 2, 3, 4, 5, 6}, B: []float32{0.5, -1}}
	x := []float32{1, 0, -1, 2, 1, 0} // two rows of 3
	out := make([]float32, 4)
	DenseForward(out, x, 2, l)
	if want := []float32{-1.5, -3, 4.5, 12}; !slices.Equal(out, want) {
		t.Errorf("forward %v, want %v", out, want)
	}
	dw, db, dx := make([]float32, 6), make([]float32, 2), make([]float32, 6)
	dout := []float32{1, 0, 0, 1}
	DenseBackward(dw, db, dx, x, dout, 2, l)
	if want := []float32{1, 0, -1, 2, 1, 0}; !slices.Equal(dw, want) {
		t.Errorf("dW %v, want %v", dw, want)
	}
	if want := []float32{1, 1}; !slices.Equal(db, want) {
		t.Errorf("dB %v, want %v", db, want)
	}
	if want := []float32{1, 2, 3, 4, 5, 6}; !slices.Equal(dx, want) {
		t.Errorf("dX %v, want %v", dx, want)
	}
}

func TestReLUBackward(t *testing.T) {
	din := make([]float32, 4)
	ReLUBackward(din, []float32{1, 2, 3, 4}, []float32{0, 0.5, -1, 2})
	if want := []float32{0, 2, 0, 4}; !slices.Equal(din, want) {
		t.Errorf("%v, want %v", din, want)
	}
}
