package prototypes

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/knn"
	"github.com/sliced-ai/sliced/engine/nn"
)

// Options say how to build one engine from a Builder.
type Options struct {
	Dim         int // PCA components; 0 keeps the raw conv features
	PerClass    int // k-means prototypes per class; 0 keeps every training vector
	K           int
	Metric      knn.Metric
	Vote        knn.Vote
	ProtoType   engine.DType
	ProjType    engine.DType // precision of the projection matrix
	KMeansIters int
	Seed        uint64
	// LearnEpochs > 0 trains the projection and the prototypes together
	// after PCA and k-means have placed them (see LearnPrototypes).
	LearnEpochs int
	LearnRate   float64
	Compact     float64 // see LearnOptions.Compact
	Progress    func(epoch int, loss float64)
}

func (o Options) String() string {
	return fmt.Sprintf("dim=%d per-class=%d learn-epochs=%d k=%d %v %v-vote protos=%v proj=%v", o.Dim, o.PerClass, o.LearnEpochs, o.K, o.Metric, o.Vote, o.ProtoType, o.ProjType)
}

// Builder holds the conv features of the training images, computed once,
// so that many option sets can be built and compared cheaply.
type Builder struct {
	Name, Topology string
	Stack          nn.Stack // as stored: weights already at WeightType
	WeightType     engine.DType
	Classes        []string
	// SubspaceIters > 0 computes projections by SubspacePCA with that
	// many passes instead of PCA's full eigendecomposition, which is slow
	// for wide features (thousands of values).
	SubspaceIters int

	feats  []float32
	labels []int
	dim    int
	pca    map[int][2][]float32 // components -> mean, matrix
	learnt map[learnKey]*Learned
}

// learnKey names a learned projection: everything but k, the metric's
// name and the storage precisions, which do not change what is learned.
type learnKey struct {
	dim, perClass, epochs, iters int
	rate, compact                float64
	seed                         uint64
}

// NewBuilder quantizes the stack's weights to wt and extracts the features
// of n training images.
func NewBuilder(stack nn.Stack, wt engine.DType, images []float32, labels []int, classes []string) (*Builder, error) {
	q := Quantize(stack, wt)
	feats, dim, err := Features(&q, images, len(labels))
	if err != nil {
		return nil, err
	}
	return &Builder{Stack: q, WeightType: wt, Classes: classes, feats: feats, labels: labels, dim: dim, pca: map[int][2][]float32{}, learnt: map[learnKey]*Learned{}}, nil
}

// Quantize returns a copy of s whose weights are as precision d stores them.
func Quantize(s nn.Stack, d engine.DType) nn.Stack {
	out := nn.Stack{In: s.In, Layers: make([]nn.Layer, len(s.Layers))}
	in := s.In
	shapes, _ := s.Shapes()
	for i, l := range s.Layers {
		if rows, cols := l.WeightShape(in); rows > 0 {
			l.W = engine.Requantize(d, l.W, rows, cols)
			l.B = append([]float32(nil), l.B...)
		}
		out.Layers[i] = l
		if i < len(shapes) {
			in = shapes[i]
		}
	}
	return out
}

// FeatureDim is the length of the raw conv features.
func (b *Builder) FeatureDim() int { return b.dim }

