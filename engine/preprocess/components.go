package preprocess

import "image"

// comp is one 8-connected component of the thresholded analysis image.
type comp struct {
	area   int
	box    image.Rectangle
	border bool // touches the frame edge
	keep   bool
}

// components labels the pixels of an image above a threshold.
type components struct {
	label  []int32 // 0 = background, else 1 + index into comps
	parent []int32 // union-find over provisional labels
	final  []int32 // provisional label -> final label
	comps  []comp
}

func (c *components) find(x int32) int32 {
	for c.parent[x] != x {
		c.parent[x] = c.parent[c.parent[x]]
		x = c.parent[x]
	}
	return x
}

func (c *components) union(a, b int32) int32 {
	a, b = c.find(a), c.find(b)
	if a < b {
		c.parent[b] = a
		return a
	}
	c.parent[a] = b
	return b
}

// run labels img (w x h) where img > t, two-pass with union-find, and
// fills comps with the area and bounding box of each component.
func (c *components) run(img []byte, w, h int, t byte) {
	c.label = grow(c.label, w*h)
	c.parent = append(c.parent[:0], 0)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := y*w + x
			if img[i] <= t {
				c.label[i] = 0
				continue
			}
			var l int32
			// Neighbours already visited: W, NW, N, NE.
			if x > 0 && c.label[i-1] != 0 {
				l = c.label[i-1]
			}
			if y > 0 {
				for dx := -1; dx <= 1; dx++ {
					if x+dx < 0 || x+dx >= w {
						continue
					}
					if n := c.label[i-w+dx]; n != 0 {
						if l == 0 {
							l = n
						} else if n != l {
							l = c.union(l, n)
						}
					}
				}
			}
			if l == 0 {
				l = int32(len(c.parent))
				c.parent = append(c.parent, l)
			}
			c.label[i] = l
		}
	}
	// Final labels are consecutive. union keeps the smaller label as the
	// root, so a root is numbered before any label that points to it.
	c.final = grow(c.final, len(c.parent))
	n := int32(0)
	for i := int32(1); i < int32(len(c.parent)); i++ {
		if r := c.find(i); r == i {
			n++
			c.final[i] = n
		} else {
			c.final[i] = c.final[r]
		}
	}
	c.comps = c.comps[:0]
	for i := int32(0); i < n; i++ {
		c.comps = append(c.comps, comp{box: image.Rectangle{Min: image.Pt(w, h)}})
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := y*w + x
			if c.label[i] == 0 {
				continue
			}
			l := c.final[c.label[i]]
			c.label[i] = l
			k := &c.comps[l-1]
			k.area++
			k.box.Min.X, k.box.Min.Y = min(k.box.Min.X, x), min(k.box.Min.Y, y)
			k.box.Max.X, k.box.Max.Y = max(k.box.Max.X, x+1), max(k.box.Max.Y, y+1)
		}
	}
	for i := range c.comps {
		b := c.comps[i].box
		c.comps[i].border = b.Min.X == 0 || b.Min.Y == 0 || b.Max.X == w || b.Max.Y == h
	}
}

// selectDigit marks the digit's components and returns their union box:
// the largest component clear of the frame edge (or the largest of all if
// every one touches it), plus smaller components of at least a twentieth
// of its area whose box lies within a third of its size (and that are
// clear of the edge when it is).
func (c *components) selectDigit() (image.Rectangle, bool) {
	best := -1
	for pass := 0; pass < 2 && best < 0; pass++ {
		for i, k := range c.comps {
			if (pass == 0 && k.border) || k.area < 2 {
				continue
			}
			if best < 0 || k.area > c.comps[best].area {
				best = i
			}
		}
	}
	if best < 0 {
		return image.Rectangle{}, false
	}
	for i := range c.comps {
		c.comps[i].keep = i == best
	}
	main := c.comps[best]
	box := main.box
	reach := max(main.box.Dx(), main.box.Dy())/3 + 1
	minArea := max(main.area/20, 2)
	for changed := true; changed; {
		changed = false
		near := box.Inset(-reach)
		for i := range c.comps {
			k := &c.comps[i]
			// Not the table or a shadow at the frame edge, nor anything
			// bigger than the digit itself.
			fits := k.area <= main.area && (main.border || !k.border)
			if !k.keep && fits && k.area >= minArea && k.box.Overlaps(near) {
				k.keep, changed = true, true
				box = box.Union(k.box)
			}
		}
	}
	return box, true
}
