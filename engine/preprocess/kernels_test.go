package preprocess

import (
	"image"
	"math"
	"testing"
)

func near(a, b []float32, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > tol {
			return false
		}
	}
	return true
}

// Golden values worked out by hand.
func TestResampleGolden(t *testing.T) {
	p := New()
	// 3 -> 2 by area: [a, a/2+b/2, c] weights 2/3 and 1/3 each side.
	src := []float32{3, 6, 9}
	dst := make([]float32, 2)
	p.resample(dst, 2, 1, src, 3, 1)
	if want := []float32{4, 8}; !near(dst, want, 1e-6) {
		t.Fatalf("3->2: %v, want %v", dst, want)
	}
	// 4x2 -> 2x1: mean of each 2x2 block.
	src = []float32{1, 2, 3, 4, 5, 6, 7, 8}
	p.resample(dst, 2, 1, src, 4, 2)
	if want := []float32{3.5, 5.5}; !near(dst, want, 1e-6) {
		t.Fatalf("4x2->2x1: %v, want %v", dst, want)
	}
	// 2 -> 4 linear: centres at -0.25, 0.25, 0.75, 1.25 clamp to the ends.
	dst = make([]float32, 4)
	p.resample(dst, 4, 1, []float32{0, 4}, 2, 1)
	if want := []float32{0, 1, 3, 4}; !near(dst, want, 1e-6) {
		t.Fatalf("2->4: %v, want %v", dst, want)
	}
	// Area resampling keeps the mean.
	src = make([]float32, 37*23)
	var sum float64
	for i := range src {
		src[i] = float32(i % 11)
		sum += float64(src[i])
	}
	dst = make([]float32, 20*13)
	p.resample(dst, 20, 13, src, 37, 23)
	var got float64
	for _, v := range dst {
		got += float64(v)
	}
	if math.Abs(got/float64(len(dst))-sum/float64(len(src))) > 1e-3 {
		t.Fatalf("mean %v, want %v", got/float64(len(dst)), sum/float64(len(src)))
	}
}

func TestFitSize(t *testing.T) {
	for _, c := range [][4]int{{100, 50, 20, 10}, {50, 100, 10, 20}, {7, 7, 20, 20}, {300, 2, 20, 1}, {3, 140, 1, 20}} {
		if w, h := fitSize(c[0], c[1]); w != c[2] || h != c[3] {
			t.Errorf("fitSize(%d, %d) = %d, %d", c[0], c[1], w, h)
		}
	}
}

func TestPlaceCentresMass(t *testing.T) {
	// A 3x2 patch whose mass sits at x = 2 (the right column), y = 0.5.
	patch := []float32{0, 0, 0.5, 0, 0, 0.5}
	dst := make([]float32, Size*Size)
	if !place(dst, patch, 3, 2) {
		t.Fatal("patch not placed")
	}
	// Offsets 14-2 = 12 and round(14-0.5) = 14 (half away from zero).
	if dst[14*Size+14] != 1 || dst[15*Size+14] != 1 || dst[13*Size+14] != 0 {
		t.Fatalf("mass not at the centre: %v %v", dst[14*Size+14], dst[15*Size+14])
	}
	if place(dst, make([]float32, 6), 3, 2) {
		t.Fatal("an empty patch was placed")
	}
}

func TestOtsu(t *testing.T) {
	var h [256]uint32
	h[20], h[30], h[200], h[210] = 100, 100, 50, 50
	thr, bg, fg := otsu(&h)
	if thr < 30 || thr >= 200 || bg != 25 || fg != 205 {
		t.Fatalf("otsu = %d, %v, %v", thr, bg, fg)
	}
}

func TestComponents(t *testing.T) {
	// Three components: an L (8-connected through a diagonal), a dot,
	// and a bar on the edge.
	img := []byte{
		1, 0, 0, 0, 0, 1,
		1, 0, 0, 0, 0, 1,
		0, 1, 1, 0, 0, 1,
		0, 0, 0, 0, 0, 0,
		0, 0, 0, 1, 0, 0,
	}
	var c components
	c.run(img, 6, 5, 0)
	if len(c.comps) != 3 {
		t.Fatalf("%d components: %+v", len(c.comps), c.comps)
	}
	want := []comp{
		{area: 4, box: image.Rect(0, 0, 3, 3), border: true},
		{area: 3, box: image.Rect(5, 0, 6, 3), border: true},
		{area: 1, box: image.Rect(3, 4, 4, 5), border: true},
	}
	for i, w := range want {
		if c.comps[i] != w {
			t.Errorf("component %d = %+v, want %+v", i, c.comps[i], w)
		}
	}
	// A U shape joins two provisional labels into one.
	u := []byte{
		0, 0, 0, 0, 0,
		0, 1, 0, 1, 0,
		0, 1, 1, 1, 0,
		0, 0, 0, 0, 0,
	}
	c.run(u, 5, 4, 0)
	if len(c.comps) != 1 || c.comps[0].area != 5 || c.comps[0].border {
		t.Fatalf("U: %+v", c.comps)
	}
	box, ok := c.selectDigit()
	if !ok || box != image.Rect(1, 1, 4, 3) {
		t.Fatalf("selectDigit = %v %v", box, ok)
	}
}

// The block-average downsampling against the definition.
func TestDownsample(t *testing.T) {
	for _, f := range []int{3, 4} {
		testDownsample(t, f)
	}
}

func testDownsample(t *testing.T, f int) {
	w, h, stride := 4*f+1, 3*f, 4*f+3
	pix := make([]byte, h*stride)
	for i := range pix {
		pix[i] = byte(i * 37)
	}
	p := New()
	sw, sh := p.downsample(pix, w, h, stride, f)
	if sw != 4 || sh != 3 {
		t.Fatalf("size %dx%d", sw, sh)
	}
	for sy := 0; sy < sh; sy++ {
		for sx := 0; sx < sw; sx++ {
			s := 0
			for y := sy * f; y < sy*f+f; y++ {
				for x := sx * f; x < sx*f+f; x++ {
					s += int(pix[y*stride+x])
				}
			}
			if want := byte((s + f*f/2) / (f * f)); p.small[sy*sw+sx] != want {
				t.Fatalf("(%d,%d) = %d, want %d", sx, sy, p.small[sy*sw+sx], want)
			}
		}
	}
}
