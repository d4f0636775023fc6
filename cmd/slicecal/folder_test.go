package main

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/engine"
)

// TestTrainOnFolder trains on a class-per-folder tree of dark bars on
// white paper (horizontal or vertical) and scores the result on it.
func TestTrainOnFolder(t *testing.T) {
	root := filepath.Join(t.TempDir(), "bars")
	for _, class := range []string{"horizontal", "vertical"} {
		dir := filepath.Join(root, class)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for i := range 24 {
			img := image.NewGray(image.Rect(0, 0, 56, 56))
			for j := range img.Pix {
				img.Pix[j] = 255
			}
			p := 10 + i*32/24
			for a := 8; a < 48; a++ {
				for w := range 4 {
					if class == "horizontal" {
						img.SetGray(a, p+w, color.Gray{20})
					} else {
						img.SetGray(p+w, a, color.Gray{20})
					}
				}
			}
			f, err := os.Create(filepath.Join(dir, string(rune('a'+i))+".png"))
			if err != nil {
				t.Fatal(err)
			}
			png.Encode(f, img)
			f.Close()
		}
	}
	out := filepath.Join(t.TempDir(), "bars.slc")
	args := []string{"train", "--topology", "B", "--hidden", "16", "--epochs", "3", "--batch", "16",
		"--lr", "0.003", "--folder", root, "--out", out, "--quiet"}
	if code := run(args); code != 0 {
		t.Fatalf("train exited %d", code)
	}
	e, err := engine.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if e.Name != "bars-B16" || len(e.Classes) != 2 || e.Classes[0] != "horizontal" {
		t.Errorf("engine %q with classes %v", e.Name, e.Classes)
	}
	set, err := dataset.LoadFolder(root, dataset.FolderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if correct, err := scoreEngine(e, set, 1); err != nil || correct < 44 {
		t.Errorf("%d of 48 training images right, %v", correct, err)
	}
	if code := run([]string{"eval", "--engine", out, "--folder", root}); code != 0 {
		t.Errorf("eval exited %d", code)
	}
}
