package gemm

import (
	"fmt"
	"math"
)

// Winograd F(4x4,3x3) with the 2x2 max-pool after it, as three kernels
// over layouts chosen so that each is a run of vector instructions:
//
//   - Input: V[p][c][t] = (B^T d B)[p] for the 6x6 input patch d of tile t
//     in channel c, read from a CHW tensor; the 36 points p are 6i+j.
//   - Mul: M[p][t][k] = sum over c of V[p][c][t] U[p][c][k], one product
//     per point, with U the kernels transformed at load (G g G^T).
//   - OutPool: A^T M A per tile and filter, the 2x2 max of each quarter,
//     bias and ReLU, stored CHW.
//
// The transforms use the points 0, ±1, ±2 (Lavin & Gray). The input
// transform is vectorised across the tiles of a row (on AVX-512 a permute
// picks every fourth value, on NEON a four-way de-interleaving load) and
// the output transform across filters.

// Wino4Points is the number of transform points of F(4x4,3x3).
const Wino4Points = 36

// Wino4 is the geometry of one F(4x4,3x3) convolution and its 2x2 pool.
type Wino4 struct {
	C, K   int // input channels, filters
	H, W   int // input plane (CHW, rows W apart, planes H*W apart)
	PH, PW int // pooled output plane
	TH, TW int // tiles down and across: each covers 2x2 pooled values
	LDT    int // tiles, rounded up to the vector kernels' blocks
}

// NewWino4 is the geometry of a 3x3 valid convolution of c channels of h
// x w into k filters, followed by a 2x2 max-pool (floor).
func NewWino4(c, k, h, w int) (Wino4, error) {
	if c < 1 || k < 1 || h < 4 || w < 4 {
		return Wino4{}, fmt.Errorf("gemm: winograd F(4,3)+pool needs >= 1 channel and filter and a plane of >= 4x4, got %d -> %d on %dx%d", c, k, h, w)
	}
	g := Wino4{C: c, K: k, H: h, W: w, PH: (h - 2) / 2, PW: (w - 2) / 2}
	// Only the conv rows and columns the pool reads are computed.
	g.TH, g.TW = (g.PH+1)/2, (g.PW+1)/2
	g.LDT = wino4LDT(g.TH * g.TW)
	return g, nil
}

// Tiles is the number of 4x4 output tiles.
func (g Wino4) Tiles() int { return g.TH * g.TW }

// VLen, ULen and MLen are the lengths of the transformed input (with the
// scratch the input kernel keeps after it), kernels and products.
func (g Wino4) VLen() int { return Wino4Points*g.C*g.LDT + wino4Scratch }
func (g Wino4) ULen() int { return Wino4Points * g.C * g.K }
func (g Wino4) MLen() int { return Wino4Points * g.LDT * g.K }

// wino4Set is one instruction set's three kernels, on slices already cut
// to the geometry's lengths.
type wino4Set struct {
	name string
	fits func(Wino4) bool
	in   func(g Wino4, v, src []float32) bool
	mul  func(g Wino4, m, v, u []float32)
	out  func(g Wino4, dst, m, bias []float32, lo float32)
}

// set is the fastest kernel set here that runs g, nil for plain Go.
func (g Wino4) set() *wino4Set {
	for _, s := range wino4Sets() {
		if s.fits(g) {
			return s
		}
	}
	return nil
}

// Vector says whether the three kernels run as vector code here; they
// run in plain Go otherwise (the same numbers, far slower).
func (g Wino4) Vector() bool { return g.set() != nil }

// TransformKernels returns U for the 3x3 kernels w (K x C x 3 x 3).
func (g Wino4) TransformKernels(w []float32) []float32 {
	w = w[:g.K*g.C*9]
	u := make([]float32, g.ULen())
	var tmp [6 * 3]float32
	for k := 0; k < g.K; k++ {
		for c := 0; c < g.C; c++ {
			f := w[(k*g.C+c)*9:][:9]
			for i := 0; i < 6; i++ { // tmp = G f
				for j := 0; j < 3; j++ {
					var s float32
					for p := 0; p < 3; p++ {
						s += wino4G[i][p] * f[p*3+j]
					}
					tmp[i*3+j] = s
				}
			}
			for i := 0; i < 6; i++ { // (G f) G^T
				for j := 0; j < 6; j++ {
					var s float32
					for p := 0; p < 3; p++ {
						s += tmp[i*3+p] * wino4G[j][p]
					}
					u[((i*6+j)*g.C+c)*g.K+k] = s
				}
			}
		}
	}
	return u
}

var wino4G = [6][3]float32{
	{1.0 / 4, 0, 0},
	{-1.0 / 6, -1.0 / 6, -1.0 / 6},
	{-1.0 / 6, 1.0 / 6, -1.0 / 6},
	{1.0 / 24, 1.0 / 12, 1.0 / 6},
	{1.0 / 24, -1.0 / 12, 1.0 / 6},
	{0, 0, 1},
}

