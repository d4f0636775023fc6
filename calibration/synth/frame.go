package synth

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
)

// Side is the side of an MNIST digit in pixels.
const Side = 28

// Options shape the frames. DefaultOptions gives the camera-like frames of
// the accuracy target.
type Options struct {
	Width, Height          int     // frame size in pixels
	MinScale, MaxScale     float64 // digit size, in multiples of the 28-pixel MNIST square
	MaxAngle               float64 // rotation, degrees either way
	MinQuality, MaxQuality int     // JPEG quality range
	MaxNoise               float64 // Gaussian noise sigma in gray levels, drawn from [MaxNoise/4, MaxNoise]
	MaxGradient            float64 // lighting falls off by up to this fraction across the frame
}

// DefaultOptions: 640x480 frames, 3-10x, ±10°, noise up to 6 gray levels,
// up to 35 % lighting falloff, JPEG quality 60-95.
func DefaultOptions() Options {
	return Options{
		Width: 640, Height: 480,
		MinScale: 3, MaxScale: 10,
		MaxAngle:   10,
		MinQuality: 60, MaxQuality: 95,
		MaxNoise:    6,
		MaxGradient: 0.35,
	}
}

// Validate checks that a digit at the largest scale and angle fits.
func (o Options) Validate() error {
	switch {
	case o.Width <= 0 || o.Height <= 0:
		return fmt.Errorf("synth: frame size %dx%d", o.Width, o.Height)
	case o.MinScale <= 0 || o.MaxScale < o.MinScale:
		return fmt.Errorf("synth: scale range [%g, %g]", o.MinScale, o.MaxScale)
	case o.MaxAngle < 0 || o.MaxAngle > 45:
		return fmt.Errorf("synth: angle %g outside [0, 45] degrees", o.MaxAngle)
	case o.MinQuality < 1 || o.MaxQuality > 100 || o.MaxQuality < o.MinQuality:
		return fmt.Errorf("synth: JPEG quality range [%d, %d]", o.MinQuality, o.MaxQuality)
	case o.MaxNoise < 0 || o.MaxGradient < 0 || o.MaxGradient >= 1:
		return fmt.Errorf("synth: noise %g or gradient %g out of range", o.MaxNoise, o.MaxGradient)
	}
	if span := Side * o.MaxScale * rotExtent(o.MaxAngle); span > float64(min(o.Width, o.Height)) {
		return fmt.Errorf("synth: a digit at scale %g (%.0f pixels rotated) does not fit a %dx%d frame", o.MaxScale, span, o.Width, o.Height)
	}
	return nil
}

// rotExtent is how much wider a square gets rotated by up to deg degrees.
func rotExtent(deg float64) float64 {
	a := deg * math.Pi / 180
	return math.Abs(math.Cos(a)) + math.Abs(math.Sin(a))
}

// Frame is one rendered frame and how it was made.
type Frame struct {
	Image   *image.RGBA
	Label   int
	Box     image.Rectangle // bounds of the rotated digit square in the frame
	Scale   float64         // digit size / 28
	Angle   float64         // degrees
	Quality int             // JPEG quality chosen for this frame
}

// ErrDigit means the digit is not 28*28 values.
var ErrDigit = errors.New("synth: a digit must be 28*28 values in [0, 1]")

// Draw renders digit (28*28 values in [0, 1], ink bright as in MNIST) on
// simulated paper. The same digit, seed and options give the same frame.
func Draw(digit []float32, label int, seed uint64, o Options) (Frame, error) {
	if len(digit) != Side*Side {
		return Frame{}, ErrDigit
	}
	if err := o.Validate(); err != nil {
		return Frame{}, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x51ced_f4a3e))
	sc := newScene(rng, o)
	return sc.draw(digit, label, o, rng, 0, 0), nil
}

// scene is everything about a frame except its sensor noise, so that a
// video can show one scene in many noisy, slightly moving frames.
type scene struct {
	scale, angle, half, cx, cy float64
	paper, ink                 float64
	tint                       [3]float64
	grad, gx, gy               float64
	sigma                      float64
	quality                    int
	tex                        texture
}

func newScene(rng *rand.Rand, o Options) scene {
	uni := func(lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }
	var s scene
	s.scale = uni(o.MinScale, o.MaxScale)
	s.angle = uni(-o.MaxAngle, o.MaxAngle)
	s.half = Side * s.scale * rotExtent(s.angle) / 2
	s.cx = uni(s.half, float64(o.Width)-s.half)
	s.cy = uni(s.half, float64(o.Height)-s.half)
	s.paper = uni(170, 235)
	s.ink = uni(15, 60)
	s.tint = [3]float64{1, uni(0.94, 1), uni(0.82, 0.98)} // warm light
	s.grad = uni(0, o.MaxGradient)
	dir := uni(0, 2*math.Pi)
	s.gx, s.gy = math.Cos(dir), math.Sin(dir)
	s.sigma = uni(o.MaxNoise/4, o.MaxNoise)
	s.quality = o.MinQuality + rng.IntN(o.MaxQuality-o.MinQuality+1)
	s.tex = newTexture(rng, o.Width, o.Height, 24, 4)
	return s
}

