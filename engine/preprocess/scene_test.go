package preprocess

import (
	"image"
	"image/color"
	"math"
	"testing"
)

// halves is a w x h frame, red on the left half and blue on the right.
func halves(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{255, 0, 0, 255}
			if x >= w/2 {
				c = color.RGBA{0, 0, 255, 255}
			}
			m.SetRGBA(x, y, c)
		}
	}
	return m
}

func close1(a, b float32) bool { return math.Abs(float64(a-b)) < 1e-5 }

func TestSceneStretchRGB(t *testing.T) {
	p := New()
	dst := make([]float32, 3*4*4)
	if _, err := p.SceneImage(dst, halves(40, 20), image.Rectangle{}, Scene{C: 3, H: 4, W: 4, Fit: Stretch}); err != nil {
		t.Fatal(err)
	}
	for y := 0; y < 4; y++ {
		for x := 0; x < 4; x++ {
			red := float32(0)
			if x < 2 {
				red = 1
			}
			if r, g, b := dst[y*4+x], dst[16+y*4+x], dst[32+y*4+x]; !close1(r, red) || g != 0 || !close1(b, 1-red) {
				t.Fatalf("pixel %d,%d = %v %v %v", x, y, r, g, b)
			}
		}
	}
}

// Letterbox keeps the 2:1 frame's aspect: two rows of picture between
// rows of padding; centre crop keeps the middle, where the halves meet.
func TestSceneFits(t *testing.T) {
	p := New()
	dst := make([]float32, 4*4)
	s := Scene{C: 1, H: 4, W: 4, Fit: Letterbox, Pad: 0.5, Mean: []float32{0.5}, Scale: []float32{2}}
	if _, err := p.SceneImage(dst, halves(40, 20), image.Rectangle{}, s); err != nil {
		t.Fatal(err)
	}
	red := (float32(luma(255, 0, 0))/255 - 0.5) * 2
	blue := (float32(luma(0, 0, 255))/255 - 0.5) * 2
	for y := 0; y < 4; y++ {
		for x := 0; x < 4; x++ {
			want := float32(0) // the pad, normalised
			if y == 1 || y == 2 {
				want = red
				if x >= 2 {
					want = blue
				}
			}
			if v := dst[y*4+x]; !close1(v, want) {
				t.Fatalf("letterbox %d,%d = %v, want %v", x, y, v, want)
			}
		}
	}
	s.Fit = CenterCrop
	got, err := p.SceneImage(dst, halves(40, 20), image.Rectangle{}, s)
	if err != nil {
		t.Fatal(err)
	}
	if got != image.Rect(10, 0, 30, 20) {
		t.Fatalf("centre crop took %v", got)
	}
}

func TestSceneRegion(t *testing.T) {
	p := New()
	dst := make([]float32, 3*2*2)
	// The right half alone is all blue.
	got, err := p.SceneImage(dst, halves(40, 20), image.Rect(20, 0, 40, 20), Scene{C: 3, H: 2, W: 2})
	if err != nil || got != image.Rect(20, 0, 40, 20) {
		t.Fatal(got, err)
	}
	for i := 0; i < 4; i++ {
		if dst[i] != 0 || !close1(dst[8+i], 1) {
			t.Fatalf("region: %v", dst)
		}
	}
	for _, r := range []image.Rectangle{image.Rect(30, 0, 50, 10), image.Rect(-1, 0, 5, 5)} {
		if _, err := p.SceneImage(dst, halves(40, 20), r, Scene{C: 3, H: 2, W: 2}); err == nil {
			t.Errorf("region %v outside the frame accepted", r)
		}
	}
	if _, err := p.SceneImage(dst[:3], halves(4, 4), image.Rectangle{}, Scene{C: 3, H: 2, W: 2}); err == nil {
		t.Error("short destination accepted")
	}
}
