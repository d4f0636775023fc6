package backend

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models"
)

func init() { Register("fullcnn", newFullCNN) }

// FullCNN runs a whole CNN engine file with the Go engine on the CPU.
type FullCNN struct {
	e    *engine.Engine
	pool sync.Pool
}

func newFullCNN(o Options) (Backend, error) {
	e, err := fullCNNEngine(o)
	if err != nil {
		return nil, fmt.Errorf("fullcnn: %w", err)
	}
	return NewFullCNN(e)
}

// fullCNNEngine is the network the full-CNN backends run: Options.Model as
// an engine file, else the daemon's engine when it is a full CNN, else the
// embedded MNIST full CNN (topology B, the network the default sliced
// engine was cut from), so that a comparison works out of the box.
func fullCNNEngine(o Options) (*engine.Engine, error) {
	var e *engine.Engine
	switch {
	case o.Model != "":
		if o.LoadEngine == nil {
			return nil, errors.New("no engine loader")
		}
		var err error
		if e, err = o.LoadEngine(o.Model); err != nil {
			return nil, err
		}
	case o.Engine != nil && o.Engine() != nil && o.Engine().Kind() == "fullcnn":
		e = o.Engine()
	default:
		var err error
		if e, err = models.FullCNNEngine(); err != nil {
			return nil, err
		}
	}
	if e.Kind() != "fullcnn" {
		return nil, fmt.Errorf("engine %q is a k-NN engine; this backend runs a full CNN", e.Name)
	}
	return e, nil
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

// Prep is the engine's preprocessing, its normalisation among it.
func (f *FullCNN) Prep() engine.Preprocess { return f.e.Prep }

// Input is the engine's input shape.
func (f *FullCNN) Input() nn.Shape { return f.e.Stack.In }

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

// ClassifyBatch implements Batcher: the batch's conv layers run over
// several images at once (engine.Session.FeaturesBatch), the dense head
// image by image.
func (f *FullCNN) ClassifyBatch(in []float32) ([]Result, error) {
	t0 := time.Now()
	sess, _ := f.pool.Get().(*engine.Session)
	if sess == nil {
		var err error
		if sess, err = f.e.NewSession(); err != nil {
			return nil, err
		}
	}
	defer f.pool.Put(sess)
	return argmaxBatch(sess, in, t0)
}

// argmaxBatch is argmax over a batch; each Result's timings are the
// batch's, from t0, shared out.
func argmaxBatch(sess *engine.Session, in []float32, t0 time.Time) ([]Result, error) {
	probs, err := sess.FeaturesBatch(in)
	if err != nil {
		return nil, err
	}
	n := len(in) / sess.Engine().Stack.In.Len()
	dim := len(probs) / n
	conv := time.Since(t0)
	names := sess.Engine().ClassNames()
	out := make([]Result, n)
	for i := range out {
		p := probs[i*dim : (i+1)*dim]
		best := 0
		for j, v := range p {
			if v > p[best] {
				best = j
			}
		}
		out[i] = Result{Label: best, Class: names[best], Known: true, Score: p[best], Scores: append([]float32(nil), p...)}
	}
	share := Timing{Conv: conv / time.Duration(n), Inference: time.Since(t0) / time.Duration(n)}
	for i := range out {
		out[i].Timing = share
	}
	return out, nil
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
		Known:  true,
		Score:  probs[best],
		Scores: append([]float32(nil), probs...),
		Timing: Timing{Conv: time.Since(t0)},
	}, nil
}

// Close implements Backend.
func (f *FullCNN) Close() error { return nil }
