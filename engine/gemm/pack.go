package gemm

// packA copies rows [i0, i0+mb) and columns [p0, p0+kb) of op(A), scaled by
// alpha, into panels of mr rows: panel q holds dst[q*kb*mr + p*mr + i].
// Rows past mb are zero so that the micro-kernel never needs a row tail.
func packA(dst, a []float32, lda int, transA bool, alpha float32, i0, mb, p0, kb, mr int) []float32 {
	panels := (mb + mr - 1) / mr
	dst = grow(dst, panels*kb*mr)
	for q := 0; q < panels; q++ {
		pan := dst[q*kb*mr : (q+1)*kb*mr]
		rows := min(mr, mb-q*mr)
		if rows < mr {
			clear(pan)
		}
		r0 := i0 + q*mr
		if transA {
			for p := 0; p < kb; p++ {
				src := a[(p0+p)*lda+r0 : (p0+p)*lda+r0+rows]
				d := pan[p*mr : p*mr+rows]
				for i, v := range src {
					d[i] = alpha * v
				}
			}
			continue
		}
		// Four rows at a time: four read streams, one write stream.
		i := 0
		for ; i+4 <= rows; i += 4 {
			s0 := a[(r0+i)*lda+p0:][:kb]
			s1 := a[(r0+i+1)*lda+p0:][:len(s0)]
			s2 := a[(r0+i+2)*lda+p0:][:len(s0)]
			s3 := a[(r0+i+3)*lda+p0:][:len(s0)]
			for p := range s0 {
				d := pan[p*mr+i:][:4]
				d[0] = alpha * s0[p]
				d[1] = alpha * s1[p]
				d[2] = alpha * s2[p]
				d[3] = alpha * s3[p]
			}
		}
		for ; i < rows; i++ {
			src := a[(r0+i)*lda+p0:][:kb]
			for p, v := range src {
				pan[p*mr+i] = alpha * v
			}
		}
	}
	return dst
}

// packB copies columns [j0, j0+nb) and rows [p0, p0+kb) of op(B) = B^T (B
// stored n x k) into strips of nr columns: strip q holds
// dst[q*kb*nr + p*nr + j], zero past nb. A row of the stored B is a column
// of op(B), so this is packA's untransposed layout with the roles renamed.
func packB(dst, b []float32, ldb, p0, kb, j0, nb, nr int) []float32 {
	return packA(dst, b, ldb, false, 1, j0, nb, p0, kb, nr)
}

// packEdge copies a kb x nw corner of an untransposed B into a kb x nr
// strip padded with zeros.
func packEdge(dst, b []float32, ldb, kb, nw, nr int) {
	for p := 0; p < kb; p++ {
		row := dst[p*nr : (p+1)*nr]
		copy(row, b[p*ldb:p*ldb+nw])
		clear(row[nw:])
	}
}
