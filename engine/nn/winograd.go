package nn

import (
	"fmt"
	"math"
	"strings"

	"github.com/sliced-ai/sliced/engine/gemm"
)

// ConvAlgo names how a Runner computes a convolution.
type ConvAlgo uint8

const (
	// ConvAuto lets the Runner choose per layer by shape (see Options).
	ConvAuto ConvAlgo = iota
	// ConvDirect is im2col followed by one matrix multiply.
	ConvDirect
	// ConvWinograd2 is Winograd F(2x2,3x3): 16 products per 2x2 output
	// tile in place of 36 multiplies, for 3x3 kernels only.
	ConvWinograd2
	// ConvWinograd4 is Winograd F(4x4,3x3): 36 products per 4x4 tile in
	// place of 144, for 3x3 kernels only.
	ConvWinograd4
	// ConvInt8 is im2col and an integer product: int8 weights (a step
	// per filter) by the image's 8-bit codes, where the CPU has
	// AVX512-VNNI (gemm.HasQConv); elsewhere the layer runs as ConvAuto
	// would run it. Its answers differ from float32's near a decision.
	ConvInt8
)

func (a ConvAlgo) String() string {
	switch a {
	case ConvAuto:
		return "auto"
	case ConvDirect:
		return "direct"
	case ConvWinograd2:
		return "winograd-f2"
	case ConvWinograd4:
		return "winograd-f4"
	case ConvInt8:
		return "int8"
	}
	return fmt.Sprintf("convalgo(%d)", uint8(a))
}

// ParseConvAlgo accepts the names String returns.
func ParseConvAlgo(s string) (ConvAlgo, error) {
	for a := ConvAuto; a <= ConvInt8; a++ {
		if a.String() == s {
			return a, nil
		}
	}
	return 0, fmt.Errorf("nn: unknown convolution algorithm %q (want %s)", s, ConvAlgoNames())
}

