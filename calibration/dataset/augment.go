package dataset

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// AugmentOptions bound the random affine changes Augment makes.
type AugmentOptions struct {
	MaxDegrees float64 // rotation, either way
	MaxShift   float64 // pixels, each axis
	MaxScale   float64 // relative, e.g. 0.1 for 0.9x..1.1x
}

// Augment returns s followed by copies of every image, each rotated,
// shifted and scaled a little about the image centre (bilinear sampling).
// Camera frames are never as upright and centred as MNIST; prototypes from
// such copies keep the k-NN robust to that. Deterministic for a seed.
func Augment(s *Set, copies int, o AugmentOptions, seed uint64) *Set {
	out := &Set{Shape: s.Shape, Classes: s.Classes}
	n, plane := s.Len(), s.Shape.H*s.Shape.W
	out.Images = make([]float32, 0, len(s.Images)*(copies+1))
	out.Labels = make([]int, 0, n*(copies+1))
	out.Images = append(out.Images, s.Images...)
	out.Labels = append(out.Labels, s.Labels...)
	rng := rand.New(rand.NewPCG(seed, 0xa06))
	buf := make([]float32, s.Shape.Len())
	for c := 0; c < copies; c++ {
		for i := 0; i < n; i++ {
			ang := (rng.Float64()*2 - 1) * o.MaxDegrees * math.Pi / 180
			sc := 1 + (rng.Float64()*2-1)*o.MaxScale
			dx, dy := (rng.Float64()*2-1)*o.MaxShift, (rng.Float64()*2-1)*o.MaxShift
			img := s.Image(i)
			for ch := 0; ch < s.Shape.C; ch++ {
				warp(buf[ch*plane:(ch+1)*plane], img[ch*plane:(ch+1)*plane], s.Shape.W, s.Shape.H, ang, sc, dx, dy)
			}
			out.Images = append(out.Images, buf...)
			out.Labels = append(out.Labels, s.Labels[i])
		}
	}
	return out
}

// warp samples src through the inverse of a rotation by ang and a scale
// by sc about the centre, followed by a shift of (dx, dy).
func warp(dst, src []float32, w, h int, ang, sc, dx, dy float64) {
	cx, cy := float64(w-1)/2, float64(h-1)/2
	cos, sin := math.Cos(ang)/sc, math.Sin(ang)/sc
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			ux, uy := float64(x)-cx-dx, float64(y)-cy-dy
			sx := cos*ux + sin*uy + cx
			sy := -sin*ux + cos*uy + cy
			dst[y*w+x] = bilinear(src, w, h, sx, sy)
		}
	}
}

func bilinear(src []float32, w, h int, x, y float64) float32 {
	x0, y0 := int(math.Floor(x)), int(math.Floor(y))
	fx, fy := float32(x-float64(x0)), float32(y-float64(y0))
	at := func(x, y int) float32 {
		if x < 0 || y < 0 || x >= w || y >= h {
			return 0
		}
		return src[y*w+x]
	}
	top := at(x0, y0)*(1-fx) + at(x0+1, y0)*fx
	bot := at(x0, y0+1)*(1-fx) + at(x0+1, y0+1)*fx
	return top*(1-fy) + bot*fy
}

// unitShifts are the one-pixel moves ShiftCopies makes, in order: the
// four axis moves, then the four diagonals.
var unitShifts = [][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {1, 1}, {-1, -1}, {1, -1}, {-1, 1}}

// MaxShiftCopies is the most copies ShiftCopies makes.
const MaxShiftCopies = 8

// ShiftCopies returns s followed by n (at most 8) copies of every image
// moved by one pixel, first along the axes, then diagonally, with zeros
// shifted in. As k-NN prototypes such copies make a small training set
// tolerate digits that sit a pixel off: the k-NN has no other way to
// learn that invariance.
func ShiftCopies(s *Set, n int) (*Set, error) {
	if n < 0 || n > MaxShiftCopies {
		return nil, fmt.Errorf("dataset: %d shifted copies (0..%d)", n, MaxShiftCopies)
	}
	out := &Set{Shape: s.Shape, Classes: s.Classes}
	out.Images = make([]float32, 0, len(s.Images)*(n+1))
	out.Labels = make([]int, 0, s.Len()*(n+1))
	out.Images = append(out.Images, s.Images...)
	out.Labels = append(out.Labels, s.Labels...)
	w, h, plane := s.Shape.W, s.Shape.H, s.Shape.H*s.Shape.W
	for _, d := range unitShifts[:n] {
		for i := 0; i < s.Len(); i++ {
			img := s.Image(i)
			for c := 0; c < s.Shape.C; c++ {
				src := img[c*plane : (c+1)*plane]
				start := len(out.Images)
				out.Images = append(out.Images, make([]float32, plane)...)
				dst := out.Images[start:]
				for y := max(0, d[1]); y < min(h, h+d[1]); y++ {
					for x := max(0, d[0]); x < min(w, w+d[0]); x++ {
						dst[y*w+x] = src[(y-d[1])*w+x-d[0]]
					}
				}
			}
			out.Labels = append(out.Labels, s.Labels[i])
		}
	}
	return out, nil
}
