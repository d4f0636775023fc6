package optimize

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// Optimizer is an ask/tell minimiser over real vectors.
type Optimizer interface {
	// Dim is the length of every candidate vector.
	Dim() int
	// Ask returns the next generation's candidates. The slices belong to
	// the caller. Ask twice without a Tell in between returns an error.
	Ask() ([][]float64, error)
	// Tell takes one fitness value per candidate of the last Ask, in the
	// same order; lower is better. NaN counts as worst.
	Tell(fitness []float64) error
	// Best is the best candidate seen so far and its fitness (+Inf before
	// the first Tell).
	Best() ([]float64, float64)
	// Generation counts completed Tells.
	Generation() int
	// Evaluations counts fitness values told.
	Evaluations() int
	// Converged reports that the search has met its stopping criteria and
	// has no restarts left; further generations would change little.
	Converged() bool
	// MarshalState writes the whole state, random generator included. It
	// fails between an Ask and its Tell.
	MarshalState() ([]byte, error)
}

// envelope is the self-describing checkpoint: the kind picks the decoder.
type envelope struct {
	Kind string
	Data []byte
}

var errPending = errors.New("optimize: a generation is pending (Ask without Tell)")

// Restore reads a state written by any optimiser's MarshalState.
func Restore(data []byte) (Optimizer, error) {
	var env envelope
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&env); err != nil {
		return nil, fmt.Errorf("optimize: reading state: %w", err)
	}
	switch env.Kind {
	case kindCMA:
		c, err := restoreCMA(env.Data)
		if err != nil {
			return nil, err
		}
		return c, nil
	case kindPSO:
		p, err := restorePSO(env.Data)
		if err != nil {
			return nil, err
		}
		return p, nil
	}
	return nil, fmt.Errorf("optimize: unknown optimiser kind %q in state", env.Kind)
}

func marshal(kind string, v any) ([]byte, error) {
	var inner bytes.Buffer
	if err := gob.NewEncoder(&inner).Encode(v); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	err := gob.NewEncoder(&out).Encode(envelope{Kind: kind, Data: inner.Bytes()})
	return out.Bytes(), err
}

func unmarshal(data []byte, v any) error {
	return gob.NewDecoder(bytes.NewReader(data)).Decode(v)
}

// rng is a seeded PCG whose state can be saved.
type rng struct {
	src *rand.PCG
	*rand.Rand
}

func newRNG(seed uint64) rng {
	src := rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)
	return rng{src: src, Rand: rand.New(src)}
}

func (r rng) state() []byte {
	b, _ := r.src.MarshalBinary() // PCG's marshal cannot fail
	return b
}

func restoreRNG(b []byte) (rng, error) {
	src := &rand.PCG{}
	if err := src.UnmarshalBinary(b); err != nil {
		return rng{}, fmt.Errorf("optimize: random generator state: %w", err)
	}
	return rng{src: src, Rand: rand.New(src)}, nil
}

// checkFitness validates a Tell and maps NaN to +Inf so sorting is total.
func checkFitness(fit []float64, want int) ([]float64, error) {
	if want == 0 {
		return nil, errors.New("optimize: Tell without Ask")
	}
	if len(fit) != want {
		return nil, fmt.Errorf("optimize: %d fitness values for %d candidates", len(fit), want)
	}
	out := make([]float64, len(fit))
	for i, f := range fit {
		if math.IsNaN(f) {
			f = math.Inf(1)
		}
		out[i] = f
	}
	return out, nil
}

func checkStart(x0 []float64, spread float64) error {
	if len(x0) == 0 {
		return errors.New("optimize: empty start vector")
	}
	for i, v := range x0 {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("optimize: start vector value %d is %v", i, v)
		}
	}
	if !(spread > 0) || math.IsInf(spread, 0) {
		return fmt.Errorf("optimize: initial spread %v must be positive and finite", spread)
	}
	return nil
}

var errCorrupt = errors.New("optimize: state is inconsistent (corrupt or from another version)")
