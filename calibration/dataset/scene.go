package dataset

import (
	"fmt"
	"image"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/sliced-ai/sliced/engine/imageio"
	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/engine/preprocess"
)

// SceneOptions controls LoadScenes.
type SceneOptions struct {
	// Scene is the output: channels (1 gray, 3 RGB), size, fit and
	// normalisation, as the daemon's roi and whole-frame modes make it.
	Scene preprocess.Scene
	// MaxPixels is the decoder's pixel limit (0: imageio's default).
	MaxPixels int
}

// Skipped is a file of a class folder that LoadScenes could not use.
type Skipped struct {
	Path string
	Err  error
}

// LoadScenes reads a class-per-folder tree the way the daemon reads a
// frame: every subfolder of root is a class named after it (sorted by
// name), every file in it is decoded by engine/imageio (format sniffed,
// pixel limit, EXIF orientation) and the whole image is resized and
// normalised by engine/preprocess's SceneImage. Hidden files and folders
// are ignored. A file that is not a supported image, or is broken, is
// skipped and returned in the list, so one bad photo does not stop a
// build; a class folder left with no image, or fewer than two classes, is
// an error.
func LoadScenes(root string, opt SceneOptions) (*Set, []Skipped, error) {
	sc := opt.Scene
	if sc.C != 1 && sc.C != 3 {
		return nil, nil, fmt.Errorf("dataset: %d channels, want 1 (gray) or 3 (RGB)", sc.C)
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, nil, err
	}
	type job struct {
		path  string
		label int
	}
	var jobs []job
	s := &Set{Shape: nn.Shape{C: sc.C, H: sc.H, W: sc.W}}
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		files, err := classFiles(filepath.Join(root, e.Name()))
		if err != nil {
			return nil, nil, err
		}
		if len(files) == 0 {
			return nil, nil, fmt.Errorf("dataset: class folder %s has no files", filepath.Join(root, e.Name()))
		}
		for _, f := range files {
			jobs = append(jobs, job{f, len(s.Classes)})
		}
		s.Classes = append(s.Classes, e.Name())
	}
	if len(s.Classes) < 2 {
		return nil, nil, fmt.Errorf("dataset: %s has %d class folders, want at least 2 (one subfolder of images per class)", root, len(s.Classes))
	}
	n := s.Shape.Len()
	if n <= 0 {
		return nil, nil, fmt.Errorf("dataset: image shape %v", s.Shape)
	}
	images := make([]float32, len(jobs)*n)
	errs := make([]error, len(jobs))
	dec := imageio.Decoder{MaxPixels: opt.MaxPixels}
	workers := min(runtime.GOMAXPROCS(0), len(jobs))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := preprocess.New()
			for i := w; i < len(jobs); i += workers {
				errs[i] = loadScene(p, dec, images[i*n:(i+1)*n], jobs[i].path, sc)
			}
		}()
	}
	wg.Wait()
	var skipped []Skipped
	kept := make([]int, len(s.Classes))
	for i, j := range jobs {
		if errs[i] != nil {
			skipped = append(skipped, Skipped{Path: j.path, Err: errs[i]})
			continue
		}
		s.Images = append(s.Images, images[i*n:(i+1)*n]...)
		s.Labels = append(s.Labels, j.label)
		kept[j.label]++
	}
	for c, k := range kept {
		if k == 0 {
			return nil, skipped, fmt.Errorf("dataset: class folder %s has no image that decodes", filepath.Join(root, s.Classes[c]))
		}
	}
	return s, skipped, s.Validate()
}

// classFiles lists the regular, non-hidden files of dir, sorted.
func classFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	return out, nil
}

func loadScene(p *preprocess.Preprocessor, dec imageio.Decoder, dst []float32, path string, sc preprocess.Scene) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	img, _, err := dec.Decode(f)
	if err != nil {
		return err
	}
	_, err = p.SceneImage(dst, img, image.Rectangle{}, sc)
	return err
}

// ParseInput reads an input shape written HxWxC, height by width by
// channels as in 32x32x3 or 28x28x1; C is 1 (gray) or 3 (RGB).
func ParseInput(s string) (nn.Shape, error) {
	parts := strings.Split(strings.ToLower(strings.TrimSpace(s)), "x")
	if len(parts) != 3 {
		return nn.Shape{}, fmt.Errorf("input %q: want HxWxC, e.g. 32x32x3 (RGB) or 28x28x1 (gray)", s)
	}
	var v [3]int
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return nn.Shape{}, fmt.Errorf("input %q: want HxWxC with positive whole numbers, e.g. 32x32x3", s)
		}
		v[i] = n
	}
	if v[2] != 1 && v[2] != 3 {
		return nn.Shape{}, fmt.Errorf("input %q: %d channels, want 1 (gray) or 3 (RGB)", s, v[2])
	}
	if v[0] > 1024 || v[1] > 1024 {
		return nn.Shape{}, fmt.Errorf("input %q: larger than 1024x1024", s)
	}
	return nn.Shape{C: v[2], H: v[0], W: v[1]}, nil
}
