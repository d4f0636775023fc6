package gemm

import "fmt"

// Im2Col lays out the patches of a valid, stride-1 convolution with a k x k
// kernel as the rows of a matrix, the right-hand side of the layer's
// product: for channel c, kernel row ky and column kx, row (c*k+ky)*k+kx
// of dst holds the rows x cols window of src starting at
// c*plane + ky*pitch + kx, window rows pitch apart, back to back. It lives
// here because the vector kernels do: one call lays out a whole layer.
func Im2Col(dst, src []float32, chans, k, rows, cols, pitch, plane int) error {
	return Im2ColStride(dst, rows*cols, src, chans, k, rows, cols, pitch, plane)
}

// Im2ColStride is Im2Col with the rows of dst ldd values apart (ldd >=
// rows*cols): the patches of one image of a batch, whose product runs
// over every image's columns at once.
func Im2ColStride(dst []float32, ldd int, src []float32, chans, k, rows, cols, pitch, plane int) error {
	switch {
	case chans < 0 || k < 1 || rows < 0 || cols < 0 || pitch < cols+k-1 || plane < (rows+k-1)*pitch || ldd < rows*cols:
		return fmt.Errorf("gemm: im2col of %d channels, kernel %d, %d x %d outputs, rows %d and planes %d apart, into rows %d apart",
			chans, k, rows, cols, pitch, plane, ldd)
	case chans == 0 || rows == 0 || cols == 0:
		return nil
	case len(dst) < (chans*k*k-1)*ldd+rows*cols:
		return fmt.Errorf("gemm: im2col into %d values, want %d", len(dst), (chans*k*k-1)*ldd+rows*cols)
	case len(src) < (chans-1)*plane+(rows+k-2)*pitch+cols+k-1:
		return fmt.Errorf("gemm: im2col from %d values, want %d", len(src), (chans-1)*plane+(rows+k-2)*pitch+cols+k-1)
	}
	if active.im2col != nil && active.im2col(dst, ldd, src, chans, k, rows, cols, pitch, plane) {
		return nil
	}
	im2colGo(dst, ldd, src, chans, k, rows, cols, pitch, plane)
	return nil
}

func im2colGo(dst []float32, ldd int, src []float32, chans, k, rows, cols, pitch, plane int) {
	n := rows * cols
	for c := 0; c < chans; c++ {
		for ky := 0; ky < k; ky++ {
			for kx := 0; kx < k; kx++ {
				row := dst[((c*k+ky)*k+kx)*ldd:][:n]
				base := c*plane + ky*pitch + kx
				for y := 0; y < rows; y++ {
					copy(row[y*cols:(y+1)*cols], src[base+y*pitch:])
				}
			}
		}
	}
}

// VectorIm2Col reports whether Im2Col runs a vector kernel for windows
// cols wide; without one, each window row is a copy call of its own.
func VectorIm2Col(cols int) bool { return active.im2col != nil && cols >= 8 }
