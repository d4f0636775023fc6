package gemm

import "fmt"

// Sgemm computes C = alpha*op(A)*op(B) + beta*C for row-major matrices,
// where op(X) is X or its transpose. op(A) is m x k, op(B) is k x n and C is
// m x n. lda, ldb and ldc are the row strides of A, B and C as stored.
//
// It runs on the calling goroutine only; see SgemmParallel for large
// products. Sgemm is safe for concurrent use on disjoint C. Arguments that
// do not describe matrices inside the given slices are a programming error
// and panic with a message naming the argument (Check reports the same
// problems as an error).
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if err := Check(transA, transB, m, n, k, a, lda, b, ldb, c, ldc); err != nil {
		panic(err)
	}
	sgemm(active, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Check reports whether the arguments of Sgemm describe matrices that lie
// inside the given slices, naming the first problem found.
func Check(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) error {
	if m < 0 || n < 0 || k < 0 {
		return fmt.Errorf("gemm: negative dimension m=%d n=%d k=%d", m, n, k)
	}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	if err := checkMatrix("A", ar, ac, a, lda); err != nil {
		return err
	}
	if err := checkMatrix("B", br, bc, b, ldb); err != nil {
		return err
	}
	return checkMatrix("C", m, n, c, ldc)
}

// checkMatrix verifies that a rows x cols matrix with row stride ld fits in s.
func checkMatrix(name string, rows, cols int, s []float32, ld int) error {
	if ld < max(1, cols) {
		return fmt.Errorf("gemm: %s is %dx%d but its row stride is %d", name, rows, cols, ld)
	}
	if rows == 0 || cols == 0 {
		return nil
	}
	if need := (rows-1)*ld + cols; len(s) < need {
		return fmt.Errorf("gemm: %s is %dx%d with stride %d and needs %d values, has %d", name, rows, cols, ld, need, len(s))
	}
	return nil
}

// sgemm picks the shape-specific path: matrix-vector products stream the
// matrix once, everything else goes through the blocked kernel.
func sgemm(ks *kernels, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		scale(m, n, beta, c, ldc)
		return
	}
	switch {
	case n == 1:
		// y = op(A) x: x is column 0 of op(B).
		incx := ldb
		if transB {
			incx = 1
		}
		gemv(ks, transA, m, k, alpha, a, lda, b, incx, beta, c, ldc)
	case m == 1:
		// y^T = x^T op(B), i.e. y = op(B)^T x with x row 0 of op(A).
		incx := 1
		if transA {
			incx = lda
		}
		gemv(ks, !transB, n, k, alpha, b, ldb, a, incx, beta, c, 1)
	default:
		blocked(ks, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}
}

// scale sets C = beta*C; beta == 0 clears C even where it holds NaN.
func scale(m, n int, beta float32, c []float32, ldc int) {
	if beta == 1 {
		return
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}
