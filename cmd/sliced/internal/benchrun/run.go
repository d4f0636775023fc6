package benchrun

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/metrics"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

// EmbeddedFullCNN is the model name that stands for the full CNN built
// into the binary (models.FullCNNEngine) when Config.FullCNN is empty.
const EmbeddedFullCNN = "embedded:fullcnn-b64"

// Config is one benchmark run.
type Config struct {
	Backends []Spec
	Warmup   int // untimed calls per backend before timing
	Threads  int // goroutines classifying at once per backend (default 1)
	Round    int // frames per backend per interleaved round (default 100)
	// Engine is the sliced engine that the others are compared with.
	Engine *engine.Engine
	// FullCNN is the full-CNN engine file (or .onnx for the runtimes)
	// given to every backend but sliced; empty: the embedded full CNN.
	FullCNN string
	// Registry holds the backends; nil: backend.Default.
	Registry *backend.Registry
	// Metrics, when set, observes every call of a measured backend, the
	// warm-up's included, in the per-backend histograms under path
	// "bench", with the backend's own timings as the daemon observes
	// them. The reference labels computed beforehand are not observed.
	Metrics *metrics.Metrics
}

// loadEngine is the backends' LoadEngine: an engine file, or the embedded
// full CNN for EmbeddedFullCNN.
func loadEngine(path string) (*engine.Engine, error) {
	if path == EmbeddedFullCNN {
		return models.FullCNNEngine()
	}
	return engine.Load(path)
}

// reference labels every frame with the sliced engine and with the Go full
// CNN (untimed): the answers each row is checked against.
type reference struct {
	sliced, full []int
	probs        [][]float32 // the Go full CNN's class probabilities
	fullName     string
}

func newReference(cfg Config, fr *Frames) (*reference, error) {
	model := cfg.FullCNN
	if model == "" {
		model = EmbeddedFullCNN
	}
	fe, err := loadEngine(model)
	if err != nil {
		return nil, fmt.Errorf("benchrun: full CNN: %w", err)
	}
	full, err := backend.NewFullCNN(fe)
	if err != nil {
		return nil, fmt.Errorf("benchrun: %w", err)
	}
	sl := backend.NewSliced(func() *engine.Engine { return cfg.Engine })
	r := &reference{fullName: fe.Name}
	for i, t := range fr.Tensors {
		a, err := sl.Classify(t)
		if err != nil {
			return nil, fmt.Errorf("benchrun: sliced reference, frame %d: %w", i, err)
		}
		b, err := full.Classify(t)
		if err != nil {
			return nil, fmt.Errorf("benchrun: full CNN reference, frame %d: %w", i, err)
		}
		r.sliced, r.full, r.probs = append(r.sliced, a.Label), append(r.full, b.Label), append(r.probs, b.Scores)
	}
	return r, nil
}

// lane is one backend being measured.
type lane struct {
	row    Row
	b      backend.Backend
	lat    []time.Duration
	labels []int
	diff   float64 // largest |p - Go full CNN p|, when the scores are probabilities
	probs  bool
	busy   time.Duration
	err    error
	m      *metrics.Metrics // nil: not observed
}

// observe records one call's timings under path bench.
func (l *lane) observe(r backend.Result) {
	if l.m == nil {
		return
	}
	info := l.b.Info()
	l.m.Inference(metrics.PathBench, "", info.Name, info.Device, r.Timing.Inference, r.Timing.Conv, r.Timing.KNN)
}