// draw renders the scene with the digit moved by (dx, dy) pixels (kept
// inside the frame) and noise drawn from rng.
func (s scene) draw(digit []float32, label int, o Options, rng *rand.Rand, dx, dy float64) Frame {
	w, h := o.Width, o.Height
	cx := min(max(s.cx+dx, s.half), float64(w)-s.half)
	cy := min(max(s.cy+dy, s.half), float64(h)-s.half)
	// The light runs from 1 to 1-grad along (gx, gy) across the frame.
	proj := func(x, y float64) float64 { return x*s.gx + y*s.gy }
	fw, fh := float64(w), float64(h)
	p0 := min(proj(0, 0), proj(fw, 0), proj(0, fh), proj(fw, fh))
	p1 := max(proj(0, 0), proj(fw, 0), proj(0, fh), proj(fw, fh))

	sin, cos := math.Sincos(s.angle * math.Pi / 180)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	box := image.Rect(int(cx-s.half), int(cy-s.half), int(math.Ceil(cx+s.half)), int(math.Ceil(cy+s.half)))
	for y := 0; y < h; y++ {
		row := img.Pix[y*img.Stride:]
		for x := 0; x < w; x++ {
			fx, fy := float64(x)+0.5, float64(y)+0.5
			light := 1 - s.grad*(proj(fx, fy)-p0)/(p1-p0)
			a := 0.0
			if image.Pt(x, y).In(box) {
				// Inverse rotation into digit coordinates.
				ux, uy := fx-cx, fy-cy
				u := (ux*cos+uy*sin)/s.scale + Side/2
				v := (-ux*sin+uy*cos)/s.scale + Side/2
				a = bilinear(digit, u-0.5, v-0.5)
			}
			refl := s.paper*(1-a) + s.ink*a + s.tex.at(x, y)
			n := rng.NormFloat64() * s.sigma
			for c := 0; c < 3; c++ {
				row[4*x+c] = clamp8(refl*light*s.tint[c] + n)
			}
			row[4*x+3] = 255
		}
	}
	return Frame{Image: img, Label: label, Box: box.Intersect(img.Rect), Scale: s.scale, Angle: s.angle, Quality: s.quality}
}

// Render draws a frame and compresses it as JPEG at the frame's quality.
func Render(digit []float32, label int, seed uint64, o Options) (Frame, []byte, error) {
	f, err := Draw(digit, label, seed, o)
	if err != nil {
		return Frame{}, nil, err
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, f.Image, &jpeg.Options{Quality: f.Quality}); err != nil {
		return Frame{}, nil, err
	}
	return f, buf.Bytes(), nil
}

// bilinear samples a 28x28 digit at (x, y) in pixel-centre coordinates,
// zero outside.
func bilinear(d []float32, x, y float64) float64 {
	if x <= -1 || y <= -1 || x >= Side || y >= Side {
		return 0
	}
	x0, y0 := int(math.Floor(x)), int(math.Floor(y))
	tx, ty := x-float64(x0), y-float64(y0)
	at := func(i, j int) float64 {
		if i < 0 || j < 0 || i >= Side || j >= Side {
			return 0
		}
		return float64(d[j*Side+i])
	}
	top := at(x0, y0)*(1-tx) + at(x0+1, y0)*tx
	bot := at(x0, y0+1)*(1-tx) + at(x0+1, y0+1)*tx
	return top*(1-ty) + bot*ty
}

func clamp8(v float64) uint8 {
	if v <= 0 {
		return 0
	}
	if v >= 255 {
		return 255
	}
	return uint8(v + 0.5)
}

// texture is smooth value noise: random values on a coarse grid,
// interpolated, like the fibres and unevenness of paper.
type texture struct {
	cell, gw int
	v        []float64
}

func newTexture(rng *rand.Rand, w, h, cell int, amp float64) texture {
	gw, gh := w/cell+2, h/cell+2
	t := texture{cell: cell, gw: gw, v: make([]float64, gw*gh)}
	for i := range t.v {
		t.v[i] = (rng.Float64()*2 - 1) * amp
	}
	return t
}

func (t texture) at(x, y int) float64 {
	i, j := x/t.cell, y/t.cell
	tx := float64(x%t.cell) / float64(t.cell)
	ty := float64(y%t.cell) / float64(t.cell)
	v := t.v
	top := v[j*t.gw+i]*(1-tx) + v[j*t.gw+i+1]*tx
	bot := v[(j+1)*t.gw+i]*(1-tx) + v[(j+1)*t.gw+i+1]*tx
	return top*(1-ty) + bot*ty
}
