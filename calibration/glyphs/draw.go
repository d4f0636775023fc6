package glyphs

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/sliced-ai/sliced/engine/preprocess"
)

// Side is the side of the canvas a glyph is drawn on before preprocessing.
const Side = 96

// Options bound the random changes a glyph gets.
type Options struct {
	MaxAngle float64 // rotation, degrees either way
	MaxShear float64 // horizontal shear factor either way
	MaxBold  int     // extra stroke width in canvas pixels, drawn from [0, MaxBold]
}

// DefaultOptions: ±10°, shear ±0.2, up to 3 pixels bolder.
func DefaultOptions() Options { return Options{MaxAngle: 10, MaxShear: 0.2, MaxBold: 3} }

// ErrNoInk means a glyph drew nothing (a space, or a rune the font lacks).
var ErrNoInk = errors.New("glyphs: the glyph has no ink")

// Draw renders r in the named font, dark on light, on a Side x Side canvas.
func Draw(r rune, fontName string, seed uint64, o Options) (*image.Gray, error) {
	f, err := parse(fontName)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x9197_4a5e))
	uni := func(lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }
	size := uni(44, 60)
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil, fmt.Errorf("glyphs: %s: %w", fontName, err)
	}
	defer face.Close()
	if _, ok := face.GlyphAdvance(r); !ok {
		return nil, fmt.Errorf("glyphs: %s has no %q", fontName, r)
	}
	// Ink as coverage in [0, 1], centred by the glyph's bounds.
	cov := image.NewAlpha(image.Rect(0, 0, Side, Side))
	b, _ := font.BoundString(face, string(r))
	w, h := (b.Max.X - b.Min.X).Ceil(), (b.Max.Y - b.Min.Y).Ceil()
	dot := fixed.P((Side-w)/2, (Side-h)/2).Sub(b.Min)
	d := &font.Drawer{Dst: cov, Src: image.NewUniform(color.Alpha{255}), Face: face, Dot: dot}
	d.DrawString(string(r))
	ink := make([]float64, Side*Side)
	inked := false
	for i, a := range cov.Pix {
		ink[i] = float64(a) / 255
		inked = inked || a > 0
	}
	if !inked {
		return nil, ErrNoInk
	}
	ink = bolden(ink, rng.IntN(o.MaxBold+1))
	ink = warp(ink, uni(-o.MaxAngle, o.MaxAngle)*math.Pi/180, uni(-o.MaxShear, o.MaxShear))
	g := image.NewGray(image.Rect(0, 0, Side, Side))
	for i, a := range ink {
		g.Pix[i] = uint8(math.Round(235 - 215*min(a, 1)))
	}
	return g, nil
}

// MNIST draws r and preprocesses it into a 28x28 tensor the way a camera
// frame is: bright ink on dark, fitted in 20x20, centred by mass.
func MNIST(r rune, fontName string, seed uint64, o Options) ([]float32, error) {
	g, err := Draw(r, fontName, seed, o)
	if err != nil {
		return nil, err
	}
	// Drawn on a larger white page, so that preprocessing sees a frame
	// (not an MNIST-sized image) with paper around the glyph.
	page := image.NewGray(image.Rect(0, 0, 2*Side, 2*Side))
	draw.Draw(page, page.Bounds(), image.NewUniform(color.Gray{235}), image.Point{}, draw.Src)
	draw.Draw(page, image.Rect(Side/2, Side/2, 3*Side/2, 3*Side/2), g, image.Point{}, draw.Src)
	t := make([]float32, 28*28)
	info, err := preprocess.New().Image(t, page)
	if err != nil {
		return nil, err
	}
	if info.Empty {
		return nil, ErrNoInk
	}
	return t, nil
}

// bolden widens strokes by n pixels: a max filter over a (n+1)-wide box.
func bolden(ink []float64, n int) []float64 {
	for ; n > 0; n-- {
		out := make([]float64, len(ink))
		for y := 0; y < Side; y++ {
			for x := 0; x < Side; x++ {
				v := ink[y*Side+x]
				if x+1 < Side {
					v = max(v, ink[y*Side+x+1])
				}
				if y+1 < Side {
					v = max(v, ink[(y+1)*Side+x])
				}
				out[y*Side+x] = v
			}
		}
		ink = out
	}
	return ink
}

// warp rotates by ang and shears by sh about the centre, bilinear.
func warp(ink []float64, ang, sh float64) []float64 {
	out := make([]float64, len(ink))
	sin, cos := math.Sincos(ang)
	c := float64(Side) / 2
	for y := 0; y < Side; y++ {
		for x := 0; x < Side; x++ {
			// Inverse map: undo the rotation, then the shear.
			ux, uy := float64(x)+0.5-c, float64(y)+0.5-c
			rx, ry := ux*cos+uy*sin, -ux*sin+uy*cos
			rx -= sh * ry
			out[y*Side+x] = sample(ink, rx+c-0.5, ry+c-0.5)
		}
	}
	return out
}

func sample(ink []float64, x, y float64) float64 {
	x0, y0 := math.Floor(x), math.Floor(y)
	fx, fy := x-x0, y-y0
	at := func(i, j int) float64 {
		if i < 0 || j < 0 || i >= Side || j >= Side {
			return 0
		}
		return ink[j*Side+i]
	}
	i, j := int(x0), int(y0)
	return (1-fy)*((1-fx)*at(i, j)+fx*at(i+1, j)) + fy*((1-fx)*at(i, j+1)+fx*at(i+1, j+1))
}
