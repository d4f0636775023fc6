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

// Sources say where engines come from.
type Sources struct {
	StateDir   string                         // where enrolments are saved
	Configured string                         // the configured engine file, may be empty
	Default    func() (*engine.Engine, error) // the embedded engine
	Load       func(string) (*engine.Engine, error)
	Save       func(string, *engine.Engine) error
}

// Store is the served engine.
type Store struct {
	mu       sync.Mutex // serialises Reload, Add and Remove
	src      Sources
	cur      atomic.Pointer[engine.Engine]
	from     atomic.Value // string: where cur came from
	OnChange func(e *engine.Engine, from string)
}

// Open loads the engine to serve.
func Open(src Sources) (*Store, error) {
	if src.Load == nil {
		src.Load = engine.Load
	}
	if src.Save == nil {
		src.Save = engine.Save
	}
	s := &Store{src: src}
	e, from, err := s.load()
	if err != nil {
		return nil, err
	}
	s.set(e, from)
	return s, nil
}

// Path is the state file enrolment writes.
func (s *Store) Path() string { return filepath.Join(s.src.StateDir, FileName) }

// Engine is the engine now served. It must not be modified.
func (s *Store) Engine() *engine.Engine { return s.cur.Load() }

// From says where the served engine was loaded from.
func (s *Store) From() string { v, _ := s.from.Load().(string); return v }

func (s *Store) load() (*engine.Engine, string, error) {
	var e *engine.Engine
	var from string
	var err error
	switch state := s.Path(); {
	case fileExists(state):
		from = state
		e, err = s.src.Load(state)
	case s.src.Configured != "":
		from = s.src.Configured
		e, err = s.src.Load(s.src.Configured)
	case s.src.Default != nil:
		from = "embedded"
		e, err = s.src.Default()
	default:
		return nil, "", errors.New("no engine: set engine in the configuration")
	}
	if err != nil {
		return nil, from, fmt.Errorf("engine %s: %w", from, err)
	}
	if _, err := e.NewSession(); err != nil { // full check before serving it
		return nil, from, fmt.Errorf("engine %s: %w", from, err)
	}
	return e, from, nil
}

// Sweep removes temporary files that a crash during a save left behind.
// Only the process that owns the state directory may call it: another
// process's save in progress would lose its file.
func (s *Store) Sweep() {
	tmps, _ := filepath.Glob(filepath.Join(s.src.StateDir, "."+FileName+".tmp-*"))
	for _, t := range tmps {
		os.Remove(t)
	}
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

func (s *Store) set(e *engine.Engine, from string) {
	s.cur.Store(e)
	s.from.Store(from)
	if s.OnChange != nil {
		s.OnChange(e, from)
	}
}

// Reload loads the engine again with new sources (a changed configuration).
// A bad engine leaves the served one in place and is returned as an error.
func (s *Store) Reload(src Sources) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if src.Load == nil {
		src.Load = s.src.Load
	}
	if src.Save == nil {
		src.Save = s.src.Save
	}
	old := s.src
	s.src = src
	e, from, err := s.load()
	if err != nil {
		s.src = old
		return err
	}
	s.set(e, from)
	return nil
}

// clone copies e deeply enough that its k-NN set can change.
func clone(e *engine.Engine) *engine.Engine {
	c := *e
	if e.KNN != nil {
		k := *e.KNN
		k.Vectors = slices.Clone(k.Vectors)
		k.Labels = slices.Clone(k.Labels)
		k.Classes = slices.Clone(k.Classes)
		k.Open = k.Open.Clone()
		c.KNN = &k
	}
	return &c
}

// commit saves e to the state file and serves it.
func (s *Store) commit(e *engine.Engine) error {
	if err := os.MkdirAll(s.src.StateDir, 0o750); err != nil {
		return err
	}
	if err := s.src.Save(s.Path(), e); err != nil {
		return fmt.Errorf("saving the engine: %w", err)
	}
	s.set(e, s.Path())
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

// Add enrols inputs (1x28x28 tensors) as examples of class, creating it if
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
	next := clone(cur)
	idx, err := next.KNN.Add(class, vecs)
	if err != nil {
		return 0, err
	}
	if err := s.commit(next); err != nil {
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
		return true, fmt.Errorf("class %q is the engine's last", class)
	}
	next := clone(cur)
	next.KNN.Remove(class)
	return true, s.commit(next)
}

// Class is one class and its number of prototypes.
type Class struct {
	Name     string `json:"name"`
	Examples int    `json:"examples"`
}

// Classes lists the served engine's classes.
func (s *Store) Classes() []Class {
	e := s.Engine()
	var out []Class
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
