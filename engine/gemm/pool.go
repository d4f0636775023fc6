package gemm

import "errors"

// Max2x2 is the inner loop of 2 x 2 max pooling: dst[j] is the largest of
// r0[2j], r0[2j+1], r1[2j] and r1[2j+1] for j < len(dst), NaN when any of
// them is NaN (the sign of a zero result is not specified). It lives here
// because the vector kernels do.
func Max2x2(dst, r0, r1 []float32) error {
	if len(r0) < 2*len(dst) || len(r1) < 2*len(dst) {
		return errors.New("gemm: Max2x2 rows shorter than twice the output")
	}
	done := 0
	if active.max2x2 != nil {
		done = active.max2x2(dst, r0, r1)
	}
	max2x2Go(dst[done:], r0[2*done:], r1[2*done:])
	return nil
}

func max2x2Go(dst, r0, r1 []float32) {
	r0 = r0[:2*len(dst)]
	r1 = r1[:len(r0)]
	for j := range dst {
		dst[j] = max(max(r0[2*j], r0[2*j+1]), max(r1[2*j], r1[2*j+1]))
	}
}
