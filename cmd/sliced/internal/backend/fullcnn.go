package backend

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/sliced-ai/sliced/engine"
)

func init() { Register("fullcnn", newFullCNN) }

// FullCNN runs a whole CNN engine file with the Go engine on the CPU.
type FullCNN struct {
	e    *engine.Engine
	pool sync.Pool
}

func newFullCNN(o Options) (Backend, error) {
	if o.Model == "" {
		return nil, errors.New("fullcnn: no model file configured")
	}
	if o.LoadEngine == nil {
		return nil, errors.New("fullcnn: no engine loader")
	}
	e, err := o.LoadEngine(o.Model)
	if err != nil {
		return nil, fmt.Errorf("fullcnn: %w", err)
	}
	return NewFullCNN(e)
}

// NewFullCNN wraps a full-CNN engine (one without a k-NN).
func NewFullCNN(e *engine.Engine) (*FullCNN, error) {
	if e.Kind() != "fullcnn" {
		return nil, fmt.Errorf("fullcnn: engine %q is a %s engine, not a full CNN", e.Name, e.Kind())
	}
	if _, err := e.NewSession(); err != nil {
		return nil, fmt.Errorf("fullcnn: %w", err)
	}
	return &FullCNN{e: e}, nil
}

// Info implements Backend.
func (f *FullCNN) Info() Info { return Info{Name: "fullcnn", Device: "cpu", Model: f.e.Name} }

// Classes implements Backend.
func (f *FullCNN) Classes() []string { return f.e.ClassNames() }

// Classify implements Backend.
func (f *FullCNN) Classify(in []float32) (Result, error) {
	t0 := time.Now()
	sess, _ := f.pool.Get().(*engine.Session)
	if sess == nil {
		var err error
		if sess, err = f.e.NewSession(); err != nil {
			return Result{}, err
		}
	}
	defer f.pool.Put(sess)
	r, err := argmax(sess, in)
	r.Timing.Inference = time.Since(t0)
	return r, err
}

// argmax classifies with a full CNN, whose stack ends in softmax: its
// output is the class probabilities.
func argmax(sess *engine.Session, in []float32) (Result, error) {
	t0 := time.Now()
	probs, err := sess.Features(in)
	if err != nil {
		return Result{}, err
	}
	best := 0
	for i, v := range probs {
		if v > probs[best] {
			best = i
		}
	}
	return Result{
		Label:  best,
		Class:  sess.Engine().ClassNames()[best],
		Score:  probs[best],
		Scores: append([]float32(nil), probs...),
		Timing: Timing{Conv: time.Since(t0)},
	}, nil
}

// Close implements Backend.
func (f *FullCNN) Close() error { return nil }
