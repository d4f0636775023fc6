package dataset

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/engine/preprocess"
)

func filled(w, h int, c color.RGBA) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(m.Pix); i += 4 {
		m.Pix[i], m.Pix[i+1], m.Pix[i+2], m.Pix[i+3] = c.R, c.G, c.B, 255
	}
	return m
}

func TestLoadScenes(t *testing.T) {
	root := t.TempDir()
	writeImage(t, filepath.Join(root, "red", "a.png"), filled(40, 20, color.RGBA{255, 0, 0, 255}))
	writeImage(t, filepath.Join(root, "red", "b.jpg"), filled(64, 64, color.RGBA{250, 0, 0, 255}))
	writeImage(t, filepath.Join(root, "blue", "a.png"), filled(16, 16, color.RGBA{0, 0, 255, 255}))
	os.WriteFile(filepath.Join(root, "blue", "broken.png"), []byte("\x89PNG\r\n\x1a\nnot really"), 0o644)
	os.WriteFile(filepath.Join(root, "blue", "notes.txt"), []byte("not an image"), 0o644)
	os.WriteFile(filepath.Join(root, "blue", ".hidden"), []byte("ignored"), 0o644)

	sc := preprocess.Scene{C: 3, H: 8, W: 8, Fit: preprocess.Letterbox}
	s, skipped, err := LoadScenes(root, SceneOptions{Scene: sc})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(s.Classes, ",") != "blue,red" || s.Len() != 3 || s.Shape != (nn.Shape{C: 3, H: 8, W: 8}) {
		t.Fatalf("classes %v, %d images of %v", s.Classes, s.Len(), s.Shape)
	}
	if len(skipped) != 2 || !strings.HasSuffix(skipped[0].Path, "broken.png") || !strings.HasSuffix(skipped[1].Path, "notes.txt") {
		t.Fatalf("skipped %v", skipped)
	}
	// blue/a.png is blue in the third plane only.
	if b := s.Image(0); b[0] > 0.05 || b[2*64] < 0.95 {
		t.Errorf("blue image: R %.2f B %.2f", b[0], b[2*64])
	}
	// The 40x20 red image is letterboxed: top row padding, middle red.
	if r := s.Image(1); r[0] != 0 || r[4*8+4] < 0.95 {
		t.Errorf("letterboxed red image: top %.2f middle %.2f", r[0], r[4*8+4])
	}

	gray, _, err := LoadScenes(root, SceneOptions{Scene: preprocess.Scene{C: 1, H: 4, W: 4, Fit: preprocess.Stretch}})
	if err != nil || gray.Shape.C != 1 || gray.Len() != 3 {
		t.Fatalf("gray: %v, %v", gray, err)
	}
}

func TestLoadScenesErrors(t *testing.T) {
	sc := SceneOptions{Scene: preprocess.Scene{C: 3, H: 8, W: 8}}
	root := t.TempDir()
	writeImage(t, filepath.Join(root, "only", "a.png"), filled(8, 8, color.RGBA{1, 2, 3, 255}))
	if _, _, err := LoadScenes(root, sc); err == nil || !strings.Contains(err.Error(), "at least 2") {
		t.Errorf("one class: %v", err)
	}
	os.MkdirAll(filepath.Join(root, "empty"), 0o755)
	if _, _, err := LoadScenes(root, sc); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty class folder: %v", err)
	}
	os.WriteFile(filepath.Join(root, "empty", "x.jpg"), []byte("junk"), 0o644)
	if _, _, err := LoadScenes(root, sc); err == nil || !strings.Contains(err.Error(), "no image that decodes") {
		t.Errorf("class of broken files: %v", err)
	}
	if _, _, err := LoadScenes(filepath.Join(root, "missing"), sc); err == nil {
		t.Error("missing folder accepted")
	}
	if _, _, err := LoadScenes(root, SceneOptions{Scene: preprocess.Scene{C: 2, H: 8, W: 8}}); err == nil {
		t.Error("two channels accepted")
	}
}

