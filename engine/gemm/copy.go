package gemm

import "fmt"

// CopyRows gathers rows of n values lying pitch apart in src into dst, back
// to back: dst[r*n+j] = src[r*pitch+j] for r < rows, j < n. It is the
// inner loop of im2col, which lays a convolution's patches out as the
// columns of a matrix; one call moves a whole kernel tap.
func CopyRows(dst, src []float32, rows, n, pitch int) error {
	switch {
	case rows < 0 || n < 0 || pitch < n:
		return fmt.Errorf("gemm: copying %d rows of %d values %d apart", rows, n, pitch)
	case rows == 0 || n == 0:
		return nil
	case len(dst) < rows*n:
		return fmt.Errorf("gemm: copying into %d values, want %d", len(dst), rows*n)
	case len(src) < (rows-1)*pitch+n:
		return fmt.Errorf("gemm: copying from %d values, want %d", len(src), (rows-1)*pitch+n)
	}
	if active.copyRows != nil && active.copyRows(dst, src, rows, n, pitch) {
		return nil
	}
	for r := 0; r < rows; r++ {
		copy(dst[r*n:(r+1)*n], src[r*pitch:])
	}
	return nil
}

// VectorCopy reports whether CopyRows runs a vector kernel on rows of n
// values; without one, a copy per row costs a call each.
func VectorCopy(n int) bool { return active.copyRows != nil && n >= 8 }
