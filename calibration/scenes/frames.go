package scenes

import (
	"math/rand/v2"

	"github.com/sliced-ai/sliced/calibration/enrolment"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/preprocess"
)

// Frames draws n camera frames of s, cycling through its states, and
// preprocesses its region as engine e does (e's PREP section).
func Frames(e *engine.Engine, s *Scene, n int, rng *rand.Rand) ([]enrolment.Frame, error) {
	sc := e.Prep.Scene(e.Stack.In)
	pre := preprocess.New()
	out := make([]enrolment.Frame, 0, n)
	for j := 0; j < n; j++ {
		i := j % len(s.States)
		m, err := s.Frame(i, rng)
		if err != nil {
			return nil, err
		}
		t := make([]float32, e.Stack.In.Len())
		if _, err := pre.SceneImage(t, m, s.ROI, sc); err != nil {
			return nil, err
		}
		out = append(out, enrolment.Frame{Tensor: t, Class: s.Names[i]})
	}
	return out, nil
}

// Enrolled is how an engine answers a scene's test frames after
// enrolment: Right and Unknown over all test frames with every state
// enrolled, Unseen the share of the last state's frames answered unknown
// when the other states alone are enrolled.
type Enrolled struct {
	Right, Unknown, Unseen float64
}

// Measure enrols perState frames of every state of s, drawn with rng,
// into copies of e and scores them on test (frames of s, as Frames makes
// them).
func Measure(e *engine.Engine, s *Scene, test []enrolment.Frame, perState int, rng *rand.Rand) (Enrolled, error) {
	var r Enrolled
	enrol, err := Frames(e, s, perState*len(s.States), rng)
	if err != nil {
		return r, err
	}
	after, err := enrolment.Enrol(e, enrol)
	if err != nil {
		return r, err
	}
	if r.Right, r.Unknown, err = enrolment.Score(after, test); err != nil {
		return r, err
	}
	last := s.Names[len(s.Names)-1]
	var some, unseen []enrolment.Frame
	for _, f := range enrol {
		if f.Class != last {
			some = append(some, f)
		}
	}
	for _, f := range test {
		if f.Class == last {
			unseen = append(unseen, f)
		}
	}
	if after, err = enrolment.Enrol(e, some); err != nil {
		return r, err
	}
	_, r.Unseen, err = enrolment.Score(after, unseen)
	return r, err
}
