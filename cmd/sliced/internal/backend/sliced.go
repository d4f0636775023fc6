package backend

import (
	"errors"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/nn"
)

func init() { Register("sliced", newSliced) }

// sessions pools the Sessions of one engine: a swapped-in engine gets a
// fresh pool and the old one is left to the garbage collector.
type sessions struct {
	e    *engine.Engine
	conv nn.ConvAlgo
	pool sync.Pool
}

func (s *sessions) get() (*engine.Session, error) {
	if v := s.pool.Get(); v != nil {
		return v.(*engine.Session), nil
	}
	return s.e.NewSessionOptions(nn.Options{Conv: s.conv})
}

// Sliced runs the daemon's current engine: normally a k-NN engine; a full
// CNN engine file served as the daemon's engine is classified by argmax.
type Sliced struct {
	engine  func() *engine.Engine
	cur     atomic.Pointer[sessions]
	unknown atomic.Uint64 // math.Float64bits of the open-set strictness
	views   atomic.Int32  // open-set views (engine.Session.UnknownViews)
	conv    atomic.Uint32 // nn.ConvAlgo of new sessions
}

func newSliced(o Options) (Backend, error) {
	if o.Engine == nil {
		return nil, errors.New("sliced: no engine")
	}
	e := o.Engine()
	if e == nil {
		return nil, errors.New("sliced: no engine loaded")
	}
	return NewSliced(o.Engine), nil
}

// NewSliced wraps a function that returns the current engine.
func NewSliced(current func() *engine.Engine) *Sliced {
	s := &Sliced{engine: current}
	s.SetUnknownScale(engine.DefaultUnknownScale)
	s.SetUnknownViews(engine.DefaultUnknownViews)
	return s
}

// SetUnknownScale sets the open-set strictness (engine.Session.UnknownScale)
// for the classifications that follow.
func (s *Sliced) SetUnknownScale(v float64) { s.unknown.Store(math.Float64bits(v)) }

// SetUnknownViews sets how many views the open-set rule averages
// (engine.Session.UnknownViews) for the classifications that follow.
func (s *Sliced) SetUnknownViews(n int) { s.views.Store(int32(n)) }

// SetConv sets the convolution algorithm of the sessions made from now on
// (nn.ConvAuto by default); sessions of another algorithm are dropped.
func (s *Sliced) SetConv(a nn.ConvAlgo) { s.conv.Store(uint32(a)) }

func (s *Sliced) pool() *sessions {
	e, conv := s.engine(), nn.ConvAlgo(s.conv.Load())
	p := s.cur.Load()
	if p != nil && p.e == e && p.conv == conv {
		return p
	}
	np := &sessions{e: e, conv: conv}
	if s.cur.CompareAndSwap(p, np) {
		return np
	}
	return s.pool()
}

// Info implements Backend.
func (s *Sliced) Info() Info {
	return Info{Name: "sliced", Device: "cpu", Model: s.engine().Name}
}

// Classes implements Backend.
func (s *Sliced) Classes() []string { return s.engine().ClassNames() }

// Prep is the engine's preprocessing, its normalisation among it.
func (s *Sliced) Prep() engine.Preprocess { return s.engine().Prep }

// Input is the current engine's input shape.
func (s *Sliced) Input() nn.Shape { return s.engine().Stack.In }

// Classify implements Backend.
func (s *Sliced) Classify(in []float32) (Result, error) {
	t0 := time.Now()
	p := s.pool()
	sess, err := p.get()
	if err != nil {
		return Result{}, err
	}
	defer p.pool.Put(sess)
	if p.e.KNN == nil {
		r, err := argmax(sess, in)
		r.Timing.Inference = time.Since(t0)
		return r, err
	}
	sess.UnknownScale = math.Float64frombits(s.unknown.Load())
	sess.UnknownViews = int(s.views.Load())
	pred, err := sess.Classify(in)
	if err != nil {
		return Result{}, err
	}
	r := fromPrediction(pred, p.e.ClassNames())
	r.Timing.Inference = time.Since(t0)
	return r, nil
}

// ClassifyBatch implements Batcher: one engine.Session.ClassifyBatch,
// each conv layer one product over a chunk of the batch's images.
func (s *Sliced) ClassifyBatch(in []float32) ([]Result, error) {
	t0 := time.Now()
	p := s.pool()
	sess, err := p.get()
	if err != nil {
		return nil, err
	}
	defer p.pool.Put(sess)
	if p.e.KNN == nil {
		return argmaxBatch(sess, in, t0)
	}
	sess.UnknownScale = math.Float64frombits(s.unknown.Load())
	sess.UnknownViews = int(s.views.Load())
	preds, err := sess.ClassifyBatch(in)
	if err != nil {
		return nil, err
	}
	classes := p.e.ClassNames()
	out := make([]Result, len(preds))
	for i, pred := range preds {
		out[i] = fromPrediction(pred, classes)
	}
	share := time.Since(t0) / time.Duration(len(out))
	for i := range out {
		out[i].Timing.Inference = share
	}
	return out, nil
}

// fromPrediction is a sliced engine's prediction as a Result, its Scores
// the neighbours' vote shares.
func fromPrediction(pred engine.Prediction, classes []string) Result {
	r := Result{
		Label:     pred.Label,
		Class:     pred.Class,
		Known:     pred.Known,
		Score:     pred.Score,
		Scores:    make([]float32, len(classes)),
		Neighbors: make([]Neighbor, len(pred.Neighbors)),
		Timing:    Timing{Conv: pred.Timing.Conv, KNN: pred.Timing.KNN},
	}
	for i, nb := range pred.Neighbors {
		r.Neighbors[i] = Neighbor{Class: classes[nb.Label], Dist: nb.Dist}
		r.Scores[nb.Label] += 1 / float32(len(pred.Neighbors))
	}
	return r
}

// Close implements Backend.
func (s *Sliced) Close() error { return nil }
