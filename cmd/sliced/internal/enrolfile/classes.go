package enrolfile

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/knn"
)

var nameRule = regexp.MustCompile(`^[\p{L}\p{N}_.+-][\p{L}\p{N} _.+-]{0,63}$`)

// CheckName says whether name may name an enrolled class: 1-64 letters,
// digits, spaces, '_', '.', '+' or '-', not starting with a space, and not
// the reserved name of answers that match no class.
func CheckName(name string) error {
	if !nameRule.MatchString(name) {
		return fmt.Errorf("class name %q: use 1-64 letters, digits, spaces, '_', '.', '+' or '-'", name)
	}
	if name == knn.OtherName {
		return fmt.Errorf("class name %q is reserved for answers that match no class", name)
	}
	return nil
}

// Enrolled reports whether class idx of e counts as enrolled: its name is
// not among base (the classes of the engine enrolment started from) and it
// is not the engine's "none of the classes" class.
func Enrolled(e *engine.Engine, base []string, idx int) bool {
	s := e.KNN
	if s.Open != nil && s.Open.Other == idx {
		return false
	}
	name := s.Classes[idx]
	return name != knn.OtherName && !slices.Contains(base, name)
}

// Export collects e's enrolled classes (see Enrolled) with their examples
// and radii.
func Export(e *engine.Engine, base []string) (*File, error) {
	id, err := Identify(e)
	if err != nil {
		return nil, err
	}
	s := e.KNN
	f := &File{Identity: id, Open: s.Open != nil}
	for idx, name := range s.Classes {
		if !Enrolled(e, base, idx) {
			continue
		}
		c := Class{Name: name}
		if s.Open != nil {
			c.Radius = s.Open.Radius[idx]
		}
		for i, l := range s.Labels {
			if l == idx {
				c.Examples = append(c.Examples, slices.Clone(s.Vectors[i*s.Dim:(i+1)*s.Dim]))
			}
		}
		if len(c.Examples) > 0 {
			f.Classes = append(f.Classes, c)
		}
	}
	return f, nil
}

// ErrEmpty means a file holds no classes.
var ErrEmpty = errors.New("the file holds no classes: nothing to import")

// ExistsError means classes of a file are already in the engine. Import
// refuses the whole file: remove the classes first to replace them.
type ExistsError struct{ Names []string }

func (e *ExistsError) Error() string {
	return fmt.Sprintf("class %s already in the engine: remove it first to replace it (nothing was imported)", quoteList(e.Names))
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// Apply adds f's classes to e, which the caller owns (a copy of the
// served engine): it checks the identity (*MismatchError), refuses a file
// with a class e already has (*ExistsError) or with none (ErrEmpty), and
// gives each class the file's radius where both are calibrated, so the
// classes answer as they did where they were enrolled. It returns the
// names added. On error e may be half changed: discard it.
func Apply(e *engine.Engine, f *File) ([]string, error) {
	id, err := Identify(e)
	if err != nil {
		return nil, err
	}
	if err := id.Match(f.Identity); err != nil {
		return nil, err
	}
	if len(f.Classes) == 0 {
		return nil, ErrEmpty
	}
	s := e.KNN
	var dup, names []string
	for _, c := range f.Classes {
		if slices.Contains(s.Classes, c.Name) {
			dup = append(dup, c.Name)
		}
		names = append(names, c.Name)
	}
	if len(dup) > 0 {
		return nil, &ExistsError{Names: dup}
	}
	for _, c := range f.Classes {
		idx, err := e.Enrol(c.Name, c.Examples)
		if err != nil {
			return nil, fmt.Errorf("class %q: %w", c.Name, err)
		}
		// A Gaussian calibration sets the radius from the examples (Add);
		// a stored radius may be in nearest-prototype units of an older
		// calibration of the same feature space.
		if s.Open != nil && !s.Open.Gaussian() && f.Open && c.Radius > 0 {
			s.Open.Radius[idx] = c.Radius
		}
	}
	return names, nil
}
