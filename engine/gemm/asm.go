//go:build !purego && (amd64 || arm64)

package gemm

// The assembly trusts its arguments. Each wrapper first touches the last
// value the assembly will read or write, so that a driver bug ends in a
// bounds panic rather than in corrupted memory.

// checkTile bounds-checks a call of a tile kernel.
func checkTile(kc, mr, nr int, a, b []float32, ldb int, c []float32, ldc int) {
	_ = a[kc*mr-1]
	_ = b[(kc-1)*ldb+nr-1]
	_ = c[(mr-1)*ldc+nr-1]
}

// foldDot finishes dot4: it sums the partial vectors the assembly left in
// acc (block values a row) and adds the products from done to k.
func foldDot(acc []float32, block, done, k int, a []float32, lda int, x []float32) (out [4]float32) {
	for r := range out {
		var s float32
		for _, v := range acc[r*block : (r+1)*block] {
			s += v
		}
		row := a[r*lda : r*lda+k]
		for p := done; p < k; p++ {
			s += row[p] * x[p]
		}
		out[r] = s
	}
	return out
}

// checkRows bounds-checks four rows of n values at stride lda.
func checkRows(n int, a []float32, lda int, v []float32) {
	_ = a[3*lda+n-1]
	_ = v[n-1]
}

// axpyTail adds the products past done that the assembly left out.
func axpyTail(done, n int, a []float32, lda int, s [4]float32, y []float32) {
	for j := done; j < n; j++ {
		y[j] += s[0]*a[j] + s[1]*a[lda+j] + s[2]*a[2*lda+j] + s[3]*a[3*lda+j]
	}
}

// lanes is the mask of a vector's first n lanes.
func lanes(n int) int { return 1<<n - 1 }

// flag passes a bool to the assembly as a whole register.
func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

// axpyColsWith runs an axpyCols kernel of width-lane registers, wide
// strips of wideRegs of them (8 on x86, 16 on NEON) and narrow strips of
// one, over the first n columns it covers and returns how many.
func axpyColsWith(kernel func(wide, narrow, k int, a *float32, lda int, s *float32, y *float32), width, wideRegs, n, k int, a []float32, lda int, s, y []float32) int {
	wideCols := wideRegs * width
	wide := n / wideCols
	narrow := (n - wide*wideCols) / width
	done := wide*wideCols + narrow*width
	if done == 0 || k == 0 {
		return 0
	}
	_ = a[(k-1)*lda+done-1]
	_ = s[k-1]
	_ = y[done-1]
	kernel(wide, narrow, k, &a[0], lda, &s[0], &y[0])
	return done
}