// A decompression bomb is skipped by the pixel limit, not decoded.
func TestLoadScenesPixelLimit(t *testing.T) {
	root := t.TempDir()
	writeImage(t, filepath.Join(root, "a", "small.png"), filled(8, 8, color.RGBA{255, 255, 255, 255}))
	writeImage(t, filepath.Join(root, "a", "big.png"), filled(200, 200, color.RGBA{255, 255, 255, 255}))
	writeImage(t, filepath.Join(root, "b", "small.png"), filled(8, 8, color.RGBA{0, 0, 0, 255}))
	s, skipped, err := LoadScenes(root, SceneOptions{Scene: preprocess.Scene{C: 1, H: 8, W: 8}, MaxPixels: 1000})
	if err != nil || s.Len() != 2 || len(skipped) != 1 || !strings.Contains(skipped[0].Err.Error(), "too large") {
		t.Fatalf("%d images, skipped %v, %v", s.Len(), skipped, err)
	}
}

func TestParseInput(t *testing.T) {
	for in, want := range map[string]nn.Shape{"32x32x3": {C: 3, H: 32, W: 32}, "28x28x1": {C: 1, H: 28, W: 28}, "48X64x3": {C: 3, H: 48, W: 64}} {
		if got, err := ParseInput(in); err != nil || got != want {
			t.Errorf("%s: %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "32x32", "3x32x32", "32x32x2", "0x32x3", "axbxc", "4096x4096x3"} {
		if _, err := ParseInput(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestStratify(t *testing.T) {
	s := &Set{Shape: nn.Shape{C: 1, H: 1, W: 1}, Classes: []string{"a", "b"}}
	for i := range 150 {
		l := 0
		if i >= 100 {
			l = 1
		}
		s.Images = append(s.Images, float32(i))
		s.Labels = append(s.Labels, l)
	}
	tr, va, te, err := s.Stratify(0.1, 0.2, 7)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(te.Counts(), []int{20, 10}) || !slices.Equal(va.Counts(), []int{10, 5}) || !slices.Equal(tr.Counts(), []int{70, 35}) {
		t.Fatalf("counts train %v val %v test %v", tr.Counts(), va.Counts(), te.Counts())
	}
	seen := map[float32]bool{}
	for _, p := range []*Set{tr, va, te} {
		for _, v := range p.Images {
			if seen[v] {
				t.Fatalf("image %v in two parts", v)
			}
			seen[v] = true
		}
	}
	_, _, te2, _ := s.Stratify(0.1, 0.2, 7)
	_, _, te3, _ := s.Stratify(0.1, 0.2, 8)
	if !slices.Equal(te.Images, te2.Images) || slices.Equal(te.Images, te3.Images) {
		t.Error("the split does not follow the seed")
	}
	small := s.Pick([]int{0, 1, 100, 101, 102})
	if _, _, _, err := small.Stratify(0.1, 0.2, 1); err == nil || !strings.Contains(err.Error(), "class a has 2 images") {
		t.Errorf("two images of a class: %v", err)
	}
	if _, _, _, err := s.Stratify(0.5, 0.5, 1); err == nil {
		t.Error("shares adding to 1 accepted")
	}
}

func TestNormalizeMatchesSceneImage(t *testing.T) {
	img := filled(12, 9, color.RGBA{200, 100, 30, 255})
	var buf bytes.Buffer
	png.Encode(&buf, img)
	root := t.TempDir()
	for _, c := range []string{"x", "y"} {
		os.MkdirAll(filepath.Join(root, c), 0o755)
		os.WriteFile(filepath.Join(root, c, "a.png"), buf.Bytes(), 0o644)
	}
	sc := preprocess.Scene{C: 3, H: 8, W: 8}
	s, _, err := LoadScenes(root, SceneOptions{Scene: sc})
	if err != nil {
		t.Fatal(err)
	}
	mean, scale := s.ChannelStats()
	s.Normalize(mean, scale)
	sc.Mean, sc.Scale = mean, scale
	want := make([]float32, 3*64)
	if _, err := preprocess.New().SceneImage(want, img, image.Rectangle{}, sc); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Image(0), want) {
		t.Error("a loaded and normalised image differs from the daemon's preprocessing")
	}
}
