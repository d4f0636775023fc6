package preprocess

import "image"

// frame runs the camera-frame steps (see the package documentation).
func (p *Preprocessor) frame(dst []float32, pix []byte, w, h, stride int) Info {
	clear(dst)
	info := Info{Mode: Frame}
	f := factor(w, h)
	sw, sh := p.downsample(pix, w, h, stride, f)

	var hist [256]uint32
	histogram(&hist, p.small)
	invert, contrast := polarity(&hist, sw*sh)
	if contrast < minContrast {
		info.Empty = true
		return info
	}
	info.Inverted = invert
	if invert {
		for i, v := range p.small {
			p.small[i] = 255 - v
		}
	}
	p.flatten(sw, sh)
	histogram(&hist, p.flat)
	t, bgMean, fgMean := otsu(&hist)
	if fgMean-bgMean < minContrast {
		info.Empty = true
		return info
	}
	p.cc.run(p.flat, sw, sh, byte(t))
	sbox, ok := p.cc.selectDigit()
	if !ok {
		info.Empty = true
		return info
	}

	// Full-resolution pass over the blob's region, one analysis pixel of
	// margin, keeping only pixels next to a kept component.
	region := sbox.Inset(-1).Intersect(image.Rect(0, 0, sw, sh))
	full := image.Rect(region.Min.X*f, region.Min.Y*f, min(region.Max.X*f, w), min(region.Max.Y*f, h))
	if region.Max.X == sw {
		full.Max.X = w
	}
	if region.Max.Y == sh {
		full.Max.Y = h
	}
	cw, ch := full.Dx(), full.Dy()
	p.crop = grow(p.crop, cw*ch)
	// The soft threshold: background maps to 0, ink to 1, with a linear
	// ramp between (from 15 % to 75 % of the way from the background to
	// the ink level) that keeps anti-aliased edges and stroke width.
	lo := float32(bgMean + 0.15*(fgMean-bgMean))
	span := float32(0.6 * (fgMean - bgMean))
	p.markKept(region, sw, sh)
	tight := image.Rectangle{Min: image.Pt(cw, ch)}
	for y := 0; y < ch; y++ {
		fy := full.Min.Y + y
		syy := min(fy/f, sh-1)
		row := pix[fy*stride:]
		out := p.crop[y*cw : y*cw+cw]
		for x := range out {
			fx := full.Min.X + x
			sxx := min(fx/f, sw-1)
			if p.mask[syy*sw+sxx] == 0 {
				out[x] = 0
				continue
			}
			v := int(row[fx])
			if invert {
				v = 255 - v
			}
			a := clampf((float32(v-int(p.bg[syy*sw+sxx]))-lo)/span, 0, 1)
			out[x] = a
			if a > 0 {
				tight.Min.X, tight.Min.Y = min(tight.Min.X, x), min(tight.Min.Y, y)
				tight.Max.X, tight.Max.Y = max(tight.Max.X, x+1), max(tight.Max.Y, y+1)
			}
		}
	}
	if tight.Empty() {
		info.Empty = true
		return info
	}
	info.Box = tight.Add(full.Min)

	// Crop in place to the tight box, then fit into Box x Box.
	tw, th := tight.Dx(), tight.Dy()
	for y := 0; y < th; y++ {
		copy(p.crop[y*tw:y*tw+tw], p.crop[(tight.Min.Y+y)*cw+tight.Min.X:])
	}
	pw, ph := fitSize(tw, th)
	p.patch = grow(p.patch, pw*ph)
	p.resample(p.patch, pw, ph, p.crop, tw, th)
	if !place(dst, p.patch, pw, ph) {
		info.Empty = true
	}
	return info
}

// markKept sets mask over region for analysis pixels that belong to, or
// touch, a kept component.
func (p *Preprocessor) markKept(region image.Rectangle, sw, sh int) {
	p.mask = grow(p.mask, sw*sh)
	for y := region.Min.Y; y < region.Max.Y; y++ {
		for x := region.Min.X; x < region.Max.X; x++ {
			p.mask[y*sw+x] = 0
		}
	}
	for y := region.Min.Y; y < region.Max.Y; y++ {
		for x := region.Min.X; x < region.Max.X; x++ {
			if l := p.cc.label[y*sw+x]; l == 0 || !p.cc.comps[l-1].keep {
				continue
			}
			for yy := max(y-1, region.Min.Y); yy <= min(y+1, region.Max.Y-1); yy++ {
				for xx := max(x-1, region.Min.X); xx <= min(x+1, region.Max.X-1); xx++ {
					p.mask[yy*sw+xx] = 1
				}
			}
		}
	}
}