// ConvAlgoNames lists the names ParseConvAlgo accepts, for messages.
func ConvAlgoNames() string {
	var names []string
	for a := ConvAuto; a <= ConvInt8; a++ {
		names = append(names, a.String())
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// ConvAlgoUsage is the help of a flag that takes a ConvAlgo.
func ConvAlgoUsage() string {
	return "convolution algorithm: " + ConvAlgoNames() + " (int8: integer products where the CPU has AVX512-VNNI or arm64's dot product, else as auto)"
}

// ConvAlgos are the algorithms of a stack's conv layers, in order.
type ConvAlgos []ConvAlgo

func (a ConvAlgos) String() string {
	names := make([]string, len(a))
	for i, x := range a {
		names[i] = x.String()
	}
	return strings.Join(names, ", ")
}

// winoMats is one Winograd F(m x m, 3x3) variant: tile side a = m+2 and
// the transforms of Lavin & Gray, row-major: bt (a x a) for the input, g
// (a x 3) for the kernel and at (m x a) for the output.
type winoMats struct {
	m, a      int
	bt, g, at []float32
}

var winoF2 = winoMats{
	m: 2, a: 4,
	bt: []float32{
		1, 0, -1, 0,
		0, 1, 1, 0,
		0, -1, 1, 0,
		0, 1, 0, -1,
	},
	g: []float32{
		1, 0, 0,
		0.5, 0.5, 0.5,
		0.5, -0.5, 0.5,
		0, 0, 1,
	},
	at: []float32{
		1, 1, 1, 0,
		0, 1, -1, -1,
	},
}

// winoF4 uses the points 0, ±1, ±2: their small powers keep the float32
// error of the 6x6 transforms near that of the direct sum.
var winoF4 = winoMats{
	m: 4, a: 6,
	bt: []float32{
		4, 0, -5, 0, 1, 0,
		0, -4, -4, 1, 1, 0,
		0, 4, -4, -1, 1, 0,
		0, -2, -1, 2, 1, 0,
		0, 2, -1, -2, 1, 0,
		0, 4, 0, -5, 0, 1,
	},
	g: []float32{
		1.0 / 4, 0, 0,
		-1.0 / 6, -1.0 / 6, -1.0 / 6,
		-1.0 / 6, 1.0 / 6, -1.0 / 6,
		1.0 / 24, 1.0 / 12, 1.0 / 6,
		1.0 / 24, -1.0 / 12, 1.0 / 6,
		0, 0, 1,
	},
	at: []float32{
		1, 1, 1, 1, 1, 0,
		0, 1, -1, 2, -2, 0,
		0, 1, 1, 4, 4, 0,
		0, 1, -1, 8, -8, 1,
	},
}

// winograd is one conv layer prepared for Winograd: the kernels
// transformed once (u[xi] = G g G^T at each of the a*a points, packed
// K x C) and the tiling of its output.
type winograd struct {
	mats    *winoMats
	in      Shape        // input of the conv
	oh, ow  int          // conv output grid
	th, tw  int          // tiles down and across
	k       int          // filters
	ut      []float32    // per tap: the transformed kernels, C x K
	kb, ka  *gemm.Packed // kron(B^T, B^T) and kron(A^T, A^T)
	pool    bool         // a 2x2 max-pool after the conv (and ReLU) is fused in
	poolOut Shape
	// vec, when set, runs F(4x4,3x3) with the pool on gemm's vector
	// Winograd kernels, with u the kernels in their layout; the fields
	// above then serve only Shape and the choice.
	vec    *gemm.Wino4
	u      []float32
	direct *gemm.Packed // for inputs with a NaN or an infinity
}

// tiles is the number of output tiles, the width of every product.
func (w *winograd) tiles() int { return w.th * w.tw }

// scratch is the size of the transformed input plus the products.
func (w *winograd) scratch() int {
	if w.vec != nil {
		n := w.oh * w.ow
		return max(w.vec.VLen()+w.vec.MLen(), w.in.C*9*n+w.k*n)
	}
	aa := w.mats.a * w.mats.a
	c, t := w.in.C, w.tiles()
	return aa*c*t + aa*max(c, w.k)*t + w.mats.m*w.mats.m*w.k*t
}

// newWinograd transforms l's 3x3 kernels for input shape in.
func newWinograd(mats *winoMats, l Layer, in Shape, pool bool) (*winograd, error) {
	if l.Size != 3 {
		return nil, fmt.Errorf("winograd needs a 3x3 kernel, layer has %dx%d", l.Size, l.Size)
	}
	m, a := mats.m, mats.a
	w := &winograd{mats: mats, in: in, k: l.Out, pool: pool}
	w.oh, w.ow = in.H-2, in.W-2
	w.th, w.tw = (w.oh+m-1)/m, (w.ow+m-1)/m
	if pool {
		w.poolOut = Shape{l.Out, w.oh / 2, w.ow / 2}
	}
	if mats == &winoF4 && pool {
		if g, err := gemm.NewWino4(in.C, l.Out, in.H, in.W); err == nil && g.Vector() {
			w.vec, w.u = &g, g.TransformKernels(l.W)
			rows, cols := l.WeightShape(in)
			var err error
			w.direct, err = gemm.Pack(false, rows, cols, l.W, cols)
			return w, err
		}
	}
	c := in.C
	aa := a * a
	// uAll[xi][k][c]: G g G^T for every filter and channel.
	uAll := make([]float32, aa*l.Out*c)
	tmp := make([]float32, a*3)
	for k := 0; k < l.Out; k++ {
		for ch := 0; ch < c; ch++ {
			g := l.W[(k*c+ch)*9:][:9]
			// tmp = G g (a x 3)
			for i := 0; i < a; i++ {
				for j := 0; j < 3; j++ {
					var s float32
					for p := 0; p < 3; p++ {
						s += mats.g[i*3+p] * g[p*3+j]
					}
					tmp[i*3+j] = s
				}
			}
			// (G g) G^T (a x a)
			for i := 0; i < a; i++ {
				for j := 0; j < a; j++ {
					var s float32
					for p := 0; p < 3; p++ {
						s += tmp[i*3+p] * mats.g[j*3+p]
					}
					uAll[((i*a+j)*l.Out+k)*c+ch] = s
				}
			}
		}
	}
	// Stored C x K per tap: the filters are the columns of each product,
	// so the micro-kernel's wide side runs over K, not over the few tiles.
	w.ut = make([]float32, aa*c*l.Out)
	for xi := 0; xi < aa; xi++ {
		for k := 0; k < l.Out; k++ {
			for ch := 0; ch < c; ch++ {
				w.ut[(xi*c+ch)*l.Out+k] = uAll[(xi*l.Out+k)*c+ch]
			}
		}
	}
	var err error
	if w.kb, err = kron(mats.bt, a, a); err != nil {
		return nil, err
	}
	if w.ka, err = kron(mats.at, m, a); err != nil {
		return nil, err
	}
	return w, nil
}

// run computes the convolution of in into out with bias, an optional
// ReLU and, when w.pool, the 2x2 max-pool. scratch has w.scratch() values.
//
// Both transforms are products too: the a*a taps of every tile are
// gathered into rows, and B^T d B for all channels and tiles at once is
// kron(B^T, B^T) times that matrix; A^T M A likewise with kron(A^T, A^T).
// That keeps all the arithmetic on the vector micro-kernels.
func (w *winograd) run(out, in, scratch []float32, bias []float32, relu bool) {
	if g := w.vec; g != nil {
		v, p := scratch[:g.VLen()], scratch[g.VLen():][:g.MLen()]
		if !g.Input(v, in) {
			w.directPool(out, in, scratch, bias, relu)
			return
		}
		g.Mul(p, v, w.u)
		g.OutPool(out, p, bias, relu)
		return
	}
	m, a := w.mats.m, w.mats.a
	aa, mm := a*a, m*m
	c, t := w.in.C, w.tiles()
	v := scratch[:aa*c*t]
	rest := scratch[aa*c*t:]
	dp := rest[:aa*max(c, w.k)*t] // the gathered taps, then the products
	y := rest[len(dp):][:mm*w.k*t]
	d := dp[:aa*c*t]
	w.gather(d, in)
	// Shapes were fixed when the Runner was built; an error is a bug.
	if err := w.kb.MulBias(c*t, d, c*t, nil, false, v, c*t); err != nil {
		panic(err)
	}
	prod := dp[:aa*w.k*t]
	for xi := 0; xi < aa; xi++ {
		if err := gemm.MulBias(t, w.k, c, v[xi*c*t:], c, w.ut[xi*c*w.k:], w.k, nil, false, prod[xi*w.k*t:], w.k); err != nil {
			panic(err)
		}
	}
	if err := w.ka.MulBias(w.k*t, prod, w.k*t, nil, false, y, w.k*t); err != nil {
		panic(err)
	}
	w.scatter(out, y, bias, relu)
}

// directPool is the same layer as im2col, one product and the pool.
func (w *winograd) directPool(out, in, scratch, bias []float32, relu bool) {
	n := w.oh * w.ow
	col := scratch[:w.in.C*9*n]
	conv := scratch[len(col):][:w.k*n]
	Im2Col(col, in, w.in, 3)
	// Shapes were fixed when the Runner was built; an error is a bug.
	if err := w.direct.MulBias(n, col, n, bias, relu, conv, n); err != nil {
		panic(err)
	}
	maxPool(out, conv, Shape{w.k, w.oh, w.ow}, w.ow, 2)
}

// gather writes d[i*a+j][tile][ch] = the input under tap (i, j) of the
// tile, zero past the edge.
func (w *winograd) gather(d, in []float32) {
	m, a := w.mats.m, w.mats.a
	c, t := w.in.C, w.tiles()
	H, W := w.in.H, w.in.W
	ct := c * t
	for ch := 0; ch < c; ch++ {
		plane := in[ch*H*W : (ch+1)*H*W]
		for i := 0; i < a; i++ {
			for j := 0; j < a; j++ {
				row := d[(i*a+j)*ct:][:ct]
				for ty := 0; ty < w.th; ty++ {
					o := ty*w.tw*c + ch
					yy := ty*m + i
					if yy >= H {
						for tx := 0; tx < w.tw; tx++ {
							row[o+tx*c] = 0
						}
						continue
					}
					src := plane[yy*W : (yy+1)*W]
					x := j
					tx := 0
					for ; tx < w.tw && x < W; tx++ {
						row[o+tx*c] = src[x]
						x += m
					}
					for ; tx < w.tw; tx++ {
						row[o+tx*c] = 0
					}
				}
			}
		}
	}
}

// scatter stores y[i*m+j][tile][k] as output (ty*m+i, tx*m+j) of filter
// k, plus bias, clamped with relu, pooled 2x2 when w.pool.
func (w *winograd) scatter(out, y, bias []float32, relu bool) {
	m := w.mats.m
	t := w.tiles()
	kt := w.k * t
	lo := float32(math.Inf(-1))
	if relu {
		lo = 0
	}
	if w.pool {
		// m is even and tiles start on even rows and columns, so every
		// pool window lies in one tile. Bias and ReLU commute with max:
		// they are applied after it.
		ph, pw := w.poolOut.H, w.poolOut.W
		for k := 0; k < w.k; k++ {
			b := bias[k]
			dst := out[k*ph*pw : (k+1)*ph*pw]
			for py := 0; py < ph; py++ {
				ty, i := (2*py)/m, (2*py)%m
				for px := 0; px < pw; px++ {
					tx, j := (2*px)/m, (2*px)%m
					o := (ty*w.tw+tx)*w.k + k
					v0 := y[(i*m+j)*kt+o]
					v1 := y[(i*m+j+1)*kt+o]
					v2 := y[((i+1)*m+j)*kt+o]
					v3 := y[((i+1)*m+j+1)*kt+o]
					dst[py*pw+px] = max(max(v0, v1, v2, v3)+b, lo)
				}
			}
		}
		return
	}
	oh, ow := w.oh, w.ow
	for k := 0; k < w.k; k++ {
		b := bias[k]
		dst := out[k*oh*ow : (k+1)*oh*ow]
		for yy := 0; yy < oh; yy++ {
			ty, i := yy/m, yy%m
			row := dst[yy*ow : (yy+1)*ow]
			for j := 0; j < m; j++ {
				src := y[(i*m+j)*kt+ty*w.tw*w.k+k:]
				for tx, x := 0, j; x < ow; tx, x = tx+1, x+m {
					row[x] = max(src[tx*w.k]+b, lo)
				}
			}
		}
	}
}

// kron is the (r*r) x (n*n) matrix kron(x, x) of an r x n matrix x, packed:
// it applies x on both sides of every n x n tile stored one tap a row.
func kron(x []float32, r, n int) (*gemm.Packed, error) {
	k := make([]float32, r*r*n*n)
	for i := 0; i < r; i++ {
		for j := 0; j < r; j++ {
			for p := 0; p < n; p++ {
				for q := 0; q < n; q++ {
					k[(i*r+j)*n*n+p*n+q] = x[i*n+p] * x[j*n+q]
				}
			}
		}
	}
	return gemm.Pack(false, r*r, n*n, k, n*n)
}

// vectorWinograd says whether layer l on input in, followed by a 2x2
// max-pool, runs F(4x4,3x3) on gemm's vector kernels here.
func vectorWinograd(l Layer, in Shape) bool {
	if l.Size != 3 {
		return false
	}
	g, err := gemm.NewWino4(in.C, l.Out, in.H, in.W)
	return err == nil && g.Vector()
}

const autoMinChannels = 8