// Build makes an engine for one option set.
func (b *Builder) Build(o Options) (*engine.Engine, error) {
	if o.K <= 0 {
		o.K = knn.DefaultK
	}
	if o.Metric == 0 {
		o.Metric = knn.L2
	}
	vecs, dim := b.feats, b.dim
	e := &engine.Engine{Name: b.Name, Topology: b.Topology, Stack: b.Stack, WeightType: b.WeightType, ProtoType: o.ProtoType}
	if o.Dim > 0 {
		pc, ok := b.pca[o.Dim]
		if !ok {
			var mean, w []float32
			var err error
			if b.SubspaceIters > 0 {
				mean, w, err = SubspacePCA(b.feats, len(b.labels), b.dim, o.Dim, b.SubspaceIters, o.Seed)
			} else {
				mean, w, err = PCA(b.feats, len(b.labels), b.dim, o.Dim)
			}
			if err != nil {
				return nil, err
			}
			pc = [2][]float32{mean, w}
			b.pca[o.Dim] = pc
		}
		p := &engine.Projection{In: b.dim, Out: o.Dim, W: engine.Requantize(o.ProjType, pc[1], o.Dim, b.dim)}
		if o.Metric == knn.Cosine {
			p.Mean = pc[0] // cosine is not shift-invariant; L2 is
		}
		e.Proj = p
		vecs, dim = Project(p, b.feats, len(b.labels)), o.Dim
	}
	set := &knn.Set{K: o.K, Metric: o.Metric, Vote: o.Vote, Dim: dim, Classes: b.Classes}
	for c := range b.Classes {
		var rows []float32
		for i, l := range b.labels {
			if l == c {
				rows = append(rows, vecs[i*dim:(i+1)*dim]...)
			}
		}
		n := len(rows) / dim
		if n == 0 {
			continue
		}
		if o.PerClass > 0 {
			iters := o.KMeansIters
			if iters == 0 {
				iters = 25
			}
			rows = KMeans(rows, n, dim, o.PerClass, iters, o.Seed+uint64(c))
			n = len(rows) / dim
		}
		set.Vectors = append(set.Vectors, rows...)
		for i := 0; i < n; i++ {
			set.Labels = append(set.Labels, c)
		}
	}
	if o.LearnEpochs > 0 {
		if e.Proj == nil || o.PerClass == 0 || o.Metric != knn.L2 {
			return nil, fmt.Errorf("learned prototypes need a projection (--dims > 0), a prototype count per class and the l2 metric")
		}
		key := learnKey{o.Dim, o.PerClass, o.LearnEpochs, o.KMeansIters, o.LearnRate, o.Compact, o.Seed}
		L, ok := b.learnt[key]
		if !ok {
			var err error
			L, err = LearnPrototypes(b.feats, b.labels, b.dim, b.pca[o.Dim][1], o.Dim, set.Vectors, set.Labels,
				LearnOptions{Epochs: o.LearnEpochs, LR: o.LearnRate, Seed: o.Seed, Compact: o.Compact, Progress: o.Progress})
			if err != nil {
				return nil, err
			}
			b.learnt[key] = L
		}
		set.Labels = L.Labels
		e.Proj = &engine.Projection{In: b.dim, Out: o.Dim, W: engine.Requantize(o.ProjType, L.P, o.Dim, b.dim)}
		// The prototypes must sit where the stored projection maps the
		// training features, so re-fit them to the quantized projection.
		set.Vectors = L.Protos
	}
	// Prototypes as the file will hold them.
	set.Vectors = engine.Requantize(o.ProtoType, set.Vectors, set.Len(), dim)
	set.Prepare()
	e.KNN = set
	return e, e.Validate()
}

// Project applies p to n feature rows on every core.
func Project(p *engine.Projection, feats []float32, n int) []float32 {
	out := make([]float32, n*p.Out)
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			scratch := make([]float32, p.In)
			for i := w; i < n; i += workers {
				p.Apply(out[i*p.Out:(i+1)*p.Out], feats[i*p.In:(i+1)*p.In], scratch)
			}
		}(w)
	}
	wg.Wait()
	return out
}

// Accuracy classifies n images with e on every core and returns the share
// whose label matches.
func Accuracy(e *engine.Engine, images []float32, labels []int) (float64, error) {
	correct := make([]int, runtime.GOMAXPROCS(0))
	err := EachInput(e, images, len(labels), func(w int, s *engine.Session, i int, in []float32) error {
		p, err := s.Classify(in)
		if err == nil && p.Label == labels[i] {
			correct[w]++
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	total := 0
	for _, c := range correct {
		total += c
	}
	return float64(total) / float64(len(labels)), nil
}

// EachInput calls fn for each of the n inputs in images (the stack's input
// shape each) on GOMAXPROCS workers, each with a Session of its own; w is
// the worker's number, below GOMAXPROCS. It returns the first error.
func EachInput(e *engine.Engine, images []float32, n int, fn func(w int, s *engine.Session, i int, in []float32) error) error {
	inLen := e.Stack.In.Len()
	if len(images) < n*inLen {
		return fmt.Errorf("%d values for %d inputs of %d", len(images), n, inLen)
	}
	workers := runtime.GOMAXPROCS(0)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			s, err := e.NewSession()
			if err != nil {
				errs[w] = err
				return
			}
			for i := w; i < n; i += workers {
				if err := fn(w, s, i, images[i*inLen:(i+1)*inLen]); err != nil {
					errs[w] = err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
