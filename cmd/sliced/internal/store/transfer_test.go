package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/enrolfile"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

// stateFiles reads every file of a state directory.
func stateFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out[p], _ = os.ReadFile(p)
		}
		return nil
	})
	return out
}

func sameFiles(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !bytes.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

func TestExportImport(t *testing.T) {
	a := openFixture(t, t.TempDir())
	a.Add("seven bis", examples(7))
	a.Add("one bis", examples(1))
	a.Remove("3") // a base class: removed, not exported
	f, err := a.Export()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range f.Classes {
		got = append(got, c.Name)
	}
	if !slices.Equal(got, []string{"seven bis", "one bis"}) {
		t.Fatalf("exported %v", got)
	}
	// Restarted, the store still knows which classes were enrolled.
	again := openFixture(t, filepath.Dir(a.Path()))
	if g, _ := again.Export(); len(g.Classes) != 2 {
		t.Fatalf("export after a restart: %d classes", len(g.Classes))
	}

	dir := t.TempDir()
	b := openFixture(t, dir)
	added, err := b.Import(f)
	if err != nil || !slices.Equal(added, got) || b.Version() != 2 {
		t.Fatalf("import: %v %v, version %d", added, err, b.Version())
	}
	if c := b.Classes(); c[10] != (Class{"seven bis", 3}) || c[11] != (Class{"one bis", 3}) {
		t.Fatalf("classes after import: %v", c)
	}
	// The imported classes answer as where they were enrolled.
	sa, _ := a.Engine().NewSession()
	sb, _ := b.Engine().NewSession()
	for _, ex := range append(examples(7), examples(1)...) {
		pa, _ := sa.Classify(ex)
		pb, _ := sb.Classify(ex)
		if pa.Class != pb.Class || pa.Score != pb.Score {
			t.Fatalf("%s %v where enrolled, %s %v imported", pa.Class, pa.Score, pb.Class, pb.Score)
		}
	}

	// Refused imports change nothing.
	before, files := b.Engine(), stateFiles(t, dir)
	var ex *enrolfile.ExistsError
	if _, err := b.Import(f); !errors.As(err, &ex) {
		t.Fatalf("importing twice: %v", err)
	}
	other, err := Open(Sources{StateDir: t.TempDir(), Default: func() (*engine.Engine, error) { return fixture.Engine(models.B, 2), nil }})
	if err != nil {
		t.Fatal(err)
	}
	g, _ := other.Export() // the same classes, for other conv weights
	g.Classes = f.Classes
	var mm *enrolfile.MismatchError
	if _, err := b.Import(g); !errors.As(err, &mm) || mm.What != "conv stack" {
		t.Fatalf("another engine's file: %v", err)
	}
	if _, err := b.Import(&enrolfile.File{Identity: f.Identity}); !errors.Is(err, enrolfile.ErrEmpty) {
		t.Fatalf("an empty file: %v", err)
	}
	if b.Engine() != before || b.Version() != 2 || !sameFiles(files, stateFiles(t, dir)) {
		t.Fatal("a refused import changed the store")
	}
}

func TestFullCNNHasNothingToExport(t *testing.T) {
	s, err := Open(Sources{StateDir: t.TempDir(), Default: func() (*engine.Engine, error) { return fixture.FullCNN(models.B, 1), nil }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Export(); !errors.Is(err, ErrNotSliced) {
		t.Fatalf("export: %v", err)
	}
	if _, err := s.Import(&enrolfile.File{}); !errors.Is(err, ErrNotSliced) {
		t.Fatalf("import: %v", err)
	}
}
