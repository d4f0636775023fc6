package preprocess

import (
	"image"
	"image/color"
	"math"
	"strings"
	"testing"
)

// paper returns a w x h gray frame of value bg with a rect of value ink.
func paper(w, h int, bg, ink byte, rects ...image.Rectangle) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = bg
	}
	for _, r := range rects {
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				img.SetGray(x, y, color.Gray{Y: ink})
			}
		}
	}
	return img
}

// moments returns the mass, centre of mass (in pixel indices) and
// bounding box of a tensor.
func moments(t []float32) (mass, cx, cy float64, box image.Rectangle) {
	box = image.Rectangle{Min: image.Pt(Size, Size)}
	for y := 0; y < Size; y++ {
		for x := 0; x < Size; x++ {
			v := float64(t[y*Size+x])
			if v <= 0 {
				continue
			}
			mass += v
			cx += v * float64(x)
			cy += v * float64(y)
			box = box.Union(image.Rect(x, y, x+1, y+1))
		}
	}
	return mass, cx / mass, cy / mass, box
}

func TestAsIs(t *testing.T) {
	img := paper(Size, Size, 0, 255, image.Rect(10, 5, 14, 23))
	img.Pix[0] = 51
	dst := make([]float32, Size*Size)
	info, err := New().Image(dst, img)
	if err != nil || info.Mode != AsIs || info.Inverted {
		t.Fatalf("%+v %v", info, err)
	}
	if dst[0] != 0.2 || dst[5*Size+10] != 1 || dst[5*Size+9] != 0 {
		t.Fatalf("values %v %v %v", dst[0], dst[5*Size+10], dst[5*Size+9])
	}
}

// A bar of dark ink on a light 28x28 image is a frame: inverted, fitted
// to 20 pixels high and centred.
func TestLight28IsAFrame(t *testing.T) {
	img := paper(Size, Size, 230, 20, image.Rect(2, 2, 6, 12))
	dst := make([]float32, Size*Size)
	info, err := New().Image(dst, img)
	if err != nil || info.Mode != Frame || !info.Inverted || info.Empty {
		t.Fatalf("%+v %v", info, err)
	}
	_, cx, cy, box := moments(dst)
	if box.Dy() != Box || box.Dx() != 8 || math.Abs(cx-14) > 0.5 || math.Abs(cy-14) > 0.5 {
		t.Fatalf("box %v, centre (%.2f, %.2f)", box, cx, cy)
	}
}

// The digit blob is found anywhere in a large frame, in both polarities,
// with a lighting gradient, and a smaller speck elsewhere is ignored.
func TestFrameFindsTheBlob(t *testing.T) {
	for _, dark := range []bool{true, false} {
		bg, ink := byte(200), byte(40)
		if !dark {
			bg, ink = 30, 220
		}
		digit := image.Rect(400, 100, 440, 220) // 40x120: fits to 7x20
		img := paper(640, 480, bg, ink, digit, image.Rect(50, 400, 62, 412))
		for y := 0; y < 480; y++ { // light falls off to the right by up to 50 levels
			for x := 0; x < 640; x++ {
				i := y*img.Stride + x
				img.Pix[i] = byte(max(int(img.Pix[i])-x*50/640, 0))
			}
		}
		dst := make([]float32, Size*Size)
		info, err := New().Image(dst, img)
		if err != nil || info.Empty || info.Inverted != dark {
			t.Fatalf("dark=%v: %+v %v", dark, info, err)
		}
		if info.Box != digit {
			t.Errorf("dark=%v: box %v, want %v", dark, info.Box, digit)
		}
		_, cx, cy, box := moments(dst)
		if box.Dy() != Box || box.Dx() != 7 || math.Abs(cx-14) > 0.5 || math.Abs(cy-14) > 0.5 {
			t.Errorf("dark=%v: box %v, centre (%.2f, %.2f)", dark, box, cx, cy)
		}
		var peak float32
		for _, v := range dst {
			peak = max(peak, v)
		}
		if peak != 1 {
			t.Errorf("dark=%v: peak %v, want 1", dark, peak)
		}
	}
}

// Two strokes of one digit with a gap stay together; a far blob does not.
func TestFrameKeepsNearComponents(t *testing.T) {
	top := image.Rect(300, 100, 360, 116)
	stem := image.Rect(340, 124, 356, 240)
	far := image.Rect(40, 40, 52, 52)
	img := paper(640, 480, 210, 30, top, stem, far)
	dst := make([]float32, Size*Size)
	info, err := New().Image(dst, img)
	if err != nil || info.Empty {
		t.Fatalf("%+v %v", info, err)
	}
	if want := top.Union(stem); info.Box != want {
		t.Fatalf("box %v, want %v", info.Box, want)
	}
}

