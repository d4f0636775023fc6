package gemm

import (
	"math/rand/v2"
	"testing"
)

// The int16 kernel gives the exact integer sums of the plain-Go loop, on
// rows with a stride and the largest values either sign.
func TestDotsInt16(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, c := range []struct{ rows, k, lda int }{{4, 64, 64}, {24, 1600 + 64 - 1600%64, 1700}, {8, 128, 130}} {
		a := make([]int16, c.rows*c.lda)
		x := make([]int16, c.k)
		for i := range a {
			a[i] = int16(rng.IntN(255) - 127)
		}
		for i := range x {
			x[i] = int16(rng.IntN(65535) - 32767)
		}
		a[0], x[0] = -127, -32767 // the extremes multiply to the largest product
		want, got := make([]int32, c.rows), make([]int32, c.rows)
		DotsInt16Go(c.rows, c.k, a, c.lda, x, want)
		if !DotsInt16(c.rows, c.k, a, c.lda, x, got) {
			if hasDotsInt16 {
				t.Fatalf("%+v: refused", c)
			}
			t.Skip("no int16 dot-product kernel here")
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%+v: row %d: %d, want %d", c, i, got[i], want[i])
			}
		}
	}
	if DotsInt16(6, 64, make([]int16, 6*64), 64, make([]int16, 64), make([]int32, 6)) || DotsInt16(4, 60, make([]int16, 4*60), 60, make([]int16, 60), make([]int32, 4)) {
		t.Error("rows not a multiple of 4, or k not of QBlock, were taken")
	}
}

// QuantizeInt16 gives the plain loop's differences, step and codes (ties
// to even, the largest |d| at +-32767), vector kernel and tail alike.
func TestQuantizeInt16(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for _, n := range []int{1, 15, 16, 33, 1600} {
		x, mean := make([]float32, n), make([]float32, n)
		for i := range x {
			x[i], mean[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64()/4)
		}
		d, q := make([]float32, n), make([]int16, n+7)
		for i := range q {
			q[i] = 99
		}
		step := QuantizeInt16(n, x, mean, d, q)
		var m float32
		for i := range x {
			if d[i] != x[i]-mean[i] {
				t.Fatalf("n=%d: d[%d] = %v, want %v", n, i, d[i], x[i]-mean[i])
			}
			m = max(m, abs32(d[i]))
		}
		if step != m/32767 {
			t.Fatalf("n=%d: step %v, want %v", n, step, m/32767)
		}
		for i := range x {
			if want := int16(roundEven(d[i] * (32767 / m))); q[i] != want {
				t.Fatalf("n=%d: q[%d] = %d, want %d", n, i, q[i], want)
			}
		}
		for i := n; i < len(q); i++ {
			if q[i] != 0 {
				t.Fatalf("n=%d: padding q[%d] = %d", n, i, q[i])
			}
		}
	}
	if step := QuantizeInt16(3, make([]float32, 3), make([]float32, 3), make([]float32, 3), make([]int16, 3)); step != 0 {
		t.Errorf("all zero: step %v", step)
	}
}
