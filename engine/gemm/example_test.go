package gemm_test

import (
	"fmt"

	"github.com/sliced-ai/sliced/engine/gemm"
)

func ExampleSgemm() {
	a := []float32{1, 2, 3, 4, 5, 6}    // 2x3
	b := []float32{7, 8, 9, 10, 11, 12} // 3x2
	c := make([]float32, 4)             // 2x2
	gemm.Sgemm(false, false, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2)
	fmt.Println(c)
	// Output: [58 64 139 154]
}

// A conv layer's weights are packed once; every image then costs one
// fused product: C = W·col + bias, clamped at zero.
func ExamplePacked_MulBias() {
	w := []float32{1, -1, 2, 0} // 2 filters x 2 patch values
	p, err := gemm.Pack(false, 2, 2, w, 2)
	if err != nil {
		panic(err)
	}
	col := []float32{1, 2, 3, 4, 5, 6} // 2 patch values x 3 pixels
	out := make([]float32, 6)
	if err := p.MulBias(3, col, 3, []float32{4, -3}, true, out, 3); err != nil {
		panic(err)
	}
	fmt.Println(out)
	// Output: [1 1 1 0 1 3]
}
