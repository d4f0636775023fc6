package scenes

import (
	"fmt"
	"image"
	"image/draw"
	"math/rand/v2"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/engine/preprocess"
)

// Patch is one region of one photograph: an instance class.
type Patch struct {
	Photo int
	Rect  image.Rectangle
}

// Patches draws n regions of the photos, 32 to 200 pixels a side with
// aspects from 2:3 to 3:2, clear of the edges by 5 % so that a shifted
// view stays inside.
func Patches(photos []*image.RGBA, n int, seed uint64) []Patch {
	rng := rand.New(rand.NewPCG(seed, 0x9a7c4e5))
	out := make([]Patch, 0, n)
	for len(out) < n {
		i := rng.IntN(len(photos))
		b := photos[i].Rect
		w := 32 + rng.IntN(169)
		h := int(float64(w) * (2.0/3 + rng.Float64()*(3.0/2-2.0/3)))
		mx, my := w/20+1, h/20+1
		if w+2*mx > b.Dx() || h+2*my > b.Dy() {
			continue
		}
		x := mx + rng.IntN(b.Dx()-w-2*mx+1)
		y := my + rng.IntN(b.Dy()-h-2*my+1)
		out = append(out, Patch{Photo: i, Rect: image.Rect(x, y, x+w, y+h)})
	}
	return out
}

// View renders what a camera gives of patch p under look l: the region
// shifted, lit, noisy and JPEG-compressed.
func View(photos []*image.RGBA, p Patch, l Look, rng *rand.Rand) (image.Image, error) {
	r := p.Rect.Add(l.Shift).Intersect(photos[p.Photo].Rect)
	m := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Draw(m, m.Rect, photos[p.Photo], r.Min, draw.Src)
	l.Light(m, rng)
	return l.JPEG(m)
}

// Instances is a training set of perClass views of every patch, its
// classes the patches, each view preprocessed as scene s says.
func Instances(photos []*image.RGBA, patches []Patch, perClass int, s preprocess.Scene, seed uint64) (*dataset.Set, error) {
	shape := nn.Shape{C: s.C, H: s.H, W: s.W}
	n := shape.Len()
	set := &dataset.Set{Shape: shape, Images: make([]float32, len(patches)*perClass*n)}
	for c := range patches {
		set.Classes = append(set.Classes, fmt.Sprintf("patch-%d", c))
	}
	pre := preprocess.New()
	rng := rand.New(rand.NewPCG(seed, 0x1257a9ce))
	k := 0
	for j := 0; j < perClass; j++ {
		for c, p := range patches {
			img, err := View(photos, p, Jitter(rng, p.Rect.Dx(), p.Rect.Dy()), rng)
			if err != nil {
				return nil, err
			}
			if _, err := pre.SceneImage(set.Images[k*n:(k+1)*n], img, image.Rectangle{}, s); err != nil {
				return nil, err
			}
			set.Labels = append(set.Labels, c)
			k++
		}
	}
	return set, set.Validate()
}
