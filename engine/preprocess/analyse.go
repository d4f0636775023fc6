package preprocess

// The analysis steps run on a small copy of the frame, about analysisSide
// pixels across: cheap, and averaging is the denoising.

const (
	analysisSide = 160
	minContrast  = 24 // gray levels between background and ink, else empty
)

// factor is the downsampling factor for a w x h frame.
func factor(w, h int) int {
	f := max(w, h) / analysisSide
	return max(f, 1)
}

// downsample averages f x f blocks of pix into p.small (sw x sh).
func (p *Preprocessor) downsample(pix []byte, w, h, stride, f int) (sw, sh int) {
	sw, sh = max(w/f, 1), max(h/f, 1)
	fx, fy := min(f, w), min(f, h)
	p.small = grow(p.small, sw*sh)
	p.rowSum = grow(p.rowSum, sw)
	n := uint32(fx * fy)
	for sy := 0; sy < sh; sy++ {
		acc := p.rowSum
		clear(acc)
		for y := sy * fy; y < sy*fy+fy; y++ {
			row := pix[y*stride : y*stride+sw*fx]
			if fx == 4 { // 640x480 frames: unrolled
				for sx := range acc {
					q := row[4*sx : 4*sx+4 : 4*sx+4]
					acc[sx] += uint32(q[0]) + uint32(q[1]) + uint32(q[2]) + uint32(q[3])
				}
				continue
			}
			for sx := range acc {
				var s uint32
				for _, v := range row[sx*fx : sx*fx+fx] {
					s += uint32(v)
				}
				acc[sx] += s
			}
		}
		out := p.small[sy*sw : sy*sw+sw]
		for i, s := range acc {
			out[i] = byte((s + n/2) / n)
		}
	}
	return sw, sh
}

// histogram counts the values of b.
func histogram(h *[256]uint32, b []byte) {
	clear(h[:])
	for _, v := range b {
		h[v]++
	}
}

// percentile returns the smallest value v with at least q of the count at
// or below it.
func percentile(h *[256]uint32, total int, q float64) int {
	need := uint32(q*float64(total) + 0.5)
	need = max(need, 1)
	var c uint32
	for v := range h {
		c += h[v]
		if c >= need {
			return v
		}
	}
	return 255
}

// polarity decides whether ink is darker than the background: then the
// median (background dominates a frame) lies nearer the bright extreme.
func polarity(h *[256]uint32, total int) (invert bool, contrast int) {
	lo := percentile(h, total, 0.001)
	mid := percentile(h, total, 0.5)
	hi := percentile(h, total, 0.999)
	return mid-lo > hi-mid, hi - lo
}

// flatten subtracts a background estimated on blocks of about a sixth of
// the frame: a low percentile per block, bilinearly interpolated between
// block centres, so a lighting gradient does not reach the threshold.
func (p *Preprocessor) flatten(sw, sh int) {
	cell := max(8, min(sw, sh)/6)
	gw, gh := max(sw/cell, 1), max(sh/cell, 1)
	p.cells = grow(p.cells, gw*gh)
	var hist [256]uint32
	for gy := 0; gy < gh; gy++ {
		y0, y1 := gy*sh/gh, (gy+1)*sh/gh
		for gx := 0; gx < gw; gx++ {
			x0, x1 := gx*sw/gw, (gx+1)*sw/gw
			clear(hist[:])
			for y := y0; y < y1; y++ {
				for _, v := range p.small[y*sw+x0 : y*sw+x1] {
					hist[v]++
				}
			}
			p.cells[gy*gw+gx] = byte(percentile(&hist, (y1-y0)*(x1-x0), 0.2))
		}
	}
	// Interpolate along x once per block row, then between block rows.
	p.bgRows = grow(p.bgRows, gh*sw)
	for x := 0; x < sw; x++ {
		gx0, gx1, tx := interp(x, sw, gw)
		for gy := 0; gy < gh; gy++ {
			c := p.cells[gy*gw:]
			p.bgRows[gy*sw+x] = float32(c[gx0])*(1-tx) + float32(c[gx1])*tx
		}
	}
	p.bg = grow(p.bg, sw*sh)
	p.flat = grow(p.flat, sw*sh)
	for y := 0; y < sh; y++ {
		gy0, gy1, ty := interp(y, sh, gh)
		top, bot := p.bgRows[gy0*sw:gy0*sw+sw], p.bgRows[gy1*sw:gy1*sw+sw]
		bg, flat, small := p.bg[y*sw:y*sw+sw], p.flat[y*sw:y*sw+sw], p.small[y*sw:y*sw+sw]
		for x := range bg {
			b := byte(top[x]*(1-ty) + bot[x]*ty + 0.5)
			bg[x] = b
			flat[x] = byte(max(int(small[x])-int(b), 0))
		}
	}
}

// interp places pixel i of n on a grid of g block centres: the two
// neighbouring blocks and the weight of the second, clamped at the outer
// half blocks.
func interp(i, n, g int) (g0, g1 int, t float32) {
	f := clampf((float32(i)+0.5)*float32(g)/float32(n)-0.5, 0, float32(g-1))
	g0 = int(f)
	return g0, min(g0+1, g-1), f - float32(g0)
}

// otsu returns the threshold t (background <= t < ink) maximising the
// between-class variance, and the two class means.
func otsu(h *[256]uint32) (t int, bgMean, fgMean float64) {
	var total, sum float64
	for v, c := range h {
		total += float64(c)
		sum += float64(v) * float64(c)
	}
	var wB, sumB, best float64
	for v := 0; v < 255; v++ {
		wB += float64(h[v])
		sumB += float64(v) * float64(h[v])
		wF := total - wB
		if wB == 0 || wF == 0 {
			continue
		}
		mB, mF := sumB/wB, (sum-sumB)/wF
		if between := wB * wF * (mB - mF) * (mB - mF); between > best {
			best, t, bgMean, fgMean = between, v, mB, mF
		}
	}
	return t, bgMean, fgMean
}

func clampf(v, lo, hi float32) float32 {
	return min(max(v, lo), hi)
}
