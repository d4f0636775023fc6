package nn

import (
	"fmt"

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
	}
	return fmt.Sprintf("convalgo(%d)", uint8(a))
}

// ParseConvAlgo accepts the names String returns.
func ParseConvAlgo(s string) (ConvAlgo, error) {
	for a := ConvAuto; a <= ConvWinograd4; a++ {
		if a.String() == s {
			return a, nil
		}
	}
	return 0, fmt.Errorf("nn: unknown convolution algorithm %q (want auto, direct, winograd-f2 or winograd-f4)", s)
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
	in      Shape // input of the conv
	oh, ow  int   // conv output grid
	th, tw  int   // tiles down and across
	k       int   // filters
	u       []*gemm.Packed
	pool    bool // a 2x2 max-pool after the conv (and ReLU) is fused in
	poolOut Shape
}

// tiles is the number of output tiles, the width of every product.
func (w *winograd) tiles() int { return w.th * w.tw }

// scratch is the size of the transformed input plus the products.
func (w *winograd) scratch() int {
	aa := w.mats.a * w.mats.a
	return aa * (w.in.C + w.k) * w.tiles()
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
	w.u = make([]*gemm.Packed, aa)
	for xi := range w.u {
		p, err := gemm.Pack(false, l.Out, c, uAll[xi*l.Out*c:][:l.Out*c], c)
		if err != nil {
			return nil, err
		}
		w.u[xi] = p
	}
	return w, nil
}

// run computes the convolution of in into out with bias, an optional
// ReLU and, when w.pool, the 2x2 max-pool. scratch has w.scratch() values.
func (w *winograd) run(out, in, scratch []float32, bias []float32, relu bool) {
	m, a := w.mats.m, w.mats.a
	aa := a * a
	c, t := w.in.C, w.tiles()
	v := scratch[:aa*c*t]
	prod := scratch[aa*c*t:][:aa*w.k*t]
	w.inputTransform(v, in)
	for xi := 0; xi < aa; xi++ {
		// Shapes were fixed when the Runner was built; an error is a bug.
		if err := w.u[xi].MulBias(t, v[xi*c*t:], t, nil, false, prod[xi*w.k*t:], t); err != nil {
			panic(err)
		}
	}
	_ = m
	w.outputTransform(out, prod, bias, relu)
}

// inputTransform writes v[xi][c][tile] = (B^T d B)[xi] for every channel
// and tile, d the a x a input patch (zero past the edge) under the tile.
func (w *winograd) inputTransform(v, in []float32) {
	m, a := w.mats.m, w.mats.a
	bt := w.mats.bt
	c, t := w.in.C, w.tiles()
	H, W := w.in.H, w.in.W
	ct := c * t
	var d, tmp [36]float32
	for ch := 0; ch < c; ch++ {
		plane := in[ch*H*W : (ch+1)*H*W]
		for ty := 0; ty < w.th; ty++ {
			y0 := ty * m
			for tx := 0; tx < w.tw; tx++ {
				x0 := tx * m
				if y0+a <= H && x0+a <= W {
					for i := 0; i < a; i++ {
						copy(d[i*a:i*a+a], plane[(y0+i)*W+x0:])
					}
				} else {
					for i := 0; i < a; i++ {
						for j := 0; j < a; j++ {
							if y0+i < H && x0+j < W {
								d[i*a+j] = plane[(y0+i)*W+x0+j]
							} else {
								d[i*a+j] = 0
							}
						}
					}
				}
				// tmp = B^T d
				for i := 0; i < a; i++ {
					row := bt[i*a : i*a+a]
					for j := 0; j < a; j++ {
						var s float32
						for p, b := range row {
							s += b * d[p*a+j]
						}
						tmp[i*a+j] = s
					}
				}
				// (B^T d) B: column j of B is row j of B^T.
				base := ch*t + ty*w.tw + tx
				for i := 0; i < a; i++ {
					for j := 0; j < a; j++ {
						row := bt[j*a : j*a+a]
						var s float32
						for p, b := range row {
							s += tmp[i*a+p] * b
						}
						v[(i*a+j)*ct+base] = s
					}
				}
			}
		}
	}
}

// outputTransform turns the products back into the output: y = A^T M A
// per tile, plus bias, clamped with relu, pooled 2x2 when w.pool.
func (w *winograd) outputTransform(out, prod, bias []float32, relu bool) {
	m, a := w.mats.m, w.mats.a
	at := w.mats.at
	t := w.tiles()
	kt := w.k * t
	var mt [36]float32
	var tmp [24]float32
	var y [16]float32
	ph, pw := w.oh/2, w.ow/2
	for k := 0; k < w.k; k++ {
		b := bias[k]
		for ty := 0; ty < w.th; ty++ {
			for tx := 0; tx < w.tw; tx++ {
				ti := ty*w.tw + tx
				for xi := 0; xi < a*a; xi++ {
					mt[xi] = prod[xi*kt+k*t+ti]
				}
				// tmp = A^T M (m x a)
				for i := 0; i < m; i++ {
					row := at[i*a : i*a+a]
					for j := 0; j < a; j++ {
						var s float32
						for p, c := range row {
							s += c * mt[p*a+j]
						}
						tmp[i*a+j] = s
					}
				}
				// y = (A^T M) A (m x m)
				for i := 0; i < m; i++ {
					for j := 0; j < m; j++ {
						row := at[j*a : j*a+a]
						var s float32
						for p, c := range row {
							s += tmp[i*a+p] * c
						}
						y[i*m+j] = s
					}
				}
				y0, x0 := ty*m, tx*m
				if w.pool {
					// m is even and tiles start on even rows and
					// columns, so every pool window lies in one tile.
					// Bias and ReLU commute with max: add after.
					dst := out[k*ph*pw:]
					for i := 0; i < m; i += 2 {
						py := (y0 + i) / 2
						if py >= ph {
							break
						}
						for j := 0; j < m; j += 2 {
							px := (x0 + j) / 2
							if px >= pw {
								break
							}
							v := max(y[i*m+j], y[i*m+j+1], y[(i+1)*m+j], y[(i+1)*m+j+1]) + b
							if relu {
								v = max(v, 0)
							}
							dst[py*pw+px] = v
						}
					}
					continue
				}
				dst := out[k*w.oh*w.ow:]
				for i := 0; i < m && y0+i < w.oh; i++ {
					for j := 0; j < m && x0+j < w.ow; j++ {
						v := y[i*m+j] + b
						if relu {
							v = max(v, 0)
						}
						dst[(y0+i)*w.ow+x0+j] = v
					}
				}
			}
		}
	}
}

// What ConvAuto picks for a 3x3 layer with at least autoMinChannels
// input channels; set from the one-run benchmark of BenchmarkConvAlgo.
var autoWinograd = ConvDirect

const autoMinChannels = 8
