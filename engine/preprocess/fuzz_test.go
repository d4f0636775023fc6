package preprocess

import (
	"math"
	"testing"
)

// FuzzFromGray feeds arbitrary pixels and sizes: the result is an error
// or a tensor of finite values in [0, 1], never a panic.
//
//	go test ./engine/preprocess -run '^$' -fuzz FuzzFromGray -fuzztime 1m
func FuzzFromGray(f *testing.F) {
	f.Add(make([]byte, 28*28), uint16(28), uint16(0))
	f.Add(benchFrame().Pix[:64*48], uint16(64), uint16(0))
	f.Add([]byte{0, 255, 0, 255, 255, 0}, uint16(3), uint16(1))
	f.Add([]byte{200, 200, 10, 200}, uint16(1), uint16(0))
	p := New()
	dst := make([]float32, Size*Size)
	f.Fuzz(func(t *testing.T, pix []byte, w, pad uint16) {
		if w == 0 || len(pix) > 1<<20 {
			return
		}
		stride := int(w) + int(pad%8)
		h := (len(pix) + int(pad%8)) / stride
		info, err := p.FromGray(dst, pix, int(w), h, stride)
		if err != nil {
			return
		}
		for i, v := range dst {
			if !(v >= 0 && v <= 1) || math.IsNaN(float64(v)) {
				t.Fatalf("value %d = %v (%dx%d/%d, %+v)", i, v, w, h, stride, info)
			}
		}
	})
}
