package gemm

import (
	"runtime"
	"sync"
)

// minParallelFlops is the smallest product worth splitting: below it the
// goroutine hand-off costs more than the second core gains.
const minParallelFlops = 1 << 21

// gemvBlock is a multiple of every matrix-vector kernel's step: bands that
// start on it split those kernels' main loops and tails the same way as
// the whole product does.
const gemvBlock = 32

// SgemmParallel is Sgemm split over up to threads goroutines (threads <= 0
// means GOMAXPROCS), for the large products of training. C is cut along
// its longer side into bands of whole register tiles and kernel steps; each band is an
// independent Sgemm, so the result is the same as Sgemm's bit for bit.
func SgemmParallel(threads int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if err := Check(transA, transB, m, n, k, a, lda, b, ldb, c, ldc); err != nil {
		panic(err)
	}
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	ks := active
	if flops := 2 * float64(m) * float64(n) * float64(k); threads == 1 || flops < minParallelFlops {
		sgemm(ks, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	var wg sync.WaitGroup
	if n >= m && n > 1 {
		step := roundUp((n+threads-1)/threads, lcm(ks.nr, gemvBlock))
		for j0 := 0; j0 < n; j0 += step {
			nw := min(step, n-j0)
			bo := j0
			if transB {
				bo = j0 * ldb
			}
			wg.Go(func() {
				sgemm(ks, transA, transB, m, nw, k, alpha, a, lda, b[bo:], ldb, beta, c[j0:], ldc)
			})
		}
	} else {
		step := roundUp((m+threads-1)/threads, lcm(ks.mr, gemvBlock))
		for i0 := 0; i0 < m; i0 += step {
			mh := min(step, m-i0)
			ao := i0 * lda
			if transA {
				ao = i0
			}
			wg.Go(func() {
				sgemm(ks, transA, transB, mh, n, k, alpha, a[ao:], lda, b, ldb, beta, c[i0*ldc:], ldc)
			})
		}
	}
	wg.Wait()
}

func lcm(a, b int) int {
	x, y := a, b
	for y != 0 {
		x, y = y, x%y
	}
	return a / x * b
}
