package train

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"time"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/engine/nn"
)

// Config controls a training run. The zero value of a field picks the
// default named beside it.
type Config struct {
	Epochs    int       // 1
	BatchSize int       // 128
	Optimizer Optimizer // Adam, lr 1e-3
	Seed      uint64    // shuffling and dropout; weights come from Init
	Threads   int       // workers; runtime.GOMAXPROCS
	Dropout   []float32 // rate after layer i (nil: none); see KerasDropout
	LRDecay   float64   // learning rate factor per epoch, 0 or 1: constant (needs a Scheduled optimiser)

	// Validation, if set, is scored after every epoch.
	Validation *dataset.Set
	// Progress, if set, is called after every mini-batch.
	Progress func(Status)
	// AfterEpoch, if set, is called after every epoch (1-based), for
	// example to save the weights and Trainer.State; an error stops Fit.
	AfterEpoch func(epoch int, r EpochResult) error
}

// Status is where a run stands, for progress bars and logs.
type Status struct {
	Epoch, Epochs    int
	Batch, Batches   int
	Images           int     // images seen in this epoch so far
	Loss             float64 // mean cross-entropy over this epoch so far
	Accuracy         float64 // training accuracy over this epoch so far (dropout on)
	ValAccuracy      float64 // after the epoch, if Validation is set; else -1
	Elapsed          time.Duration
	ImagesPerSec     float64
	Remaining        time.Duration // estimate for the whole run
	EpochDone        bool
	TotalImages      int
	EpochImagesTotal int
}

// EpochResult sums up one epoch.
type EpochResult struct {
	Loss, Accuracy, ValAccuracy float64
	Duration                    time.Duration
}

// KerasDropout places the dropout of Keras' mnist_cnn (topology A) on a
// stack: 0.25 after the layer that feeds the first dense layer (the
// pool that ends the conv stack) and 0.5 after the ReLU of every hidden
// dense layer. The paper trained topology B without dropout.
func KerasDropout(s *nn.Stack) []float32 {
	d := make([]float32, len(s.Layers))
	first := true
	for i, l := range s.Layers {
		if l.Op != nn.OpDense {
			continue
		}
		if first && i > 0 {
			d[i-1] = 0.25
		}
		first = false
		if i+2 < len(s.Layers) && s.Layers[i+1].Op == nn.OpReLU {
			d[i+1] = 0.5
		}
	}
	return d
}

// Trainer trains one stack in place.
type Trainer struct {
	stack   *nn.Stack
	cfg     Config
	shapes  []nn.Shape
	workers []*worker
	params  [][]float32
	grads   [][]float32
	step    uint64 // mini-batches done, keys the dropout masks
	epoch   int
	resumed int // epochs a restored trainer's next Fit skips
}

