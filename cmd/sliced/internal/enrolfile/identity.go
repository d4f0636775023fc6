package enrolfile

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"

	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/knn"
	"github.com/sliced-ai/sliced/engine/nn"
)

// Identity says which feature space vectors belong to.
type Identity struct {
	Stack  [32]byte // SHA-256 of the conv stack
	Proj   [32]byte // SHA-256 of the projection; zero without one
	Dim    int      // feature dimension
	Metric knn.Metric
}

// ErrNotSliced means the engine has no k-NN, so no classes to enrol into.
var ErrNotSliced = errors.New("the engine is a full CNN: only a sliced (k-NN) engine has enrolled classes")

// Identify computes e's identity. The hashes are over the values as
// loaded (input shape, each layer's op, sizes, weights and biases as
// float32 bits), which an engine file keeps through any number of saves.
func Identify(e *engine.Engine) (Identity, error) {
	if e.KNN == nil {
		return Identity{}, ErrNotSliced
	}
	id := Identity{Stack: stackSum(&e.Stack), Dim: e.KNN.Dim, Metric: e.KNN.Metric}
	if p := e.Proj; p != nil {
		h := sha256.New()
		write(h, []byte("sliced projection\x00"), uint32(p.In), uint32(p.Out), uint32(len(p.Mean)), p.Mean, p.W)
		copy(id.Proj[:], h.Sum(nil))
	}
	return id, nil
}

func stackSum(s *nn.Stack) [32]byte {
	h := sha256.New()
	write(h, []byte("sliced conv stack\x00"), uint32(s.In.C), uint32(s.In.H), uint32(s.In.W), uint32(len(s.Layers)))
	for _, l := range s.Layers {
		write(h, uint8(l.Op), uint32(l.Out), uint32(l.Size), uint32(len(l.W)), l.W, uint32(len(l.B)), l.B)
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

func write(h hash.Hash, vs ...any) {
	for _, v := range vs {
		binary.Write(h, binary.LittleEndian, v) // hash writes never fail
	}
}

// MismatchError means a file belongs to another engine.
type MismatchError struct {
	What       string // "conv stack", "projection", "feature dimension" or "metric"
	File, Here string // the file's and the engine's values
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("the file is for another engine: its %s is %s, this engine's is %s", e.What, e.File, e.Here)
}

// Match checks that vectors of identity f fit the engine of identity id.
func (id Identity) Match(f Identity) error {
	switch {
	case f.Stack != id.Stack:
		return &MismatchError{"conv stack", short(f.Stack), short(id.Stack)}
	case f.Proj != id.Proj:
		return &MismatchError{"projection", short(f.Proj), short(id.Proj)}
	case f.Dim != id.Dim:
		return &MismatchError{"feature dimension", fmt.Sprint(f.Dim), fmt.Sprint(id.Dim)}
	case f.Metric != id.Metric:
		return &MismatchError{"metric", f.Metric.String(), id.Metric.String()}
	}
	return nil
}

// short names a hash by its first 12 hex digits, "none" for zero.
func short(h [32]byte) string {
	if h == ([32]byte{}) {
		return "none"
	}
	return "sha256:" + hex.EncodeToString(h[:6])
}
