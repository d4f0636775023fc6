package engine

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/sliced-ai/sliced/engine/gemm"
	"github.com/sliced-ai/sliced/engine/knn"
	"github.com/sliced-ai/sliced/engine/nn"
)

// DType is a storage precision in the engine file. Values are stored in
// files: never renumber.
type DType uint8

const (
	F32 DType = 1
	F16 DType = 2
	I8  DType = 3 // symmetric, one float32 scale per row
)

func (d DType) String() string {
	switch d {
	case F32:
		return "float32"
	case F16:
		return "float16"
	case I8:
		return "int8"
	}
	return fmt.Sprintf("dtype(%d)", uint8(d))
}

// ParseDType accepts float32, float16 or int8 (or f32, f16, i8).
func ParseDType(s string) (DType, error) {
	switch s {
	case "float32", "f32":
		return F32, nil
	case "float16", "f16":
		return F16, nil
	case "int8", "i8":
		return I8, nil
	}
	return 0, fmt.Errorf("unknown precision %q (want float32, float16 or int8)", s)
}

// Projection maps a feature vector x to W*(x - Mean): for example PCA, to
// shrink the prototypes. Mean may be empty: L2 distances do not change
// when every vector is shifted alike, so an L2 engine need not store it.
type Projection struct {
	In, Out int
	Mean    []float32 // In values, or none
	W       []float32 // Out x In; not to be changed once a session uses it

	once sync.Once
	q    *projCodes // the integer form, derived on first use (see codes)
}

// Apply writes the projection of x into out (Out values).
func (p *Projection) Apply(out, x, scratch []float32) {
	if len(p.Mean) > 0 {
		for i, v := range x {
			scratch[i] = v - p.Mean[i]
		}
		x = scratch[:p.In]
	}
	gemm.Sgemm(false, false, p.Out, 1, p.In, 1, p.W, p.In, x, 1, 0, out, 1)
}

// Engine is a loaded engine file.
type Engine struct {
	Name     string // free text, e.g. "mnist-default"
	Topology string // "A", "B" or another name; informative only
	Stack    nn.Stack
	Proj     *Projection // optional, sliced engines only
	KNN      *knn.Set    // nil for a full CNN, which classifies by argmax
	Classes  []string    // class names of a full CNN (a sliced engine's live in KNN)
	// Prep says how a frame becomes Stack.In; the zero value is the digit
	// rule of every file without a PREP section.
	Prep Preprocess

	WeightType DType // how Encode stores layer weights
	ProtoType  DType // how Encode stores prototypes
}

// Enrol adds feature vectors as examples of class name (created if new)
// and returns its index. The vectors are taken as the engine file stores
// prototypes (ProtoType), so that the class's mean, radius and spread are
// those of the stored examples: the engine answers the same before it is
// saved and after it is loaded, exported or imported.
func (e *Engine) Enrol(name string, vecs [][]float32) (int, error) {
	if e.KNN == nil {
		return 0, errors.New("engine: a full CNN has no classes to enrol into")
	}
	stored := make([][]float32, len(vecs))
	for i, v := range vecs {
		stored[i] = Requantize(orF32(e.ProtoType), v, 1, len(v))
	}
	return e.KNN.Add(name, stored)
}

// Clone is a copy of e whose k-NN set (prototypes, labels, classes and
// open-set calibration) can be changed, by enrolment, without touching e;
// the layer stack and projection are shared, since nothing changes them.
func (e *Engine) Clone() *Engine {
	c := *e
	if e.KNN != nil {
		k := *e.KNN
		k.Vectors = slices.Clone(k.Vectors)
		k.Labels = slices.Clone(k.Labels)
		k.Classes = slices.Clone(k.Classes)
		k.Open = k.Open.Clone()
		c.KNN = &k
	}
	return &c
}

// Kind is "sliced" for a k-NN engine and "fullcnn" for a whole network.
func (e *Engine) Kind() string {
	if e.KNN != nil {
		return "sliced"
	}
	return "fullcnn"
}

