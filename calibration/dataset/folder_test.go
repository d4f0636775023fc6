package dataset

import (
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeImage(t *testing.T, path string, img image.Image) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if strings.HasSuffix(path, ".png") {
		err = png.Encode(f, img)
	} else {
		err = jpeg.Encode(f, img, &jpeg.Options{Quality: 95})
	}
	if err != nil {
		t.Fatal(err)
	}
}

// square is a w x w image with a bright centre block on a dark ground, or
// the reverse when inverted.
func square(w int, inverted bool) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, w))
	for y := 0; y < w; y++ {
		for x := 0; x < w; x++ {
			in := x >= w/4 && x < 3*w/4 && y >= w/4 && y < 3*w/4
			if in != inverted {
				img.Set(x, y, color.RGBA{255, 255, 255, 255})
			} else {
				img.Set(x, y, color.RGBA{0, 0, 0, 255})
			}
		}
	}
	return img
}

func TestLoadFolder(t *testing.T) {
	root := t.TempDir()
	writeImage(t, filepath.Join(root, "cat", "a.png"), square(56, false))
	writeImage(t, filepath.Join(root, "cat", "b.jpg"), square(100, true)) // dark on light: inverted back
	writeImage(t, filepath.Join(root, "ant", "x.png"), square(28, false))
	os.WriteFile(filepath.Join(root, "ant", "notes.txt"), []byte("skip me"), 0o644)
	os.MkdirAll(filepath.Join(root, "empty"), 0o755)

	s, err := LoadFolder(root, FolderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(s.Classes, ",") != "ant,cat" || s.Len() != 3 {
		t.Fatalf("classes %v, %d images", s.Classes, s.Len())
	}
	if s.Shape.C != 1 || s.Shape.H != 28 || s.Shape.W != 28 {
		t.Fatalf("shape %v", s.Shape)
	}
	for i := range s.Len() {
		img := s.Image(i)
		corner, centre := img[0], img[14*28+14]
		if corner > 0.1 || centre < 0.9 {
			t.Errorf("image %d (class %s): corner %.2f, centre %.2f; want dark ground, bright middle", i, s.Classes[s.Labels[i]], corner, centre)
		}
	}
	keep, err := LoadFolder(root, FolderOptions{Size: 14, Polarity: KeepPolarity})
	if err != nil {
		t.Fatal(err)
	}
	if keep.Shape.H != 14 || keep.Image(2)[0] < 0.9 {
		t.Errorf("KeepPolarity: shape %v, corner of the inverted image %.2f", keep.Shape, keep.Image(2)[0])
	}
}

func TestLoadFolderErrors(t *testing.T) {
	root := t.TempDir()
	if _, err := LoadFolder(root, FolderOptions{}); err == nil || !strings.Contains(err.Error(), "no subfolders") {
		t.Errorf("empty tree: %v", err)
	}
	os.MkdirAll(filepath.Join(root, "x"), 0o755)
	os.WriteFile(filepath.Join(root, "x", "bad.png"), []byte("not a png"), 0o644)
	if _, err := LoadFolder(root, FolderOptions{}); err == nil || !strings.Contains(err.Error(), "bad.png") {
		t.Errorf("undecodable image: %v", err)
	}
	if _, err := LoadFolder(filepath.Join(root, "missing"), FolderOptions{}); err == nil {
		t.Error("missing folder accepted")
	}
}
