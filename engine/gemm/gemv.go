package gemm

// gemv computes y = alpha*op(M)*x + beta*y, the n == 1 (and m == 1) case of
// Sgemm. op(M) is rows x k: without trans M is stored rows x k and each y
// is a dot product of a row with x; with trans M is stored k x rows and y
// gathers x-weighted rows of M. x has k values at stride incx, y has rows
// values at stride incy. Both forms read M exactly once, which is what
// bounds their speed.
func gemv(ks *kernels, trans bool, rows, k int, alpha float32, mat []float32, ldm int, x []float32, incx int, beta float32, y []float32, incy int) {
	ws := workspaces.Get().(*workspace)
	defer workspaces.Put(ws)
	xs := x[:k]
	if incx != 1 {
		ws.x = grow(ws.x, k)
		xs = ws.x
		for p := range xs {
			xs[p] = x[p*incx]
		}
	}
	if !trans {
		dots(ks, ws, rows, k, alpha, mat, ldm, xs, beta, y, incy)
		return
	}
	ys := y[:rows]
	if incy != 1 {
		ws.y = grow(ws.y, rows)
		ys = ws.y
		for i := range ys {
			ys[i] = y[i*incy]
		}
	}
	scale(1, rows, beta, ys, rows)
	// Strips of columns whose sums stay in registers over all k rows,
	// where the kernel set has them; four rows a pass over y for the rest.
	done := 0
	if ks.axpyCols != nil && k > 0 {
		ws.s = grow(ws.s, k)
		for p, v := range xs {
			ws.s[p] = alpha * v
		}
		done = ks.axpyCols(rows, k, mat, ldm, ws.s, ys)
	}
	if done < rows {
		rest := ys[done:]
		p := 0
		for ; p+4 <= k; p += 4 {
			s := [4]float32{alpha * xs[p], alpha * xs[p+1], alpha * xs[p+2], alpha * xs[p+3]}
			ks.axpy4(len(rest), mat[p*ldm+done:], ldm, s, rest)
		}
		for ; p < k; p++ {
			s, row := alpha*xs[p], mat[p*ldm+done:p*ldm+rows]
			for j, v := range row {
				rest[j] += s * v
			}
		}
	}
	if incy != 1 {
		for i, v := range ys {
			y[i*incy] = v
		}
	}
}

// dots sets y[i] = alpha*(row i of mat · x) + beta*y[i]: all groups of
// four rows in one call of dotRows where the kernel set has it, else four
// rows a call of dot4.
func dots(ks *kernels, ws *workspace, rows, k int, alpha float32, mat []float32, ldm int, x []float32, beta float32, y []float32, incy int) {
	put := func(i int, d float32) {
		v := alpha * d
		if beta != 0 {
			v += beta * y[i*incy]
		}
		y[i*incy] = v
	}
	i := 0
	if ks.dotRows != nil && rows >= 4 {
		n := rows / 4 * 4
		// Straight into y when nothing of y is to be kept.
		direct := incy == 1 && beta == 0
		dst := y
		if !direct {
			ws.y = grow(ws.y, n)
			dst = ws.y
		}
		dst = dst[:n]
		if kd := ks.dotRows(n, k, mat, ldm, x, dst); kd > 0 {
			if kd < k {
				xt := x[kd:k]
				for r := range dst {
					for p, v := range mat[r*ldm+kd : r*ldm+k] {
						dst[r] += v * xt[p]
					}
				}
			}
			if direct && alpha != 1 {
				for r := range dst {
					dst[r] *= alpha
				}
			}
			if !direct {
				for r, d := range dst {
					put(r, d)
				}
			}
			i = n
		}
	}
	for ; i+4 <= rows; i += 4 {
		for r, d := range ks.dot4(k, mat[i*ldm:], ldm, x) {
			put(i+r, d)
		}
	}
	for ; i < rows; i++ {
		// A stride of 0 runs the four dot products on the same row.
		put(i, ks.dot4(k, mat[i*ldm:], 0, x)[0])
	}
}
