package gemm

// Blocking sizes. A packed block of A (mc x kc) stays in L2 while the
// nr-wide strips of B stream past it; a transposed B is packed nc columns
// at a time.
const (
	mcMax = 192
	ncMax = 1024
)

// blocked is the general product: C = beta*C first, then C += (alpha*A)·B
// one kc-deep pass at a time, tile by tile through the micro-kernel.
// A untransposed B is read in place; only its ragged right edge and a
// transposed B are packed.
func blocked(ks *kernels, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	scale(m, n, beta, c, ldc)
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
		for jc := 0; jc < n; jc += nc {
			nb := min(nc, n-jc)
			if transB {
				ws.b = packB(ws.b, b, ldb, pc, kb, jc, nb, nr)
			}
			for ic := 0; ic < m; ic += mc {
				mb := min(mc, m-ic)
				ws.a = packA(ws.a, a, lda, transA, alpha, ic, mb, pc, kb, mr)
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
						at := ws.a[ir/mr*kb*mr:]
						ci := (ic+ir)*ldc + jc + jr
						mh := min(mr, mb-ir)
						if mh == mr && nw == nr {
							ks.tile(kb, at, bt, ldbt, c[ci:], ldc)
							continue
						}
						ws.tile = grow(ws.tile, mr*nr)
						t := ws.tile
						clear(t)
						ks.tile(kb, at, bt, ldbt, t, nr)
						for i := 0; i < mh; i++ {
							row := c[ci+i*ldc : ci+i*ldc+nw]
							for j := range row {
								row[j] += t[i*nr+j]
							}
						}
					}
				}
			}
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