func TestEmptyFrame(t *testing.T) {
	img := paper(320, 240, 128, 128)
	for i := range img.Pix { // faint noise, no digit
		img.Pix[i] += byte(i*7919%5) - 2
	}
	dst := make([]float32, Size*Size)
	dst[3] = 1
	info, err := New().Image(dst, img)
	if err != nil || !info.Empty {
		t.Fatalf("%+v %v", info, err)
	}
	for _, v := range dst {
		if v != 0 {
			t.Fatal("an empty frame must give a zero tensor")
		}
	}
}

func TestErrors(t *testing.T) {
	p := New()
	dst := make([]float32, Size*Size)
	pix := make([]byte, 100)
	cases := []struct {
		dst          []float32
		w, h, stride int
		want         string
	}{
		{dst[:10], 10, 10, 10, "28*28"},
		{dst, 0, 10, 10, "empty image"},
		{dst, 10, 10, 9, "stride 9 is less than width 10"},
		{dst, 10, 11, 10, "100 bytes for a 10x11 image"},
	}
	for _, c := range cases {
		_, err := p.FromGray(c.dst, pix, c.w, c.h, c.stride)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%dx%d/%d: %v, want %q", c.w, c.h, c.stride, err, c.want)
		}
	}
	if _, err := p.Image(dst, image.NewGray(image.Rect(0, 0, 0, 5))); err == nil {
		t.Error("empty image accepted")
	}
}

// Every image type takes the same way as its gray plane.
func TestImageTypes(t *testing.T) {
	g := paper(200, 160, 190, 50, image.Rect(80, 30, 110, 120), image.Rect(110, 30, 130, 46))
	rgba := image.NewRGBA(g.Rect)
	nrgba := image.NewNRGBA(g.Rect)
	ycc := image.NewYCbCr(g.Rect, image.YCbCrSubsampleRatio420)
	gray16 := image.NewGray16(g.Rect)
	for y := 0; y < 160; y++ {
		for x := 0; x < 200; x++ {
			v := g.GrayAt(x, y)
			rgba.Set(x, y, v)
			nrgba.Set(x, y, v)
			gray16.Set(x, y, v)
			ycc.Y[ycc.YOffset(x, y)] = v.Y
		}
	}
	sub := paper(300, 200, 0, 0)
	for y := 0; y < 160; y++ { // g inside a larger image, at an offset
		copy(sub.Pix[(y+20)*sub.Stride+50:], g.Pix[y*g.Stride:y*g.Stride+200])
	}
	want := make([]float32, Size*Size)
	if _, err := New().FromGray(want, g.Pix, 200, 160, g.Stride); err != nil {
		t.Fatal(err)
	}
	p := New()
	for _, img := range []image.Image{g, rgba, nrgba, ycc, gray16, sub.SubImage(image.Rect(50, 20, 250, 180))} {
		got := make([]float32, Size*Size)
		if _, err := p.Image(got, img); err != nil {
			t.Fatal(err)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%T: value %d = %v, want %v", img, i, got[i], want[i])
			}
		}
	}
}

// After the first frame of a size, a Preprocessor allocates nothing.
func TestNoAllocs(t *testing.T) {
	img := paper(640, 480, 200, 40, image.Rect(300, 200, 340, 300))
	p := New()
	dst := make([]float32, Size*Size)
	allocs := testing.AllocsPerRun(10, func() {
		if _, err := p.FromGray(dst, img.Pix, 640, 480, img.Stride); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per frame", allocs)
	}
}

// A sheet of paper that does not fill the frame: the dark table around it
// touches the frame edge and must not be taken for the digit.
func TestFrameOnATable(t *testing.T) {
	img := paper(640, 480, 50, 50)
	sheet := image.Rect(100, 60, 560, 440)
	digit := []image.Rectangle{image.Rect(300, 150, 316, 300), image.Rect(270, 150, 316, 164)}
	for y := sheet.Min.Y; y < sheet.Max.Y; y++ {
		for x := sheet.Min.X; x < sheet.Max.X; x++ {
			img.Pix[y*img.Stride+x] = 215
			for _, r := range digit {
				if image.Pt(x, y).In(r) {
					img.Pix[y*img.Stride+x] = 35
				}
			}
		}
	}
	dst := make([]float32, Size*Size)
	info, err := New().Image(dst, img)
	if err != nil || info.Empty || !info.Inverted {
		t.Fatalf("%+v %v", info, err)
	}
	if want := digit[0].Union(digit[1]); info.Box != want {
		t.Fatalf("box %v, want %v", info.Box, want)
	}
}
