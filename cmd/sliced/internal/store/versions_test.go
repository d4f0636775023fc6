package store

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

func names(s *Store) []string {
	var n []string
	for _, c := range s.Classes() {
		n = append(n, c.Name)
	}
	return n
}

func versionFiles(t *testing.T, dir string) []string {
	t.Helper()
	ents, _ := os.ReadDir(filepath.Join(dir, VersionsDir))
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

func want(t *testing.T, s *Store, version int, previous []int, classes int) {
	t.Helper()
	if s.Version() != version || !slices.Equal(s.Previous(), previous) || len(s.Classes()) != classes {
		t.Fatalf("version %d, previous %v, %d classes; want %d, %v, %d", s.Version(), s.Previous(), len(s.Classes()), version, previous, classes)
	}
}

func TestVersionsRollbackAndRestart(t *testing.T) {
	dir := t.TempDir()
	s := openFixture(t, dir)
	want(t, s, 1, nil, 10)
	old := s.Engine()
	if _, err := s.Rollback(); !errors.Is(err, ErrNoRollback) {
		t.Fatalf("rollback of the first version: %v", err)
	}
	if s.Engine() != old || s.Version() != 1 || fileExists(filepath.Join(dir, VersionsFile)) || fileExists(s.Path()) {
		t.Fatal("a refused rollback changed something")
	}
	s.Add("A", examples(1))
	s.Add("B", examples(2))
	s.Remove("A")
	want(t, s, 4, []int{1, 2, 3}, 11)
	if got := versionFiles(t, dir); !slices.Equal(got, []string{"000001.slc", "000002.slc", "000003.slc", "000004.slc"}) {
		t.Fatalf("version files %v", got)
	}

	s = openFixture(t, dir) // a restart
	want(t, s, 4, []int{1, 2, 3}, 11)
	if v, err := s.Rollback(); err != nil || v != 5 {
		t.Fatalf("rollback: %d %v", v, err)
	}
	want(t, s, 5, []int{1, 2}, 12) // version 3's classes: A and B
	if got := names(s)[10:]; !slices.Equal(got, []string{"A", "B"}) {
		t.Fatalf("after rollback: %v", got)
	}
	s = openFixture(t, dir)
	want(t, s, 5, []int{1, 2}, 12)
	s.Rollback()
	want(t, s, 6, []int{1}, 11) // version 2: A only
	if names(s)[10] != "A" {
		t.Fatalf("after the second rollback: %v", names(s))
	}
	s.Rollback()
	want(t, s, 7, nil, 10) // the embedded engine's content
	if _, err := s.Rollback(); !errors.Is(err, ErrNoRollback) {
		t.Fatalf("rollback past the first version: %v", err)
	}
	s.Add("C", examples(3))
	want(t, s, 8, []int{7}, 11)
	if got := versionFiles(t, dir); !slices.Equal(got, []string{"000007.slc", "000008.slc"}) {
		t.Fatalf("version files %v", got)
	}
	want(t, openFixture(t, dir), 8, []int{7}, 11)
}

func TestKeepsTheLastVersions(t *testing.T) {
	dir := t.TempDir()
	s := openFixture(t, dir)
	for i := 0; i < 7; i++ {
		if _, err := s.Add(string(rune('a'+i)), examples(i)); err != nil {
			t.Fatal(err)
		}
	}
	want(t, s, 8, []int{4, 5, 6, 7}, 17)
	if got := versionFiles(t, dir); len(got) != Keep || got[0] != "000004.slc" {
		t.Fatalf("version files %v", got)
	}
	for i := 0; i < Keep-1; i++ {
		if _, err := s.Rollback(); err != nil {
			t.Fatal(err)
		}
	}
	want(t, s, 12, nil, 13) // version 4: classes a, b, c
	if _, err := s.Rollback(); !errors.Is(err, ErrNoRollback) {
		t.Fatalf("%v", err)
	}
}

// A failed save changes nothing: neither what is served nor what a
// restart serves; the next change still gets a fresh number.
func TestFailedSaveChangesNothing(t *testing.T) {
	for _, failing := range []string{FileName, VersionsFile, "000003.slc"} {
		t.Run(failing, func(t *testing.T) {
			dir := t.TempDir()
			s := openFixture(t, dir)
			s.Add("A", examples(1))
			broken := false
			s.src.Write = func(path string, data []byte) error {
				if broken && filepath.Base(path) == failing {
					return errors.New("disk full")
				}
				return engine.WriteFileAtomic(path, data, 0o644)
			}
			broken = true
			before := s.Engine()
			if _, err := s.Add("B", examples(2)); err == nil || !strings.Contains(err.Error(), "disk full") {
				t.Fatalf("Add: %v", err)
			}
			if s.Engine() != before {
				t.Fatal("a failed Add changed the served engine")
			}
			want(t, s, 2, []int{1}, 11)
			if _, err := s.Rollback(); err == nil {
				t.Fatal("rollback with a failing disk succeeded")
			}
			want(t, s, 2, []int{1}, 11)
			want(t, openFixture(t, dir), 2, []int{1}, 11)
			broken = false
			if _, err := s.Add("B", examples(2)); err != nil {
				t.Fatal(err)
			}
			if s.Version() < 3 || !slices.Equal(s.Previous(), []int{1, 2}) {
				t.Fatalf("after recovering: version %d, previous %v", s.Version(), s.Previous())
			}
			r := openFixture(t, dir)
			r.Rollback()
			if got := names(r); len(got) != 11 || got[10] != "A" {
				t.Fatalf("rollback after recovering: %v", got)
			}
		})
	}
}

// A state directory written before versions: engine.slc alone is version
// 1, its enrolled classes are those the embedded engine lacks.
func TestStateWithoutVersions(t *testing.T) {
	dir := t.TempDir()
	e := fixture.Engine(models.B, 1)
	vecs, _ := Features(e, examples(4))
	e.KNN.Add("four bis", vecs)
	if err := engine.Save(filepath.Join(dir, FileName), e); err != nil {
		t.Fatal(err)
	}
	s := openFixture(t, dir)
	want(t, s, 1, nil, 11)
	if len(s.BaseClasses()) != 10 {
		t.Fatalf("base classes %v", s.BaseClasses())
	}
	f, err := s.Export()
	if err != nil || len(f.Classes) != 1 || f.Classes[0].Name != "four bis" {
		t.Fatalf("export: %+v %v", f, err)
	}
	s.Remove("four bis")
	want(t, s, 2, []int{1}, 10)
	s.Rollback()
	want(t, s, 3, nil, 11)
	// An engine.slc copied in by hand is a version of its own.
	if err := engine.Save(s.Path(), fixture.Engine(models.B, 1)); err != nil {
		t.Fatal(err)
	}
	want(t, openFixture(t, dir), 4, []int{3}, 10)
}

func TestBadVersionsFileRefused(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, VersionsFile), []byte(`{"format": 1, "newest": 0}`), 0o644)
	_, err := Open(Sources{StateDir: dir, Default: func() (*engine.Engine, error) { return fixture.Engine(models.B, 1), nil }})
	if err == nil || !strings.Contains(err.Error(), VersionsFile) {
		t.Fatalf("a bad versions.json: %v", err)
	}
}
