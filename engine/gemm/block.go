package gemm

// Blocking sizes. A packed block of A (mc x kc) stays in L2 while the
// nr-wide strips of B stream past it; a transposed B is packed nc columns
// at a time.
const (
	mcMax = 192
	ncMax = 1024
)

// aSource hands the driver packed A panels: rows [ic, ic+mb) of the pass
// over columns [pc, pc+kb), in the layout packA writes.
type aSource func(ws *workspace, pc, kb, ic, mb int) []float32

// epilogue is what happens to C around the product: with bias, C starts
// from bias[i] in row i instead of its old value; with relu it is clamped
// at zero after the last pass. Both run per tile while it is in L1.
type epilogue struct {
	bias []float32
	relu bool
}

// blocked is the general product: C = beta*C first, then C += (alpha*A)·B.
func blocked(ks *kernels, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	scale(m, n, beta, c, ldc)
	src := func(ws *workspace, pc, kb, ic, mb int) []float32 {
		ws.a = packA(ws.a, a, lda, transA, alpha, ic, mb, pc, kb, ks.mr)
		return ws.a
	}
	drive(ks, src, transB, m, n, k, b, ldb, c, ldc, epilogue{})
}

// drive runs the product one kc-deep pass at a time, tile by tile through
// the micro-kernel. An untransposed B is read in place; only its ragged
// right edge and a transposed B are packed.
func drive(ks *kernels, src aSource, transB bool, m, n, k int, b []float32, ldb int, c []float32, ldc int, ep epilogue) {
	ws := workspaces.Get().(*workspace)
	defer workspaces.Put(ws)
	mr, nr := ks.mr, ks.nr
	kc := splitDepth(k, ks.kc)
	mc := min(roundUp(m, mr), mcMax/mr*mr)
	nc := n
	if transB {
		nc = min(n, ncMax/nr*nr)
	}
	for pc := 0; pc < k; pc += kc {
		kb := min(kc, k-pc)
		pass := ep
		if pc > 0 {
			pass.bias = nil
		}
		pass.relu = ep.relu && pc+kb == k
		for jc := 0; jc < n; jc += nc {
			nb := min(nc, n-jc)
			if transB {
				ws.b = packB(ws.b, b, ldb, pc, kb, jc, nb, nr)
			}
			for ic := 0; ic < m; ic += mc {
				mb := min(mc, m-ic)
				ap := src(ws, pc, kb, ic, mb)
				for jr := 0; jr < nb; jr += nr {
					nw := min(nr, nb-jr)
					var bt []float32
					ldbt := nr
					switch {
					case transB:
						bt = ws.b[jr/nr*kb*nr:]
					case nw == nr:
						bt, ldbt = b[pc*ldb+jc+jr:], ldb
					default:
						ws.edge = grow(ws.edge, kb*nr)
						bt = ws.edge
						packEdge(bt, b[pc*ldb+jc+jr:], ldb, kb, nw, nr)
					}
					for ir := 0; ir < mb; ir += mr {
						at := ap[ir/mr*kb*mr:]
						tile(ks, ws, kb, at, bt, ldbt, c, ldc, ic+ir, jc+jr, min(mr, mb-ir), nw, pass)
					}
				}
			}
		}
	}
}

// tile runs the micro-kernel on the C tile at (i0, j0) of mh x nw values,
// through a scratch tile when it is smaller than the kernel's.
func tile(ks *kernels, ws *workspace, kb int, at, bt []float32, ldbt int, c []float32, ldc, i0, j0, mh, nw int, ep epilogue) {
	mr, nr := ks.mr, ks.nr
	ci := i0*ldc + j0
	if mh == mr && nw == nr {
		if ep.bias != nil {
			for i := 0; i < mr; i++ {
				row := c[ci+i*ldc : ci+i*ldc+nr]
				for j := range row {
					row[j] = ep.bias[i0+i]
				}
			}
		}
		ks.tile(kb, at, bt, ldbt, c[ci:], ldc)
		if ep.relu {
			for i := 0; i < mr; i++ {
				reluRow(c[ci+i*ldc : ci+i*ldc+nr])
			}
		}
		return
	}
	ws.tile = grow(ws.tile, mr*nr)
	t := ws.tile
	clear(t)
	ks.tile(kb, at, bt, ldbt, t, nr)
	for i := 0; i < mh; i++ {
		row := c[ci+i*ldc : ci+i*ldc+nw]
		for j := range row {
			base := row[j]
			if ep.bias != nil {
				base = ep.bias[i0+i]
			}
			row[j] = base + t[i*nr+j]
		}
		if ep.relu {
			reluRow(row)
		}
	}
}

func reluRow(row []float32) {
	for j, v := range row {
		if v < 0 {
			row[j] = 0
		}
	}
}

// splitDepth cuts k into equal passes no deeper than kcMax, so that a k
// just over the limit does not leave a thin, slow last pass.
func splitDepth(k, kcMax int) int {
	passes := (k + kcMax - 1) / kcMax
	return (k + passes - 1) / passes
}

func roundUp(x, to int) int { return (x + to - 1) / to * to }
