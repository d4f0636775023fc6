package gemm

import "fmt"

// MaxPool2x2 is 2 x 2 max pooling over a plane, or over channels stacked
// with no gap: dst[y*cols+x] (y < rows, x < cols) is the largest of
// src[2y*pitch+2x], src[2y*pitch+2x+1] and the two values a row (pitch)
// below them; NaN when any of them is NaN (the sign of a zero result is
// not specified). It lives here because the vector kernels do.
func MaxPool2x2(dst, src []float32, rows, cols, pitch int) error {
	switch {
	case rows < 0 || cols < 0 || pitch < 2*cols:
		return fmt.Errorf("gemm: pooling %d x %d outputs from rows %d apart", rows, cols, pitch)
	case rows == 0 || cols == 0:
		return nil
	case len(dst) < rows*cols:
		return fmt.Errorf("gemm: pooling into %d values, want %d", len(dst), rows*cols)
	case len(src) < (2*rows-1)*pitch+2*cols:
		return fmt.Errorf("gemm: pooling from %d values, want %d", len(src), (2*rows-1)*pitch+2*cols)
	}
	if active.max2x2 != nil && active.max2x2(dst, src, rows, cols, pitch) {
		return nil
	}
	maxPool2x2Go(dst, src, rows, cols, pitch)
	return nil
}

func maxPool2x2Go(dst, src []float32, rows, cols, pitch int) {
	for y := 0; y < rows; y++ {
		r0 := src[2*y*pitch:][:2*cols]
		r1 := src[(2*y+1)*pitch:][:len(r0)]
		d := dst[y*cols : (y+1)*cols]
		for x := range d {
			d[x] = max(max(r0[2*x], r0[2*x+1]), max(r1[2*x], r1[2*x+1]))
		}
	}
}
