package preprocess

// weights is a separable 1-D resampling kernel: output i is the sum over
// k < n[i] of w[off[i]+k] * src[first[i]+k].
type weights struct {
	first, n, off []int
	w             []float32
}

// set computes the kernel from in samples to out samples. Shrinking
// averages the exact area each output covers (anti-aliasing); enlarging
// interpolates linearly between the two nearest samples.
func (k *weights) set(in, out int) {
	k.first, k.n, k.off = grow(k.first, out), grow(k.n, out), grow(k.off, out)
	k.w = k.w[:0]
	scale := float64(in) / float64(out)
	for i := 0; i < out; i++ {
		k.off[i] = len(k.w)
		if out <= in {
			lo, hi := float64(i)*scale, float64(i+1)*scale
			first := int(lo)
			last := min(int(hi-1e-9), in-1)
			k.first[i], k.n[i] = first, last-first+1
			for j := first; j <= last; j++ {
				cover := min(hi, float64(j+1)) - max(lo, float64(j))
				k.w = append(k.w, float32(cover/scale))
			}
			continue
		}
		c := (float64(i)+0.5)*scale - 0.5
		c = min(max(c, 0), float64(in-1))
		j := min(int(c), in-2)
		if in == 1 {
			k.first[i], k.n[i] = 0, 1
			k.w = append(k.w, 1)
			continue
		}
		t := float32(c - float64(j))
		k.first[i], k.n[i] = j, 2
		k.w = append(k.w, 1-t, t)
	}
}

// resample scales src (sw x sh) to dst (dw x dh), rows first.
func (p *Preprocessor) resample(dst []float32, dw, dh int, src []float32, sw, sh int) {
	p.wx.set(sw, dw)
	p.wy.set(sh, dh)
	p.tmp = grow(p.tmp, dw*sh)
	for y := 0; y < sh; y++ {
		row := src[y*sw : y*sw+sw]
		out := p.tmp[y*dw : y*dw+dw]
		for i := range out {
			var s float32
			w := p.wx.w[p.wx.off[i] : p.wx.off[i]+p.wx.n[i]]
			for k, wk := range w {
				s += wk * row[p.wx.first[i]+k]
			}
			out[i] = s
		}
	}
	clear(dst[:dw*dh])
	for i := 0; i < dh; i++ {
		out := dst[i*dw : i*dw+dw]
		w := p.wy.w[p.wy.off[i] : p.wy.off[i]+p.wy.n[i]]
		for k, wk := range w {
			row := p.tmp[(p.wy.first[i]+k)*dw:]
			for x := range out {
				out[x] += wk * row[x]
			}
		}
	}
}

// fitSize is the size of a w x h crop scaled so its longer side is Box.
func fitSize(w, h int) (fw, fh int) {
	if w >= h {
		return Box, max(1, (h*Box+w/2)/w)
	}
	return max(1, (w*Box+h/2)/h), Box
}

// place copies the patch (pw x ph) onto a zeroed Size x Size canvas so
// that its centre of mass falls on pixel (14, 14), where MNIST's digits
// have theirs (their mean centre of mass is 14.0 in pixel indices), and
// scales it so the brightest value is 1.
func place(dst []float32, patch []float32, pw, ph int) bool {
	var sum, sx, sy, peak float32
	for y := 0; y < ph; y++ {
		for x, v := range patch[y*pw : y*pw+pw] {
			sum += v
			sx += v * float32(x)
			sy += v * float32(y)
			peak = max(peak, v)
		}
	}
	clear(dst)
	if sum <= 0 || peak <= 0 {
		return false
	}
	ox := roundInt(Size/2 - sx/sum)
	oy := roundInt(Size/2 - sy/sum)
	inv := 1 / peak
	for y := 0; y < ph; y++ {
		cy := y + oy
		if cy < 0 || cy >= Size {
			continue
		}
		for x, v := range patch[y*pw : y*pw+pw] {
			if cx := x + ox; cx >= 0 && cx < Size {
				dst[cy*Size+cx] = min(v*inv, 1)
			}
		}
	}
	return true
}

func roundInt(v float32) int {
	if v < 0 {
		return -int(-v + 0.5)
	}
	return int(v + 0.5)
}
