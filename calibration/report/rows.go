package report

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/calibration/evolve"
	"github.com/sliced-ai/sliced/calibration/train"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/knn"
	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models"
)

// ticker returns a function that says whether a progress line is due:
// one every 30 s, and whenever force is set.
func (r *Runner) ticker() func(force bool) bool {
	last := time.Now()
	return func(force bool) bool {
		if !force && time.Since(last) < 30*time.Second {
			return false
		}
		last = time.Now()
		return true
	}
}

// trainRow trains a full CNN the way `slicecal train` does by default
// (Glorot init, Adam 1e-3, batch 128, Keras dropout for topology A) and
// scores it on the test images.
func (r *Runner) trainRow(s Spec, st Settings, trainSet, testSet *dataset.Set, res *Result) error {
	n := s.Network
	stack, err := r.backprop(s.ID(), n.Topology, n.Hidden, st, trainSet)
	if err != nil {
		return err
	}
	if res.Accuracy, err = train.Accuracy(&stack, testSet, st.Threads); err != nil {
		return err
	}
	e := &engine.Engine{Name: "mnist-" + n.ID, Topology: string(n.Topology), Stack: stack, Classes: trainSet.Classes,
		WeightType: engine.F32, ProtoType: engine.F32}
	res.Params = stack.Params()
	res.EngineBytes, err = engine.EncodedSize(e)
	return err
}

// backprop trains a full CNN for st.Epochs with the trainer's defaults.
func (r *Runner) backprop(id string, t models.Topology, hidden int, st Settings, trainSet *dataset.Set) (nn.Stack, error) {
	stack := models.FullCNN(t, hidden, len(trainSet.Classes))
	if err := train.Init(&stack, st.Seed, train.Glorot); err != nil {
		return stack, err
	}
	var drop []float32
	if t == models.A {
		drop = train.KerasDropout(&stack)
	}
	tick := r.ticker()
	tr, err := train.New(&stack, train.Config{Epochs: st.Epochs, BatchSize: st.Batch, Optimizer: train.NewAdam(1e-3),
		Seed: st.Seed, Threads: st.Threads, Dropout: drop, Progress: func(p train.Status) {
			if tick(p.EpochDone) {
				fmt.Fprintf(r.cfg.Log, "  %s: %s\n", id, train.Line(p))
			}
		}})
	if err != nil {
		return stack, err
	}
	_, err = tr.Fit(trainSet)
	return stack, err
}

// evolveRow tunes topology B's conv kernels serially (in quick mode in
// blocks) with the k-NN fitness, from the kernels of B/64 trained for the
// protocol's epochs (Init "trained", the B/64 row's network) or from
// random ones, then builds the engine with every training image (and
// st.Shifts shifted copies of each) as a prototype, as `slicecal evolve`
// does. A checkpoint in rows/ lets an interrupted row continue.
func (r *Runner) evolveRow(ctx context.Context, s Spec, st Settings, trainSet, testSet *dataset.Set, res *Result) error {
	stack := models.ConvStack(s.Network.Topology)
	d, err := evolve.SplitTrain(trainSet, st.Queries, st.Val, st.Seed)
	if err != nil {
		return err
	}
	d = d.LimitProtos(st.FitnessProtos, st.Seed)
	metric, err := knn.ParseMetric(st.Metric)
	if err != nil {
		return err
	}
	ckpt := r.rowFile(s.ID(), "-"+settingsKey(st)+".ckpt")
	_, statErr := os.Stat(ckpt)
	res.Resumed = statErr == nil
	logFlags := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
	if res.Resumed {
		logFlags = os.O_CREATE | os.O_WRONLY | os.O_APPEND
	}
	logPath := r.rowFile(s.ID(), ".csv")
	logFile, err := os.OpenFile(logPath, logFlags, 0o644)
	if err != nil {
		return err
	}
	defer logFile.Close()
	if st.Init == "trained" && !res.Resumed {
		full, err := r.backprop(s.ID(), s.Network.Topology, 64, st, trainSet)
		if err != nil {
			return err
		}
		for i := range stack.Layers {
			copy(stack.Layers[i].W, full.Layers[i].W)
			copy(stack.Layers[i].B, full.Layers[i].B)
		}
	}
	cfg := evolve.Config{Method: s.Network.Method, Init: st.Init, Block: st.Block, Generations: st.Generations, Population: st.Population,
		K: st.K, Metric: st.Metric, Workers: st.Threads, Seed: st.Seed, CheckpointPath: ckpt, CheckpointEvery: 10, Resume: res.Resumed, Log: logFile}
	tick := r.ticker()
	cfg.Progress = func(p evolve.Progress) {
		if tick(false) {
			fmt.Fprintf(r.cfg.Log, "  %s: conv%d filter %d/%d generation %d/%d, validation %.2f %%, %s elapsed, ETA %s\n", s.ID(),
				p.Stage+1, p.Filter+p.Block, p.Filters, p.Gen, p.Gens, 100*p.ValAcc, p.Elapsed.Round(time.Second), p.ETA.Round(time.Second))
		}
	}
	t0 := time.Now()
	er, err := evolve.Run(ctx, &stack, d, cfg)
	if err != nil {
		if ctx.Err() != nil {
			return errors.Join(err, fmt.Errorf("interrupted; checkpoint %s continues the row on the next run", ckpt))
		}
		return err
	}
	// A resumed search counts the time its checkpoint recorded; runOne
	// adds this process's time.
	res.WallSeconds = max(0, (er.Elapsed - time.Since(t0)).Seconds())
	protos, err := dataset.ShiftCopies(trainSet, st.Shifts)
	if err != nil {
		return err
	}
	e, err := evolve.NewEngine("mnist-"+s.Network.ID, string(s.Network.Topology), &stack, protos, st.K, metric)
	if err != nil {
		return err
	}
	if res.Accuracy, err = evolve.Accuracy(e, testSet); err != nil {
		return err
	}
	res.Params = stack.Params()
	res.Prototypes = e.KNN.Len()
	if res.EngineBytes, err = engine.EncodedSize(e); err != nil {
		return err
	}
	for _, l := range stack.Layers {
		if len(l.W) > 0 {
			res.Conv = append(res.Conv, LayerWeights{W: slices.Clone(l.W), B: slices.Clone(l.B)})
		}
	}
	os.Remove(ckpt) // the row is about to be cached; its checkpoint is spent
	return nil
}
