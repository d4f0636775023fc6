package dataset

import (
	"fmt"
	"image"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/image/draw"

	"github.com/sliced-ai/sliced/engine/imageio"
	"github.com/sliced-ai/sliced/engine/nn"
)

// Polarity says how LoadFolder treats light and dark. MNIST digits are
// light strokes on a dark background.
type Polarity int

const (
	// AutoPolarity inverts an image whose border is brighter than its
	// middle on average (dark ink on light paper), so every image ends up
	// MNIST-like.
	AutoPolarity Polarity = iota
	KeepPolarity
	InvertPolarity
)

// FolderOptions controls LoadFolder.
type FolderOptions struct {
	Size     int // output side in pixels; 0 means 28
	Polarity Polarity
}

// LoadFolder reads a class-per-folder tree: every subfolder of root is a
// class named after it (sorted by name), holding PNG or JPEG images. Each
// image is turned grey, resized to Size x Size (Catmull-Rom) and scaled to
// [0, 1]. Images are decoded by engine/imageio (pixel limit, EXIF
// orientation), as the daemon decodes them. Files that are not named .png,
// .jpg or .jpeg are skipped; an image that fails to decode is an error
// naming it. LoadScenes is the loader for colour and scene inputs.
func LoadFolder(root string, opt FolderOptions) (*Set, error) {
	size := opt.Size
	if size == 0 {
		size = 28
	}
	if size < 1 || size > 4096 {
		return nil, fmt.Errorf("dataset: image size %d", size)
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	s := &Set{Shape: nn.Shape{C: 1, H: size, W: size}}
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		files, err := imageFiles(filepath.Join(root, e.Name()))
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			continue
		}
		label := len(s.Classes)
		s.Classes = append(s.Classes, e.Name())
		for _, f := range files {
			px, err := loadGray(f, size, opt.Polarity)
			if err != nil {
				return nil, err
			}
			s.Images = append(s.Images, px...)
			s.Labels = append(s.Labels, label)
		}
	}
	if len(s.Classes) == 0 {
		return nil, fmt.Errorf("dataset: %s has no subfolders with PNG or JPEG images", root)
	}
	return s, s.Validate()
}

func imageFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".png", ".jpg", ".jpeg":
			if !e.IsDir() {
				out = append(out, filepath.Join(dir, e.Name()))
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

func loadGray(path string, size int, pol Polarity) ([]float32, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src, _, err := imageio.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: %w", path, err)
	}
	dst := image.NewGray(image.Rect(0, 0, size, size))
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
	px := make([]float32, size*size)
	for i, v := range dst.Pix[:size*size] {
		px[i] = float32(v) / 255
	}
	if pol == InvertPolarity || (pol == AutoPolarity && borderBrighter(px, size)) {
		for i, v := range px {
			px[i] = 1 - v
		}
	}
	return px, nil
}

// borderBrighter compares the mean of the outermost ring of pixels with the
// mean of the whole image.
func borderBrighter(px []float32, size int) bool {
	var edge, all float64
	n := 0
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			v := float64(px[y*size+x])
			all += v
			if y == 0 || x == 0 || y == size-1 || x == size-1 {
				edge += v
				n++
			}
		}
	}
	return edge/float64(n) > all/float64(size*size)
}
