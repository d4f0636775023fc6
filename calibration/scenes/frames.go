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
