package gemm

import "fmt"

// MaxPool2x2 is 2 x 2 max pooling over chans planes that lie plane values
// apart in src, each with rows of the input pitch values apart: output
// (c*rows+y)*cols+x of dst is the largest of src[c*plane+2y*pitch+2x],
// the value after it and the two values a row below them; NaN when any of
// them is NaN (the sign of a zero result is not specified). It lives here
// because the vector kernels do.
func MaxPool2x2(dst, src []float32, chans, rows, cols, pitch, plane int) error {
	switch {
	case chans < 0 || rows < 0 || cols < 0 || pitch < 2*cols || plane < (2*rows-1)*pitch+2*cols:
		return fmt.Errorf("gemm: pooling %d x %d x %d outputs from rows %d and planes %d apart", chans, rows, cols, pitch, plane)
	case chans == 0 || rows == 0 || cols == 0:
		return nil
	case len(dst) < chans*rows*cols:
		return fmt.Errorf("gemm: pooling into %d values, want %d", len(dst), chans*rows*cols)
	case len(src) < (chans-1)*plane+(2*rows-1)*pitch+2*cols:
		return fmt.Errorf("gemm: pooling from %d values, want %d", len(src), (chans-1)*plane+(2*rows-1)*pitch+2*cols)
	}
	if active.max2x2 != nil && active.max2x2(dst, src, chans, rows, cols, pitch, plane) {
		return nil
	}
	maxPool2x2Go(dst, src, chans, rows, cols, pitch, plane)
	return nil
}

func maxPool2x2Go(dst, src []float32, chans, rows, cols, pitch, plane int) {
	for c := 0; c < chans; c++ {
		for y := 0; y < rows; y++ {
			r0 := src[c*plane+2*y*pitch:][:2*cols]
			r1 := src[c*plane+(2*y+1)*pitch:][:len(r0)]
			d := dst[(c*rows+y)*cols:][:cols]
			for x := range d {
				d[x] = max(max(r0[2*x], r0[2*x+1]), max(r1[2*x], r1[2*x+1]))
			}
		}
	}
}