// Input writes V for src (C x H x W). It reports false when src may hold
// a NaN or an infinity (the sum of the values it read is not finite):
// the transforms would spread one over whole tiles, where a direct
// convolution keeps it to the outputs that see it, so the caller should
// convolve such an input directly.
func (g Wino4) Input(v, src []float32) bool { return g.input(v, src, g.set()) }

func (g Wino4) input(v, src []float32, set *wino4Set) bool {
	v, src = v[:g.VLen()], src[:g.C*g.H*g.W]
	if set != nil {
		return set.in(g, v, src)
	}
	var sum float32
	for _, x := range src {
		sum += x
	}
	g.inputGo(v, src)
	return !math.IsNaN(float64(sum - sum))
}

func (g Wino4) inputGo(v, src []float32) {
	var d, t [6][6]float32
	for c := 0; c < g.C; c++ {
		plane := src[c*g.H*g.W:][:g.H*g.W]
		for ty := 0; ty < g.TH; ty++ {
			for tx := 0; tx < g.TW; tx++ {
				for i := range 6 {
					for j := range 6 {
						y, x := 4*ty+i, 4*tx+j
						d[i][j] = 0
						if y < g.H && x < g.W {
							d[i][j] = plane[y*g.W+x]
						}
					}
				}
				for j := range 6 { // columns: B^T d
					col := bt6([6]float32{d[0][j], d[1][j], d[2][j], d[3][j], d[4][j], d[5][j]})
					for i := range 6 {
						t[i][j] = col[i]
					}
				}
				for i := range 6 { // rows: (B^T d) B
					row := bt6(t[i])
					for j := range 6 {
						v[((i*6+j)*g.C+c)*g.LDT+ty*g.TW+tx] = row[j]
					}
				}
			}
		}
	}
}

// bt6 applies B^T to six values, in the order the vector kernel does.
func bt6(d [6]float32) [6]float32 {
	a, b := d[4]-d[2], d[3]-d[1]
	return [6]float32{
		d[4] + 4*d[0] - 5*d[2],
		(d[3] + d[4]) - 4*(d[1]+d[2]),
		(d[4] - d[3]) + 4*(d[1]-d[2]),
		a + 2*b,
		a - 2*b,
		d[5] + 4*d[1] - 5*d[3],
	}
}

// Mul writes M = V U per point.
func (g Wino4) Mul(m, v, u []float32) { g.mul(m, v, u, g.set()) }

func (g Wino4) mul(m, v, u []float32, set *wino4Set) {
	m, v, u = m[:g.MLen()], v[:g.VLen()], u[:g.ULen()]
	if set != nil {
		set.mul(g, m, v, u)
		return
	}
	for p := 0; p < Wino4Points; p++ {
		for t := 0; t < g.Tiles(); t++ {
			row := m[(p*g.LDT+t)*g.K:][:g.K]
			clear(row)
			for c := 0; c < g.C; c++ {
				s := v[(p*g.C+c)*g.LDT+t]
				for k, w := range u[(p*g.C+c)*g.K:][:g.K] {
					row[k] += s * w
				}
			}
		}
	}
}

// OutPool writes the pooled output (K x PH x PW) from M, plus bias,
// clamped at 0 when relu.
func (g Wino4) OutPool(dst, m, bias []float32, relu bool) { g.outPool(dst, m, bias, relu, g.set()) }

func (g Wino4) outPool(dst, m, bias []float32, relu bool, set *wino4Set) {
	dst, m, bias = dst[:g.K*g.PH*g.PW], m[:g.MLen()], bias[:g.K]
	lo := float32(math.Inf(-1))
	if relu {
		lo = 0
	}
	if set != nil {
		set.out(g, dst, m, bias, lo)
		return
	}
	var s [4][6]float32
	for ty := 0; ty < g.TH; ty++ {
		for tx := 0; tx < g.TW; tx++ {
			t := ty*g.TW + tx
			for k := 0; k < g.K; k++ {
				at := func(i, j int) float32 { return m[((i*6+j)*g.LDT+t)*g.K+k] }
				for j := range 6 {
					c := at6([6]float32{at(0, j), at(1, j), at(2, j), at(3, j), at(4, j), at(5, j)})
					for r := range 4 {
						s[r][j] = c[r]
					}
				}
				var o [4][4]float32
				for r := range 4 {
					o[r] = at6(s[r])
				}
				for a := range 2 {
					py := 2*ty + a
					if py >= g.PH {
						continue
					}
					for b := range 2 {
						px := 2*tx + b
						if px >= g.PW {
							continue
						}
						v := max(o[2*a][2*b], o[2*a][2*b+1], o[2*a+1][2*b], o[2*a+1][2*b+1])
						dst[(k*g.PH+py)*g.PW+px] = max(v+bias[k], lo)
					}
				}
			}
		}
	}
}

// at6 applies A^T to six values, in the order the vector kernel does.
func at6(m [6]float32) [4]float32 {
	a, b, c, d := m[1]+m[2], m[1]-m[2], m[3]+m[4], m[3]-m[4]
	return [4]float32{
		(m[0] + a) + c,
		b + 2*d,
		a + 4*c,
		(b + m[5]) + 8*d,
	}
}
