package train

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"slices"
)

// State is what a trainer needs, besides the weights in its stack, to go
// on from the end of an epoch exactly as if it had never stopped: the
// epochs and mini-batches done (they key shuffling and dropout) and the
// optimiser's moments.
type State struct {
	Epoch int
	Step  uint64
	Opt   []byte // the optimiser's MarshalState
}

// Stateful is an optimiser whose moments can be saved and restored; Adam
// and SGD are.
type Stateful interface {
	MarshalState() ([]byte, error)
	UnmarshalState([]byte) error
}

// State returns where the trainer stands; call it between epochs, for
// example from Config.AfterEpoch.
func (t *Trainer) State() (State, error) {
	st, ok := t.cfg.Optimizer.(Stateful)
	if !ok {
		return State{}, fmt.Errorf("train: %v cannot save its state", t.cfg.Optimizer)
	}
	b, err := st.MarshalState()
	if err != nil {
		return State{}, err
	}
	return State{Epoch: t.epoch, Step: t.step, Opt: b}, nil
}

// Restore puts a new trainer, whose stack already holds the saved
// weights, where s was taken: the next Fit runs the epochs after
// s.Epoch up to Config.Epochs.
func (t *Trainer) Restore(s State) error {
	if s.Epoch < 0 || s.Epoch > t.cfg.Epochs {
		return fmt.Errorf("train: state after epoch %d, the run has %d", s.Epoch, t.cfg.Epochs)
	}
	st, ok := t.cfg.Optimizer.(Stateful)
	if !ok {
		return fmt.Errorf("train: %v cannot restore its state", t.cfg.Optimizer)
	}
	if err := st.UnmarshalState(s.Opt); err != nil {
		return err
	}
	t.epoch, t.step, t.resumed = s.Epoch, s.Step, s.Epoch
	return nil
}

type adamState struct {
	T    int
	M, V [][]float32
}

// MarshalState saves the step count and moment estimates.
func (a *Adam) MarshalState() ([]byte, error) {
	return encodeState(adamState{T: a.t, M: a.m, V: a.v})
}

// UnmarshalState restores what MarshalState saved.
func (a *Adam) UnmarshalState(b []byte) error {
	var s adamState
	if err := decodeState(b, &s); err != nil {
		return err
	}
	if len(s.M) != len(s.V) {
		return errors.New("train: adam state has mismatched moments")
	}
	a.t, a.m, a.v = s.T, cloneAll(s.M), cloneAll(s.V)
	return nil
}

type sgdState struct{ Vel [][]float32 }

// MarshalState saves the velocities.
func (s *SGD) MarshalState() ([]byte, error) { return encodeState(sgdState{Vel: s.vel}) }

// UnmarshalState restores what MarshalState saved.
func (s *SGD) UnmarshalState(b []byte) error {
	var st sgdState
	if err := decodeState(b, &st); err != nil {
		return err
	}
	s.vel = cloneAll(st.Vel)
	return nil
}

func encodeState(v any) ([]byte, error) {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(v); err != nil {
		return nil, fmt.Errorf("train: optimiser state: %w", err)
	}
	return buf.Bytes(), nil
}

func decodeState(b []byte, v any) error {
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(v); err != nil {
		return fmt.Errorf("train: optimiser state: %w", err)
	}
	return nil
}

// cloneAll turns a decoded nil moment list (no step taken yet) into nil
// and copies the rest, so the optimiser owns its buffers.
func cloneAll(x [][]float32) [][]float32 {
	if len(x) == 0 {
		return nil
	}
	out := make([][]float32, len(x))
	for i, v := range x {
		out[i] = slices.Clone(v)
	}
	return out
}