// Run measures every backend of cfg on the same frames. A backend that
// cannot be built is a row that says why; Run fails only for a bad
// configuration, a missing reference or a cancelled context.
func Run(ctx context.Context, cfg Config, fr *Frames) (*Report, error) {
	if cfg.Engine == nil {
		return nil, errors.New("benchrun: no sliced engine")
	}
	if fr == nil || len(fr.Tensors) == 0 || len(fr.Tensors) != len(fr.Labels) {
		return nil, errors.New("benchrun: no frames")
	}
	if len(cfg.Backends) == 0 {
		return nil, errors.New("benchrun: no backends")
	}
	if cfg.Warmup < 0 || cfg.Threads < 0 || cfg.Round < 0 {
		return nil, fmt.Errorf("benchrun: warmup %d, threads %d, round %d", cfg.Warmup, cfg.Threads, cfg.Round)
	}
	cfg.Threads = max(cfg.Threads, 1)
	if cfg.Round == 0 {
		cfg.Round = 100
	}
	reg := cfg.Registry
	if reg == nil {
		reg = backend.Default
	}
	ref, err := newReference(cfg, fr)
	if err != nil {
		return nil, err
	}
	model := cfg.FullCNN
	if model == "" {
		model = EmbeddedFullCNN
	}
	n := len(fr.Tensors)
	var lanes []*lane
	for _, s := range cfg.Backends {
		o := backend.Options{Name: s.Name, Device: s.Device, Model: model, LoadEngine: loadEngine,
			Engine: func() *engine.Engine { return cfg.Engine }}
		if s.Name == "sliced" {
			o.Model = ""
		}
		l := &lane{row: Row{Backend: s.String(), Device: s.Device}, m: cfg.Metrics}
		lanes = append(lanes, l)
		b, err := reg.New(o)
		if err != nil {
			l.row.State, l.row.Reason = string(backend.StateOf(err)), err.Error()
			continue
		}
		defer b.Close()
		info := b.Info()
		l.b, l.row.Device, l.row.Model, l.row.State = b, info.Device, info.Model, string(backend.Loaded)
		l.lat, l.labels = make([]time.Duration, n), make([]int, n)
		l.probs = s.Name != "sliced" && len(b.Classes()) == len(ref.probs[0])
		for i := range cfg.Warmup {
			r, err := b.Classify(fr.Tensors[i%n])
			if err != nil {
				l.err = fmt.Errorf("warm-up: %w", err)
				break
			}
			l.observe(r)
		}
	}
	var live []*lane
	for _, l := range lanes {
		if l.b != nil && l.err == nil {
			live = append(live, l)
		}
	}
	next := make([]int, len(live)) // each lane's first frame of its next round
	err = Rounds(len(live), func(i int) (bool, error) {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		l, start := live[i], next[i]
		next[i] = min(start+cfg.Round, n)
		l.round(fr, ref, start, next[i], cfg.Threads)
		return next[i] < n && l.err == nil, nil
	})
	if err != nil {
		return nil, err
	}
	rep := &Report{Source: fr.Source, Frames: n, Warmup: cfg.Warmup, Threads: cfg.Threads,
		Sliced: cfg.Engine.Name, FullCNN: ref.fullName, Machine: Machine()}
	for _, l := range lanes {
		l.finish(fr, ref)
		rep.Rows = append(rep.Rows, l.row)
	}
	rep.ratios()
	return rep, nil
}

// round classifies frames [start, end) with threads goroutines.
func (l *lane) round(fr *Frames, ref *reference, start, end, threads int) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	t0 := time.Now()
	for w := range threads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := start + w; i < end; i += threads {
				c0 := time.Now()
				r, err := l.b.Classify(fr.Tensors[i])
				l.lat[i] = time.Since(c0)
				if err != nil {
					mu.Lock()
					if l.err == nil {
						l.err = fmt.Errorf("frame %d: %w", i, err)
					}
					mu.Unlock()
					return
				}
				l.labels[i] = r.Label
				l.observe(r)
				if l.probs && len(r.Scores) == len(ref.probs[i]) {
					var d float64
					for j, p := range r.Scores {
						d = max(d, abs(float64(p-ref.probs[i][j])))
					}
					mu.Lock()
					l.diff = max(l.diff, d)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	l.busy += time.Since(t0)
}

// finish turns a lane's measurements into its row.
func (l *lane) finish(fr *Frames, ref *reference) {
	if l.b == nil {
		return
	}
	if l.err != nil {
		l.row.State, l.row.Reason = string(backend.Failed), l.err.Error()
		return
	}
	n := len(fr.Tensors)
	var correct, same, sameFull int
	for i, lab := range l.labels {
		if lab == fr.Labels[i] {
			correct++
		}
		if lab == ref.sliced[i] {
			same++
		}
		if lab == ref.full[i] {
			sameFull++
		}
	}
	r := &l.row
	r.Frames = n
	r.P50US, r.P90US, r.P99US = Micros(Percentile(l.lat, 0.50)), Micros(Percentile(l.lat, 0.90)), Micros(Percentile(l.lat, 0.99))
	r.PerSecond = float64(n) / l.busy.Seconds()
	r.Accuracy = float64(correct) / float64(n)
	r.AgreeSliced = float64(same) / float64(n)
	r.AgreeFullCNN = float64(sameFull) / float64(n)
	if l.probs {
		d := l.diff
		r.MaxDiff = &d
	}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
