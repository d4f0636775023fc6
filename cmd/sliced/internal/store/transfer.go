package store

import (
	"errors"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/enrolfile"
)

// Export collects the served engine's enrolled classes: those not in
// BaseClasses, with their examples and radii.
func (s *Store) Export() (*enrolfile.File, error) {
	cur := s.cur.Load()
	f, err := enrolfile.Export(cur.e, cur.base)
	if errors.Is(err, enrolfile.ErrNotSliced) {
		return nil, ErrNotSliced
	}
	return f, err
}

// Import adds the classes of f as a new version and returns their names.
// It refuses, changing nothing, a file for another engine
// (*enrolfile.MismatchError), one with a class the engine has
// (*enrolfile.ExistsError) and one without classes (enrolfile.ErrEmpty).
func (s *Store) Import(f *enrolfile.File) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.Engine()
	if cur.KNN == nil {
		return nil, ErrNotSliced
	}
	next := cur.Clone()
	names, err := enrolfile.Apply(next, f)
	if err != nil {
		return nil, err
	}
	if err := s.change(next); err != nil {
		return nil, err
	}
	return names, nil
}