// ClassNames is the list that labels index into.
func (e *Engine) ClassNames() []string {
	if e.KNN != nil {
		return e.KNN.Classes
	}
	return e.Classes
}

// FeatureDim is the length of the vectors the k-NN compares (after the
// projection, if any), or the output length of a full CNN.
func (e *Engine) FeatureDim() (int, error) {
	out, err := e.Stack.Out()
	if err != nil {
		return 0, err
	}
	if e.Proj != nil {
		return e.Proj.Out, nil
	}
	return out.Len(), nil
}

// Validate checks that stack, projection, k-NN and classes fit together.
func (e *Engine) Validate() error {
	if _, err := Cost(&e.Stack); err != nil {
		return err
	}
	out, err := e.Stack.Out()
	if err != nil {
		return err
	}
	if err := e.Prep.validate(e.Stack.In.C); err != nil {
		return err
	}
	if e.KNN == nil {
		if e.Proj != nil {
			return errors.New("engine: a projection without a k-NN")
		}
		if len(e.Classes) != out.Len() {
			return fmt.Errorf("engine: %d class names for %d outputs", len(e.Classes), out.Len())
		}
		return nil
	}
	dim := out.Len()
	if p := e.Proj; p != nil {
		if p.In != dim {
			return fmt.Errorf("engine: projection takes %d values, the stack gives %d", p.In, dim)
		}
		if p.Out <= 0 || (len(p.Mean) != p.In && len(p.Mean) != 0) || len(p.W) != p.In*p.Out {
			return fmt.Errorf("engine: projection %dx%d has %d mean and %d weight values", p.Out, p.In, len(p.Mean), len(p.W))
		}
		dim = p.Out
	}
	if e.KNN.Dim != dim {
		return fmt.Errorf("engine: prototypes have %d values, features %d", e.KNN.Dim, dim)
	}
	return e.KNN.Validate()
}

// Timing is where one classification spent its time.
type Timing struct {
	Conv time.Duration // the layer stack (the whole network for a full CNN)
	KNN  time.Duration // projection and k-NN search
}

// Unknown is the class name of an answer that matches no class.
const Unknown = "unknown"

// DefaultUnknownScale is the open-set rule as calibrated: an input farther
// from its class than the class's radius is unknown.
const DefaultUnknownScale = 1.0

// Prediction is one classification.
type Prediction struct {
	Label int    // the nearest class's index, also when the answer is unknown
	Class string // its name, or Unknown
	// Known is false when the input matches no class (an open-set engine
	// found it farther from every class than their calibrated radii).
	Known bool
	// Score is the confidence: for a calibrated sliced engine the vote
	// share times how close the input is to the class (1 well inside its
	// radius, 0.5 at it, towards 0 beyond), else the vote share; for a full
	// CNN the softmax probability.
	Score     float32
	Neighbors []knn.Neighbor // sliced only; owned by the Session
	Timing    Timing
}

// Session runs an Engine with reusable buffers. Not safe for concurrent use.
type Session struct {
	// UnknownScale multiplies every class radius of the open-set rule:
	// larger is more lenient, 0 turns unknown answers off. NewSession sets
	// DefaultUnknownScale.
	UnknownScale float64
	// UnknownViews is how many views of a digit frame the open-set rule
	// averages where the first is near its radius (see views.go): 1 is
	// the frame alone. NewSession sets DefaultUnknownViews.
	UnknownViews int
	// FloatProjection keeps the projection in float32 where the integer
	// product would run (for comparisons of the two).
	FloatProjection bool

	e        *Engine
	runner   *nn.Runner
	search   *knn.Searcher
	proj     []float32
	scratch  []float32
	pq       projScratch
	features []float32
	projOut  []float32 // ClassifyBatch's projected features
	view     []float32 // a shifted view of the input
}