// New checks the stack and the configuration and allocates the buffers.
// The stack's last layer must be a softmax (trained with cross-entropy).
func New(s *nn.Stack, cfg Config) (*Trainer, error) {
	shapes, err := s.Shapes()
	if err != nil {
		return nil, err
	}
	L := len(s.Layers)
	if s.Layers[L-1].Op != nn.OpSoftmax {
		return nil, errors.New("train: the last layer must be a softmax")
	}
	for i, l := range s.Layers[:L-1] {
		if l.Op == nn.OpSoftmax {
			return nil, fmt.Errorf("train: softmax at layer %d; only the last layer may be one", i)
		}
	}
	if cfg.Epochs == 0 {
		cfg.Epochs = 1
	}
	if cfg.BatchSize == 0 {
		cfg.BatchSize = 128
	}
	if cfg.Threads == 0 {
		cfg.Threads = runtime.GOMAXPROCS(0)
	}
	if cfg.Optimizer == nil {
		cfg.Optimizer = NewAdam(1e-3)
	}
	switch {
	case cfg.Epochs < 0:
		return nil, fmt.Errorf("train: %d epochs", cfg.Epochs)
	case cfg.BatchSize < 1 || cfg.BatchSize > 1<<16:
		return nil, fmt.Errorf("train: batch size %d", cfg.BatchSize)
	case cfg.Threads < 1 || cfg.Threads > 256:
		return nil, fmt.Errorf("train: %d threads", cfg.Threads)
	}
	if cfg.Dropout == nil {
		cfg.Dropout = make([]float32, L)
	}
	if len(cfg.Dropout) != L {
		return nil, fmt.Errorf("train: %d dropout rates for %d layers", len(cfg.Dropout), L)
	}
	if cfg.LRDecay < 0 || cfg.LRDecay > 1 {
		return nil, fmt.Errorf("train: learning rate decay %g, want 0 to 1", cfg.LRDecay)
	}
	if _, ok := cfg.Optimizer.(Scheduled); !ok && cfg.LRDecay != 0 && cfg.LRDecay != 1 {
		return nil, fmt.Errorf("train: %v has no learning rate to decay", cfg.Optimizer)
	}
	for i, p := range cfg.Dropout {
		if p < 0 || p >= 1 || (p > 0 && i >= L-2) {
			return nil, fmt.Errorf("train: dropout %g after layer %d", p, i)
		}
	}
	threads := min(cfg.Threads, cfg.BatchSize)
	per := (cfg.BatchSize + threads - 1) / threads
	t := &Trainer{stack: s, cfg: cfg, shapes: shapes}
	for range threads {
		t.workers = append(t.workers, newWorker(s, shapes, cfg.Dropout, per))
	}
	for i := range s.Layers {
		if len(s.Layers[i].W) > 0 {
			t.params = append(t.params, s.Layers[i].W, s.Layers[i].B)
			t.grads = append(t.grads, t.workers[0].dw[i], t.workers[0].db[i])
		}
	}
	return t, nil
}

// Fit runs cfg.Epochs epochs over data and returns one result per epoch;
// after Restore, only the epochs still to run.
func (t *Trainer) Fit(data *dataset.Set) ([]EpochResult, error) {
	if data.Shape != t.stack.In {
		return nil, fmt.Errorf("train: images are %v, the network takes %v", data.Shape, t.stack.In)
	}
	out, _ := t.stack.Out()
	for i, l := range data.Labels {
		if l >= out.Len() {
			return nil, fmt.Errorf("train: image %d has label %d, the network has %d outputs", i, l, out.Len())
		}
	}
	if data.Len() == 0 {
		return nil, errors.New("train: no training images")
	}
	var res []EpochResult
	start := time.Now()
	sched, _ := t.cfg.Optimizer.(Scheduled)
	var base float64
	if sched != nil {
		base = sched.LearningRate()
		defer sched.SetLearningRate(base)
	}
	first := t.resumed
	t.resumed = 0
	for e := first; e < t.cfg.Epochs; e++ {
		if d := t.cfg.LRDecay; d > 0 && d < 1 {
			sched.SetLearningRate(base * math.Pow(d, float64(e)))
		}
		r, err := t.runEpoch(data, e, first, start)
		if err != nil {
			return res, err
		}
		res = append(res, r)
		if t.cfg.AfterEpoch != nil {
			if err := t.cfg.AfterEpoch(e+1, r); err != nil {
				return res, err
			}
		}
	}
	return res, nil
}

