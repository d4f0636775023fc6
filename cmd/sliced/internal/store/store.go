package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/sliced-ai/sliced/engine"
)

// FileName is the engine file kept in the state directory.
const FileName = "engine.slc"

// ErrNotSliced means the engine has no k-NN to enrol into.
var ErrNotSliced = errors.New("the engine is a full CNN: only a sliced (k-NN) engine can learn classes")

// ErrLastClass is Remove's refusal to leave an engine without classes.
var ErrLastClass = errors.New("the engine's last class cannot be removed")

// Sources say where engines come from.
type Sources struct {
	StateDir   string                         // where enrolments are saved
	Configured string                         // the configured engine file, may be empty
	Default    func() (*engine.Engine, error) // the embedded engine
	Load       func(string) (*engine.Engine, error)
	// Write replaces a file atomically; engine.WriteFileAtomic when nil.
	Write func(path string, data []byte) error
}

// Store is the served engine.
type Store struct {
	mu       sync.Mutex // serialises Reload and every change
	src      Sources
	vf       versionFile // what the version file says; guarded by mu
	cur      atomic.Pointer[served]
	OnChange func(e *engine.Engine, from string, version int)
}

// served is the engine now served and what goes with it.
type served struct {
	e        *engine.Engine
	from     string   // where it was loaded from
	version  int      // its engine version
	parent   int      // the version a rollback returns to; 0: none
	previous []int    // parent and the versions before it that are kept, oldest first
	base     []string // the classes of the engine enrolment started from
}

// Open loads the engine to serve.
func Open(src Sources) (*Store, error) {
	s := &Store{src: withDefaults(src, Sources{})}
	cur, vf, err := s.load()
	if err != nil {
		return nil, err
	}
	s.vf = vf
	s.set(cur)
	return s, nil
}

func withDefaults(src, old Sources) Sources {
	if src.Load == nil {
		src.Load = old.Load
	}
	if src.Load == nil {
		src.Load = engine.Load
	}
	if src.Write == nil {
		src.Write = old.Write
	}
	if src.Write == nil {
		src.Write = func(path string, data []byte) error { return engine.WriteFileAtomic(path, data, 0o644) }
	}
	return src
}

// Path is the state file enrolment writes.
func (s *Store) Path() string { return filepath.Join(s.src.StateDir, FileName) }

// Engine is the engine now served. It must not be modified.
func (s *Store) Engine() *engine.Engine { return s.cur.Load().e }

// From says where the served engine was loaded from.
func (s *Store) From() string { return s.cur.Load().from }

// Version is the served engine's version: 1 for the configured or embedded
// engine, one more for every change (see package doc).
func (s *Store) Version() int { return s.cur.Load().version }

// Previous lists the versions a rollback can return to, oldest first.
func (s *Store) Previous() []int { return slices.Clone(s.cur.Load().previous) }

// BaseClasses are the classes of the engine enrolment started from; the
// others are enrolled.
func (s *Store) BaseClasses() []string { return slices.Clone(s.cur.Load().base) }

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

func (s *Store) set(cur *served) {
	s.cur.Store(cur)
	if s.OnChange != nil {
		s.OnChange(cur.e, cur.from, cur.version)
	}
}

// Reload loads the engine again with new sources (a changed configuration).
// A bad engine leaves the served one in place and is returned as an error.
func (s *Store) Reload(src Sources) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.src
	s.src = withDefaults(src, old)
	cur, vf, err := s.load()
	if err != nil {
		s.src = old
		return err
	}
	s.vf = vf
	s.set(cur)
	return nil
}

// Features computes the k-NN vectors of inputs with the served engine.
func Features(e *engine.Engine, inputs [][]float32) ([][]float32, error) {
	sess, err := e.NewSession()
	if err != nil {
		return nil, err
	}
	vecs := make([][]float32, len(inputs))
	for i, in := range inputs {
		f, err := sess.Features(in)
		if err != nil {
			return nil, fmt.Errorf("example %d: %w", i, err)
		}
		vecs[i] = slices.Clone(f)
	}
	return vecs, nil
}

// Add enrols inputs (tensors of the engine's input shape) as examples of class, creating it if
// new, and returns how many prototypes the class has now.
func (s *Store) Add(class string, inputs [][]float32) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.Engine()
	if cur.KNN == nil {
		return 0, ErrNotSliced
	}
	vecs, err := Features(cur, inputs)
	if err != nil {
		return 0, err
	}
	next := cur.Clone()
	idx, err := next.Enrol(class, vecs)
	if err != nil {
		return 0, err
	}
	if err := s.change(next); err != nil {
		return 0, err
	}
	return next.KNN.Counts()[idx], nil
}

// Remove deletes class and its prototypes; it reports whether the class
// existed. The last class cannot be removed.
func (s *Store) Remove(class string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.Engine()
	if cur.KNN == nil {
		return false, ErrNotSliced
	}
	if !slices.Contains(cur.KNN.Classes, class) {
		return false, nil
	}
	if len(cur.KNN.Classes) == 1 {
		return true, fmt.Errorf("class %q: %w", class, ErrLastClass)
	}
	next := cur.Clone()
	next.KNN.Remove(class)
	return true, s.change(next)
}

// Class is one class and its number of prototypes.
type Class struct {
	Name     string `json:"name"`
	Examples int    `json:"examples"`
}

// Classes lists the served engine's classes.
func (s *Store) Classes() []Class {
	e := s.Engine()
	out := []Class{} // an engine with no classes lists none, not null
	if e.KNN == nil {
		for _, n := range e.Classes {
			out = append(out, Class{Name: n})
		}
		return out
	}
	for i, c := range e.KNN.Counts() {
		out = append(out, Class{Name: e.KNN.Classes[i], Examples: c})
	}
	return out
}
