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
	p.bg = grow(p.bg, sw*sh)
	p.flat = grow(p.flat, sw*sh)
	for y := 0; y < sh; y++ {
		// Position in block-centre units, clamped at the outer half blocks.
		gyf := clampf((float32(y)+0.5)*float32(gh)/float32(sh)-0.5, 0, float32(gh-1))
		gy0 := int(gyf)
		gy1 := min(gy0+1, gh-1)
		ty := gyf - float32(gy0)
		for x := 0; x < sw; x++ {
			gxf := clampf((float32(x)+0.5)*float32(gw)/float32(sw)-0.5, 0, float32(gw-1))
			gx0 := int(gxf)
			gx1 := min(gx0+1, gw-1)
			tx := gxf - float32(gx0)
			c := p.cells
			top := float32(c[gy0*gw+gx0])*(1-tx) + float32(c[gy0*gw+gx1])*tx
			bot := float32(c[gy1*gw+gx0])*(1-tx) + float32(c[gy1*gw+gx1])*tx
			b := top*(1-ty) + bot*ty
			i := y*sw + x
			p.bg[i] = byte(b + 0.5)
			p.flat[i] = byte(max(int(p.small[i])-int(p.bg[i]), 0))
		}
	}
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
