package pipeline

import (
	"errors"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
	"github.com/sliced-ai/sliced/engine"
)

// StateNone is the state of a region with nothing in view (the digit
// rule found no object).
const StateNone = "none"

// State is what r says is in view: its class, engine.Unknown for an
// answer like none of the classes, or StateNone; false when it says
// nothing (a failed inference, a region outside the frame), which keeps
// the state.
func (r Result) State() (string, bool) {
	switch {
	case errors.Is(r.Err, prep.ErrNoInk):
		return StateNone, true
	case r.Err != nil:
		return "", false
	case !r.Answer.Known:
		return engine.Unknown, true
	}
	return r.Answer.Class, true
}

// smoother reports a new state only after n equal answers in a row, so
// a region's results do not flicker. The first answer sets the state at
// once: there is no earlier one to keep. Not safe for concurrent use.
type smoother struct {
	n     int
	have  bool
	state string // the state reported
	shown Result // the answer, box and error that set it or last confirmed it
	cand  string // a different state seen run times in a row
	run   int
}

// apply is r as reported: r itself, or with Held set, the state's result
// in place of r's answer.
func (s *smoother) apply(r Result) Result {
	l, ok := r.State()
	if !ok || s.n <= 1 {
		return r
	}
	if !s.have || l == s.state {
		s.have, s.state, s.run = true, l, 0
		s.keep(r)
		return r
	}
	if l == s.cand {
		s.run++
	} else {
		s.cand, s.run = l, 1
	}
	if s.run >= s.n {
		s.state, s.run = l, 0
		s.keep(r)
		return r
	}
	h := r
	h.Answer, h.Box, h.Err = s.shown.Answer, s.shown.Box, s.shown.Err
	h.Held, h.Own, h.OwnErr = true, r.Answer, r.Err
	return h
}

// keep remembers what r reports, not its frame or input.
func (s *smoother) keep(r Result) {
	s.shown = Result{Answer: r.Answer, Box: r.Box, Err: r.Err}
}
