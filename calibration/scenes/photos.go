package scenes

import (
	"errors"
	"fmt"
	"image"
	"image/draw"
	"os"
	"path/filepath"

	"github.com/sliced-ai/sliced/engine/imageio"
)

// Env names the variable that holds the folder of the photographs.
const Env = "SLICED_PHOTOS"

// TrainPhotos are the photographs the scene engine is trained on: people,
// objects, a street, microscopy, the sky, textures and print.
var TrainPhotos = []string{
	"astronaut.png", "coffee.png", "motorcycle_left.png", "hubble_deep_field.jpg",
	"ihc.png", "grass.png", "brick.png", "camera.png", "moon.png", "page.png", "text.png",
}

// HeldPhotos are never trained on: the states and backgrounds of the test
// scenes come from them.
var HeldPhotos = []string{"chelsea.png", "rocket.jpg", "retina.jpg", "gravel.png", "coins.png"}

// ErrNoPhotos says that the photographs are not installed.
var ErrNoPhotos = errors.New("scenes: no photographs: run `make deps-photos` or set " + Env + " to a folder of them")

// Dir is the folder that Env names, or ErrNoPhotos.
func Dir() (string, error) {
	d := os.Getenv(Env)
	if d == "" {
		return "", ErrNoPhotos
	}
	if _, err := os.Stat(filepath.Join(d, HeldPhotos[0])); err != nil {
		return "", fmt.Errorf("%w (%s has no %s)", ErrNoPhotos, d, HeldPhotos[0])
	}
	return d, nil
}

// Load decodes the named photographs of dir as RGBA images, gray ones
// too, through the project's image decoder.
func Load(dir string, names []string) ([]*image.RGBA, error) {
	out := make([]*image.RGBA, 0, len(names))
	for _, n := range names {
		f, err := os.Open(filepath.Join(dir, n))
		if err != nil {
			return nil, err
		}
		img, _, err := imageio.Decode(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		out = append(out, toRGBA(img))
	}
	return out, nil
}

func toRGBA(img image.Image) *image.RGBA {
	if m, ok := img.(*image.RGBA); ok && m.Rect.Min == (image.Point{}) {
		return m
	}
	b := img.Bounds()
	m := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(m, m.Rect, img, b.Min, draw.Src)
	return m
}
