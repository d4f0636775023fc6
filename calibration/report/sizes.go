package report

import (
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

// Size is one row of slide 26 as we measure it.
type Size struct {
	Network Network
	Params  int // weights and biases (conv stack only for a sliced engine)
	Float32 int // Params x 4 bytes
	// EngineBytes is the engine file of a full CNN as a row writes it
	// (its size does not depend on the weights' values); 0 for a sliced
	// engine, whose file size depends on its prototypes and comes from the
	// measured rows.
	EngineBytes int
}

// Sizes measures every network of slide 26 from the topologies; nothing
// is trained.
func Sizes() ([]Size, error) {
	var out []Size
	for _, n := range Networks {
		if n.Sliced() {
			s := models.ConvStack(n.Topology)
			out = append(out, Size{Network: n, Params: s.Params(), Float32: 4 * s.Params()})
			continue
		}
		s := models.FullCNN(n.Topology, n.Hidden, 10)
		e := &engine.Engine{Name: "mnist-" + n.ID, Topology: string(n.Topology), Stack: s, Classes: digits(),
			WeightType: engine.F32, ProtoType: engine.F32}
		size, err := engine.EncodedSize(e)
		if err != nil {
			return nil, err
		}
		out = append(out, Size{Network: n, Params: s.Params(), Float32: 4 * s.Params(), EngineBytes: size})
	}
	return out, nil
}

func digits() []string {
	out := make([]string, 10)
	for i := range out {
		out[i] = string(rune('0' + i))
	}
	return out
}
