package report

import (
	"fmt"
	"regexp"

	"github.com/sliced-ai/sliced/models"
)

// Network is one column-1 entry of the paper's tables: a full CNN trained
// by backprop, or a sliced engine whose conv kernels an evolutionary
// search tunes.
type Network struct {
	ID       string // "A128", "B8", "sliced-cmaes"
	Label    string // as the tables print it
	Topology models.Topology
	Hidden   int    // dense units of a full CNN; 0 for a sliced engine
	Method   string // "backprop", "cmaes" or "pso"
}

// Sliced reports whether the network is a conv stack plus k-NN.
func (n Network) Sliced() bool { return n.Hidden == 0 }

// Networks are the seven rows of slides 26 and 28, in the paper's order.
var Networks = []Network{
	{"A128", "A, dense 128", models.A, 128, "backprop"},
	{"B64", "B, dense 64", models.B, 64, "backprop"},
	{"B32", "B, dense 32", models.B, 32, "backprop"},
	{"B16", "B, dense 16", models.B, 16, "backprop"},
	{"B8", "B, dense 8", models.B, 8, "backprop"},
	{"sliced-cmaes", "sliced, CMA-ES", models.B, 0, "cmaes"},
	{"sliced-pso", "sliced, PSO", models.B, 0, "pso"},
}

// Protocol is one accuracy column of slide 28: how many MNIST training
// and test images, and how many epochs.
type Protocol struct {
	ID          string
	Label       string
	Train, Test int
	Epochs      int
}

// Protocols are slide 28's three columns.
var Protocols = []Protocol{
	{"4000-1000-5ep", "4000/1000, 5 epochs", 4000, 1000, 5},
	{"60000-10000-5ep", "60000/10000, 5 epochs", 60000, 10000, 5},
	{"4000-1000-20ep", "4000/1000, 20 epochs", 4000, 1000, 20},
}

// Spec is one row to run: a network under a protocol.
type Spec struct {
	Network  Network
	Protocol Protocol
}

// ID names the row and its cache file: "B8/4000-1000-5ep".
func (s Spec) ID() string { return s.Network.ID + "/" + s.Protocol.ID }

// Specs is every row of slide 28, protocol by protocol.
func Specs() []Spec {
	var out []Spec
	for _, p := range Protocols {
		for _, n := range Networks {
			out = append(out, Spec{n, p})
		}
	}
	return out
}

// Filter keeps the specs whose ID matches expr ("" keeps all).
func Filter(specs []Spec, expr string) ([]Spec, error) {
	if expr == "" {
		return specs, nil
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, fmt.Errorf("report: rows %q: %w", expr, err)
	}
	var out []Spec
	for _, s := range specs {
		if re.MatchString(s.ID()) {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("report: no row id matches %q (ids look like B8/4000-1000-5ep)", expr)
	}
	return out, nil
}
