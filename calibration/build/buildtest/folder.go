// Package buildtest writes class-per-folder image trees for tests and
// benchmarks of calibration/build and `slicecal build`: coloured shapes
// and textures on varied backgrounds, with the changes a camera adds.
package buildtest

import (
	"bufio"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// Shapes are the class names, in the order Options.Classes takes them.
// The first ones differ most, so small tests of few classes learn fast.
var Shapes = []string{"hstripes", "vstripes", "disc", "checker", "triangle", "plus", "ring", "square", "diamond", "cross"}

// Options say what WriteFolder draws.
type Options struct {
	Classes  int // the first Classes of Shapes (at most 10)
	PerClass int // images per class
	Size     int // nominal side in pixels; images vary from 0.8 to 1.25 of it, not always square
	Seed     uint64
}

// WriteFolder writes o.PerClass images of each class into dir/<class>/,
// half PNG, half JPEG (quality 60-95). Each image is one shape of a random
// saturated colour, scaled (0.5-0.8 of the side), shifted (up to 10 %)
// and turned (up to 15 degrees), on a two-colour gradient, under a
// lighting change of up to ±30 % with pixel noise.
func WriteFolder(dir string, o Options) error {
	if o.Classes < 1 || o.Classes > len(Shapes) || o.PerClass < 1 || o.Size < 8 {
		return fmt.Errorf("buildtest: %d classes of %d images of %d pixels", o.Classes, o.PerClass, o.Size)
	}
	for c := range o.Classes {
		cd := filepath.Join(dir, Shapes[c])
		if err := os.MkdirAll(cd, 0o755); err != nil {
			return err
		}
		for i := range o.PerClass {
			r := rand.New(rand.NewPCG(o.Seed, uint64(c)<<32|uint64(i)))
			img := Draw(Shapes[c], o.Size, r)
			name := fmt.Sprintf("%04d", i)
			if i%2 == 0 {
				err := write(filepath.Join(cd, name+".png"), func(f *bufio.Writer) error { return png.Encode(f, img) })
				if err != nil {
					return err
				}
				continue
			}
			q := 60 + r.IntN(36)
			err := write(filepath.Join(cd, name+".jpg"), func(f *bufio.Writer) error { return jpeg.Encode(f, img, &jpeg.Options{Quality: q}) })
			if err != nil {
				return err
			}
		}
	}
	return nil
}

func write(path string, enc func(*bufio.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	err = enc(w)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Draw renders one image of a class of Shapes.
func Draw(shape string, size int, r *rand.Rand) *image.RGBA {
	w := int(float64(size) * (0.8 + 0.45*r.Float64()))
	h := w
	if r.IntN(3) == 0 {
		h = int(float64(size) * (0.8 + 0.45*r.Float64()))
	}
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	bg0, bg1 := background(r), background(r)
	fg := hsv(r.Float64(), 0.6+0.4*r.Float64(), 0.65+0.35*r.Float64())
	side := float64(min(w, h))
	rad := side * (0.25 + 0.15*r.Float64())
	cx := float64(w)/2 + side*0.1*(2*r.Float64()-1)
	cy := float64(h)/2 + side*0.1*(2*r.Float64()-1)
	ang := (2*r.Float64() - 1) * 15 * math.Pi / 180
	cs, sn := math.Cos(ang), math.Sin(ang)
	gx, gy := r.Float64()*2-1, r.Float64()*2-1
	light := 0.7 + 0.6*r.Float64()
	noise := 4 + 8*r.Float64()
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			// 2x2 samples per pixel smooth the edges.
			cover := 0.0
			for _, s := range [4][2]float64{{0.25, 0.25}, {0.75, 0.25}, {0.25, 0.75}, {0.75, 0.75}} {
				dx, dy := (float64(x)+s[0]-cx)/rad, (float64(y)+s[1]-cy)/rad
				u, v := cs*dx+sn*dy, -sn*dx+cs*dy
				if inside(shape, u, v) {
					cover += 0.25
				}
			}
			t := 0.5 + 0.5*(gx*(float64(x)/float64(w)-0.5)+gy*(float64(y)/float64(h)-0.5))
			var px [3]uint8
			for k := range 3 {
				b := bg0[k]*(1-t) + bg1[k]*t
				v := (b*(1-cover) + fg[k]*cover) * light * 255
				px[k] = uint8(min(max(v+r.NormFloat64()*noise, 0), 255))
			}
			m.SetRGBA(x, y, color.RGBA{px[0], px[1], px[2], 255})
		}
	}
	return m
}

// background is a dim or pale, weakly saturated colour.
func background(r *rand.Rand) [3]float64 {
	v := 0.1 + 0.35*r.Float64()
	if r.IntN(2) == 0 {
		v = 0.7 + 0.25*r.Float64()
	}
	return hsv(r.Float64(), 0.3*r.Float64(), v)
}

// inside reports whether (u, v), in units of the shape's radius from its
// centre (v down), is inside the shape.
func inside(shape string, u, v float64) bool {
	au, av := math.Abs(u), math.Abs(v)
	box := au < 0.85 && av < 0.85
	switch shape {
	case "disc":
		return u*u+v*v < 1
	case "square":
		return au < 0.8 && av < 0.8
	case "triangle": // apex up
		return v > -0.85 && v < 0.8 && au < 0.55*(v+0.85)
	case "plus":
		return (au < 0.28 && av < 0.9) || (av < 0.28 && au < 0.9)
	case "ring":
		d := u*u + v*v
		return d < 1 && d > 0.36
	case "diamond":
		return au+av < 1
	case "hstripes":
		return box && int(math.Floor((v+0.85)*3))%2 == 0
	case "vstripes":
		return box && int(math.Floor((u+0.85)*3))%2 == 0
	case "checker":
		return box && (int(math.Floor((u+0.85)*2.4))+int(math.Floor((v+0.85)*2.4)))%2 == 0
	case "cross": // diagonal
		return math.Abs(au-av) < 0.3 && au < 0.85 && av < 0.85
	}
	return false
}

func hsv(h, s, v float64) [3]float64 {
	h = math.Mod(h, 1) * 6
	i := math.Floor(h)
	f := h - i
	p, q, t := v*(1-s), v*(1-s*f), v*(1-s*(1-f))
	switch int(i) {
	case 0:
		return [3]float64{v, t, p}
	case 1:
		return [3]float64{q, v, p}
	case 2:
		return [3]float64{p, v, t}
	case 3:
		return [3]float64{p, q, v}
	case 4:
		return [3]float64{t, p, v}
	}
	return [3]float64{v, p, q}
}
