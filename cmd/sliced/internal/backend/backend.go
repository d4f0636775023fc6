package backend

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/sliced-ai/sliced/engine"
)

// ErrUnavailable marks a backend that cannot run here (no library, no
// device): it is skipped rather than failed.
var ErrUnavailable = errors.New("backend unavailable")

// Info describes a backend for logs and metric labels.
type Info struct {
	Name   string // registry name, e.g. "sliced"
	Device string // e.g. "cpu", "MYRIAD", "cuda:0"
	Model  string // engine or model name
}

// Neighbor is one of the k nearest prototypes of a sliced classification.
// Its JSON is package result's.
type Neighbor struct {
	Class string
	Dist  float32
}

// Timing is where one classification spent its time. Conv and KNN are set
// only by backends that can tell them apart.
type Timing struct {
	Inference time.Duration
	Conv      time.Duration
	KNN       time.Duration
}

// Result is one classification. It owns its slices.
type Result struct {
	Label int    // the nearest class, also for an unknown answer
	Class string // its name, or engine.Unknown
	// Known is false when an open-set engine found the input unlike every
	// class; full CNNs always answer a class.
	Known     bool
	Score     float32    // confidence (see engine.Prediction.Score)
	Scores    []float32  // one per class: vote shares or probabilities
	Neighbors []Neighbor // sliced only
	Timing    Timing
}

// Backend classifies input tensors. Implementations are safe for
// concurrent use.
type Backend interface {
	Info() Info
	// Classes are the names that Result.Label indexes into.
	Classes() []string
	// Classify labels one input tensor (CHW, InputOf's shape).
	Classify(in []float32) (Result, error)
	Close() error
}

// Options configure one backend instance.
type Options struct {
	Name   string
	Device string
	// Model is a file the backend loads (an engine file for fullcnn, an
	// ONNX or IR file for accelerators). Empty means the backend's default.
	Model string
	// Engine is the daemon's current sliced engine; it may change between
	// calls (enrolment, reload).
	Engine func() *engine.Engine
	// LoadEngine reads an engine file.
	LoadEngine func(path string) (*engine.Engine, error)
}

// Factory builds a backend.
type Factory func(Options) (Backend, error)

// Registry maps backend names to factories. Safe for concurrent use.
type Registry struct {
	mu sync.RWMutex
	m  map[string]Factory
}

// Default holds the backends compiled into this binary.
var Default = &Registry{}

// Register adds a backend to the default registry; call it from init.
func Register(name string, f Factory) { Default.Register(name, f) }

// Register adds or replaces a factory.
func (r *Registry) Register(name string, f Factory) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = map[string]Factory{}
	}
	r.m[name] = f
}

// Names lists the registered backends, sorted.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var n []string
	for k := range r.m {
		n = append(n, k)
	}
	slices.Sort(n)
	return n
}

// New builds the backend named o.Name.
func (r *Registry) New(o Options) (Backend, error) {
	r.mu.RLock()
	f, ok := r.m[o.Name]
	r.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("backend %q is not built into this binary (have %v): %w", o.Name, r.Names(), ErrUnavailable)
	}
	return f(o)
}

// State is how a backend fared at start-up.
type State string

const (
	Loaded  State = "loaded"
	Skipped State = "skipped"
	Failed  State = "failed"
)

// StateOf classifies the error of a factory.
func StateOf(err error) State {
	switch {
	case err == nil:
		return Loaded
	case errors.Is(err, ErrUnavailable):
		return Skipped
	}
	return Failed
}