// runEpoch runs epoch e of a Fit that started at epoch first at start.
func (t *Trainer) runEpoch(data *dataset.Set, e, first int, start time.Time) (EpochResult, error) {
	total := (t.cfg.Epochs - first) * data.Len()
	t0 := time.Now()
	perm := dataset.Perm(data.Len(), t.cfg.Seed^uint64(t.epoch+1)*0x9e3779b97f4a7c15)
	t.epoch++
	bs := t.cfg.BatchSize
	batches := (len(perm) + bs - 1) / bs
	var loss float64
	correct, seen := 0, 0
	for b := 0; b < batches; b++ {
		idx := perm[b*bs : min((b+1)*bs, len(perm))]
		l, c := t.batch(data, idx)
		loss += l
		correct += c
		seen += len(idx)
		if t.cfg.Progress != nil {
			done := (e-first)*data.Len() + seen
			el := time.Since(start)
			rate := float64(done) / el.Seconds()
			t.cfg.Progress(Status{
				Epoch: e + 1, Epochs: t.cfg.Epochs, Batch: b + 1, Batches: batches,
				Images: seen, Loss: loss / float64(seen), Accuracy: float64(correct) / float64(seen),
				ValAccuracy: -1, Elapsed: el, ImagesPerSec: rate,
				Remaining:   time.Duration(float64(total-done) / rate * float64(time.Second)),
				TotalImages: total, EpochImagesTotal: data.Len(),
			})
		}
	}
	r := EpochResult{Loss: loss / float64(seen), Accuracy: float64(correct) / float64(seen), ValAccuracy: -1}
	if t.cfg.Validation != nil {
		acc, err := Accuracy(t.stack, t.cfg.Validation, t.cfg.Threads)
		if err != nil {
			return r, err
		}
		r.ValAccuracy = acc
	}
	r.Duration = time.Since(t0)
	if t.cfg.Progress != nil {
		el := time.Since(start)
		done := (e + 1 - first) * data.Len()
		t.cfg.Progress(Status{
			Epoch: e + 1, Epochs: t.cfg.Epochs, Batch: batches, Batches: batches, Images: seen,
			Loss: r.Loss, Accuracy: r.Accuracy, ValAccuracy: r.ValAccuracy, Elapsed: el,
			ImagesPerSec: float64(done) / el.Seconds(),
			Remaining:    time.Duration(float64(total-done) / (float64(done) / el.Seconds()) * float64(time.Second)),
			EpochDone:    true, TotalImages: total, EpochImagesTotal: data.Len(),
		})
	}
	return r, nil
}

// batch runs one mini-batch (the images at idx) and one optimiser step, and
// returns the summed loss and the number of correct answers.
func (t *Trainer) batch(data *dataset.Set, idx []int) (float64, int) {
	step := t.step
	t.step++
	per := (len(idx) + len(t.workers) - 1) / len(t.workers)
	scale := 1 / float32(len(idx))
	var wg sync.WaitGroup
	for wi, w := range t.workers {
		lo, hi := min(wi*per, len(idx)), min((wi+1)*per, len(idx))
		w.zeroGrads()
		if lo == hi {
			continue
		}
		wg.Add(1)
		go func(w *worker, part []int, lo int) {
			defer wg.Done()
			nb := len(part)
			n := data.Shape.Len()
			labels := make([]int, nb)
			for j, k := range part {
				copy(w.acts[0][j*n:(j+1)*n], data.Image(k))
				labels[j] = data.Labels[k]
			}
			w.forward(nb, true, func(layer, img int) *fastRand {
				r := newFastRand(t.cfg.Seed, step, uint64(lo+img), uint64(layer))
				return &r
			})
			w.score(nb, labels)
			w.backward(nb, labels, scale)
		}(w, idx[lo:hi], lo)
	}
	wg.Wait()
	// Sum in worker order so the result does not depend on scheduling.
	w0 := t.workers[0]
	for _, w := range t.workers[1:] {
		for i := range w.dw {
			addTo(w0.dw[i], w.dw[i])
			addTo(w0.db[i], w.db[i])
		}
	}
	t.cfg.Optimizer.Step(t.params, t.grads)
	var loss float64
	correct := 0
	for _, w := range t.workers {
		loss += w.loss
		correct += w.correct
	}
	return loss, correct
}

func addTo(dst, src []float32) {
	for i, v := range src {
		dst[i] += v
	}
}
