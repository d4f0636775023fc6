package pipeline

import (
	"testing"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
)

// fixed answers every tensor with one result.
type fixed struct {
	backend.Backend
	res backend.Result
}

func (f fixed) Info() backend.Info                         { return backend.Info{Name: "fixed"} }
func (f fixed) Classes() []string                          { return []string{"0", "1", "7"} }
func (f fixed) Classify([]float32) (backend.Result, error) { return f.res, nil }

func TestAnswerNamesNearestClass(t *testing.T) {
	for _, tc := range []struct {
		res     backend.Result
		nearest string
	}{
		{backend.Result{Label: 2, Class: "7", Known: true}, "7"},
		{backend.Result{Label: 2, Class: "unknown"}, "7"},
		{backend.Result{Label: 5, Class: "unknown"}, ""}, // an index the classes lack: no name rather than a panic
	} {
		r := &Route{Primary: fixed{res: tc.res}}
		a, err := r.Classify(nil, nil)
		if err != nil || a.Nearest != tc.nearest || a.Class != tc.res.Class {
			t.Errorf("%+v: nearest %q, class %q, err %v; want nearest %q", tc.res, a.Nearest, a.Class, err, tc.nearest)
		}
	}
}
