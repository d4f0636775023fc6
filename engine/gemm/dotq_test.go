package gemm

import (
	"math"
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

// The byte-split product gives the exact sums of the plain loop, and
// SplitU16 the codes of the plain rounding; a negative input is refused.
func TestDotsU16(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, c := range []struct{ rows, k, lda, n int }{{4, 64, 64, 64}, {24, 1600, 1650, 1600}, {8, 128, 128, 100}} {
		a := make([]int8, c.rows*c.lda)
		for i := range a {
			a[i] = int8(rng.IntN(255) - 127)
		}
		x := make([]float32, c.n)
		for i := range x {
			x[i] = float32(rng.ExpFloat64())
		}
		x[0] = 0
		lo, hi := make([]uint8, c.k), make([]uint8, c.k)
		step, ok := SplitU16(c.n, x, lo, hi)
		if !ok {
			t.Fatalf("%+v: refused non-negative input", c)
		}
		var mx float32
		for _, v := range x {
			mx = max(mx, v)
		}
		if step != mx/65535 {
			t.Fatalf("%+v: step %v, want %v", c, step, mx/65535)
		}
		for i, v := range x {
			want := uint16(min(math.RoundToEven(float64(v*(65535/mx))), 65535))
			if got := uint16(lo[i]) | uint16(hi[i])<<8; got != want {
				t.Fatalf("%+v: code %d = %d, want %d", c, i, got, want)
			}
		}
		raw := make([]int32, 2*c.rows)
		if !DotsU16(c.rows, c.k, a, c.lda, lo, hi, raw) {
			if hasDotsInt16 {
				t.Fatalf("%+v: refused", c)
			}
			t.Skip("no int8 dot-product kernel here")
		}
		for i := 0; i < c.rows; i++ {
			if got, want := RowU16(raw, i), DotsU16Go(c.k, a[i*c.lda:], lo, hi); got != want {
				t.Fatalf("%+v: row %d: %d, want %d", c, i, got, want)
			}
		}
	}
	if _, ok := SplitU16(20, append(make([]float32, 19), -1), make([]uint8, 20), make([]uint8, 20)); ok {
		t.Error("a negative input was coded")
	}
}
