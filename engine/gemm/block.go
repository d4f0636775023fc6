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

// epilogue is what happens to C around the product. The first pass over
// k starts each tile from C (initC), from zero (initZero: C is not read) or
// from bias[i] in row i (initBias); later passes add to C. With relu the
// last pass clamps C at zero while the tile is still in L1.
type epilogue struct {
	init int
	bias []float32
	relu bool
}

const (
	initC = iota
	initZero
	initBias
)

// blocked is the general product: C = beta*C + (alpha*A)·B.
func blocked(ks *kernels, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	ep := epilogue{init: initZero}
	if beta != 0 {
		scale(m, n, beta, c, ldc)
		ep.init = initC
	}
	src := func(ws *workspace, pc, kb, ic, mb int) []float32 {
		ws.a = packA(ws.a, a, lda, transA, alpha, ic, mb, pc, kb, ks.mr)
		return ws.a
	}
	drive(ks, src, transB, m, n, k, b, ldb, c, ldc, ep)
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
			pass.init = initC
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
		switch ep.init {
		case initC:
			ks.tile(kb, at, bt, ldbt, c[ci:], ldc, ep.relu)
		case initZero:
			ks.tileSet(kb, at, bt, ldbt, c[ci:], ldc, ep.relu)
		case initBias:
			ks.tileBias(kb, at, bt, ldbt, c[ci:], ldc, ep.bias[i0:], ep.relu)
		}
		return
	}
	ws.tile = grow(ws.tile, mr*nr)
	t := ws.tile
	ks.tileSet(kb, at, bt, ldbt, t, nr, false)
	for i := 0; i < mh; i++ {
		row := c[ci+i*ldc : ci+i*ldc+nw]
		tr := t[i*nr : i*nr+nw]
		switch ep.init {
		case initC:
			for j, v := range tr {
				row[j] += v
			}
		case initZero:
			copy(row, tr)
		case initBias:
			bi := ep.bias[i0+i]
			for j, v := range tr {
				row[j] = bi + v
			}
		}
		if ep.relu {
			reluRow(row)
		}
	}
}

// reluRow clamps at zero without a branch per value: on a conv layer's
// output the sign is a coin flip and a branch mispredicts half the time.
func reluRow(row []float32) {
	for j, v := range row {
		row[j] = max(v, 0)
	}
}

// splitDepth cuts k into equal passes no deeper than kcMax, so that a k
// just over the limit does not leave a thin, slow last pass.
func splitDepth(k, kcMax int) int {
	passes := (k + kcMax - 1) / kcMax
	return (k + passes - 1) / passes
}

func roundUp(x, to int) int { return (x + to - 1) / to * to }