// NewSession checks the engine and allocates the buffers to run it.
func (e *Engine) NewSession() (*Session, error) {
	return e.NewSessionOptions(nn.Options{})
}

// NewSessionOptions is NewSession with a choice of convolution algorithms.
func (e *Engine) NewSessionOptions(opt nn.Options) (*Session, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	r, err := nn.NewRunnerOptions(&e.Stack, opt)
	if err != nil {
		return nil, err
	}
	s := &Session{e: e, runner: r, UnknownScale: DefaultUnknownScale, UnknownViews: DefaultUnknownViews}
	if e.KNN != nil {
		s.search = knn.NewSearcher(e.KNN)
	}
	if p := e.Proj; p != nil {
		s.proj = make([]float32, p.Out)
		s.scratch = make([]float32, p.In)
	}
	return s, nil
}

// ConvAlgo is the algorithm the session runs layer i of the stack with
// (nn.ConvAuto for a layer that is not a convolution).
func (s *Session) ConvAlgo(i int) nn.ConvAlgo { return s.runner.ConvAlgo(i) }

// ConvAlgos are the algorithms of the session's conv layers, in order.
func (s *Session) ConvAlgos() nn.ConvAlgos { return s.runner.ConvAlgos() }

// Engine is the engine this session runs.
func (s *Session) Engine() *Engine { return s.e }

// Features runs the stack and the projection: the vector the k-NN compares.
// The result is owned by the Session and valid until the next call.
func (s *Session) Features(in []float32) ([]float32, error) {
	out, err := s.runner.Forward(in)
	if err != nil {
		return nil, err
	}
	if s.e.Proj != nil {
		return s.Project(out), nil
	}
	return out, nil
}

// Project is the projection of conv features x, owned by the Session as
// Features' result is: the integer product where the projection has one
// (see projCodes), else float32.
func (s *Session) Project(x []float32) []float32 {
	s.projectInto(s.proj, x)
	return s.proj
}

func (s *Session) projectInto(out, x []float32) {
	p := s.e.Proj
	if q := p.codes(); q != nil && !s.FloatProjection && q.apply(out, x, &s.pq, p.In) {
		return
	}
	p.Apply(out, x, s.scratch)
}

// Classify labels one input tensor (the stack's input shape, CHW).
func (s *Session) Classify(in []float32) (Prediction, error) {
	t0 := time.Now()
	out, err := s.runner.Forward(in)
	if err != nil {
		return Prediction{}, err
	}
	t1 := time.Now()
	var p Prediction
	var viewTime time.Duration
	if s.search == nil {
		p = argmax(out)
	} else {
		feat := out
		if s.e.Proj != nil {
			feat = s.Project(out)
		}
		r, err := s.search.Classify(feat)
		if err != nil {
			return Prediction{}, err
		}
		p = Prediction{Label: r.Label, Neighbors: r.Neighbors}
		p.Known, p.Score = s.e.KNN.Known(feat, r, s.UnknownScale)
		if s.takesViews() {
			tv := time.Now()
			if err := s.views(in, feat, r, &p); err != nil {
				return Prediction{}, err
			}
			// The views' stack runs count as stack time.
			viewTime = time.Since(tv)
		}
	}
	t2 := time.Now()
	p.name(s.e.ClassNames())
	p.Timing = Timing{Conv: t1.Sub(t0) + viewTime, KNN: t2.Sub(t1) - viewTime}
	return p, nil
}

// argmax is a full CNN's answer: the largest output, always a known class.
func argmax(out []float32) Prediction {
	best := 0
	for i, v := range out {
		if v > out[best] {
			best = i
		}
	}
	return Prediction{Label: best, Score: out[best], Known: true}
}

// name sets p's class name from its label: Unknown for an unknown answer,
// and for the label -1 of an engine with no classes yet.
func (p *Prediction) name(names []string) {
	if p.Label >= 0 {
		p.Class = names[p.Label]
	}
	if !p.Known {
		p.Class = Unknown
	}
}
