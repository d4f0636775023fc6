package gemm

import (
	"errors"
	"fmt"
)

// Packed is a left-hand matrix, typically a layer's weights, packed once
// into the panel layout of the micro-kernel so that products with many
// right-hand sides skip the packing. It is read-only after Pack and safe
// for concurrent use.
type Packed struct {
	ks   *kernels
	m, k int
	kc   int
	data []float32 // per kc pass: every row's panels, packA's layout
}

// Pack packs op(A), an m x k matrix (A stored k x m when transA), with
// row stride lda.
func Pack(transA bool, m, k int, a []float32, lda int) (*Packed, error) {
	return pack(active, transA, m, k, a, lda)
}

func pack(ks *kernels, transA bool, m, k int, a []float32, lda int) (*Packed, error) {
	if m <= 0 || k <= 0 {
		return nil, fmt.Errorf("gemm: cannot pack a %dx%d matrix", m, k)
	}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	if err := checkMatrix("A", ar, ac, a, lda); err != nil {
		return nil, err
	}
	p := &Packed{ks: ks, m: m, k: k, kc: splitDepth(k, ks.kc)}
	rows := roundUp(m, ks.mr)
	p.data = make([]float32, 0, rows*k)
	for pc := 0; pc < k; pc += p.kc {
		kb := min(p.kc, k-pc)
		p.data = append(p.data, packA(nil, a, lda, transA, 1, 0, m, pc, kb, ks.mr)...)
	}
	return p, nil
}

// Rows and Cols are the shape of the packed op(A).
func (p *Packed) Rows() int { return p.m }
func (p *Packed) Cols() int { return p.k }

// MulBias sets C = P·B + bias, where B is k x n with row stride ldb and C
// is m x n with row stride ldc; bias has one value per row of C (nil for
// none). With relu, C is clamped at zero. Bias and clamp are applied tile
// by tile, so C is written once.
func (p *Packed) MulBias(n int, b []float32, ldb int, bias []float32, relu bool, c []float32, ldc int) error {
	if err := checkBias(p.m, n, p.k, b, ldb, bias, c, ldc); err != nil {
		return err
	}
	rows := roundUp(p.m, p.ks.mr)
	src := func(_ *workspace, pc, kb, ic, _ int) []float32 {
		return p.data[pc*rows+ic*kb:]
	}
	mulBias(p.ks, src, p.m, n, p.k, b, ldb, bias, relu, c, ldc)
	return nil
}

// MulBias is Packed.MulBias for a matrix used once: C = A·B + bias, with
// A m x k (row stride lda) packed on the fly.
func MulBias(m, n, k int, a []float32, lda int, b []float32, ldb int, bias []float32, relu bool, c []float32, ldc int) error {
	if err := checkMatrix("A", m, k, a, lda); err != nil {
		return err
	}
	if err := checkBias(m, n, k, b, ldb, bias, c, ldc); err != nil {
		return err
	}
	ks := active
	src := func(ws *workspace, pc, kb, ic, mb int) []float32 {
		ws.a = packA(ws.a, a, lda, false, 1, ic, mb, pc, kb, ks.mr)
		return ws.a
	}
	mulBias(ks, src, m, n, k, b, ldb, bias, relu, c, ldc)
	return nil
}

func checkBias(m, n, k int, b []float32, ldb int, bias []float32, c []float32, ldc int) error {
	if n < 0 {
		return errors.New("gemm: negative n")
	}
	if bias != nil && len(bias) != m {
		return fmt.Errorf("gemm: bias has %d values for %d rows", len(bias), m)
	}
	if err := checkMatrix("B", k, n, b, ldb); err != nil {
		return err
	}
	return checkMatrix("C", m, n, c, ldc)
}

func mulBias(ks *kernels, src aSource, m, n, k int, b []float32, ldb int, bias []float32, relu bool, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		for i := 0; i < m; i++ {
			row := c[i*ldc : i*ldc+n]
			clear(row)
			if bias != nil {
				for j := range row {
					row[j] = bias[i]
				}
			}
			if relu {
				reluRow(row)
			}
		}
		return
	}
	ep := epilogue{init: initZero, relu: relu}
	if bias != nil {
		ep.init, ep.bias = initBias, bias
	}
	drive(ks, src, false, m, n, k, b, ldb, c, ldc, ep)
}
