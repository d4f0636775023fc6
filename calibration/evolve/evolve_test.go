package evolve

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/engine/knn"
	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models"
)

// mnist loads small deterministic MNIST subsets, or skips when the GoMNIST
// module is not in the module cache.
func mnist(t *testing.T, nTrain, nTest int) (train, test *dataset.Set) {
	t.Helper()
	tr, te, err := dataset.LoadMNIST("")
	if err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	return tr.Subset(nTrain, 1), te.Subset(nTest, 1)
}

// tinyStack is conv 4x3x3, relu, pool, conv 4x3x3x4, relu, pool: the
// shape of topology B at a size that runs in milliseconds.
func tinyStack() nn.Stack {
	conv := func(out, in int) nn.Layer {
		return nn.Layer{Op: nn.OpConv, Out: out, Size: 3, W: make([]float32, out*in*9), B: make([]float32, out)}
	}
	return nn.Stack{In: models.MNISTInput, Layers: []nn.Layer{
		conv(4, 1), {Op: nn.OpReLU}, {Op: nn.OpMaxPool, Size: 2},
		conv(4, 4), {Op: nn.OpReLU}, {Op: nn.OpMaxPool, Size: 2},
	}}
}

// The CI smoke run: topology B end to end on a few hundred images, for
// both optimisers, then an engine scored on unseen test images.
func TestSmokeTopologyB(t *testing.T) {
	train, test := mnist(t, 700, 200)
	data, err := SplitTrain(train, 100, 100, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, method := range []string{"cmaes", "pso"} {
		s := models.ConvStack(models.B)
		var log bytes.Buffer
		gens := 0
		res, err := Run(context.Background(), &s, data, Config{
			Method: method, Generations: 1, Population: 4, Seed: 1, Log: &log,
			Progress: func(Progress) { gens++ },
		})
		if err != nil {
			t.Fatal(err)
		}
		if gens != 32+64 {
			t.Errorf("%s: %d generations reported, want 96", method, gens)
		}
		if rows := strings.Count(log.String(), "\n"); rows != 1+96 {
			t.Errorf("%s: CSV has %d lines, want a header and 96 rows", method, rows)
		}
		if len(res.ValAcc) != 2 || res.ValAcc[0] < 0.6 || res.ValAcc[1] < 0.6 {
			t.Errorf("%s: validation accuracy per stage %v, want both well above chance", method, res.ValAcc)
		}
		e, err := NewEngine("smoke", "B", &s, train, 9, knn.L2)
		if err != nil {
			t.Fatal(err)
		}
		acc, err := Accuracy(e, test)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: val %v, test %.3f, %d evaluations in %v", method, res.ValAcc, acc, res.Evals, res.Elapsed)
		if acc < 0.6 {
			t.Errorf("%s: test accuracy %.3f after a smoke run, want > 0.6", method, acc)
		}
	}
}

// After every block the cached distance matrices must equal distances
// recomputed from the kernels now in the stack.
func TestIncrementalDistancesStayExact(t *testing.T) {
	train, _ := mnist(t, 400, 1)
	data, err := SplitTrain(train, 100, 100, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, metric := range []string{"l2", "cosine"} {
		s := tinyStack()
		cfg := Config{Generations: 3, Block: 3, Seed: 3, Workers: 2, Metric: metric}
		if err := cfg.defaults(); err != nil {
			t.Fatal(err)
		}
		stages, _ := stagesOf(&s)
		r := newRunner(&s, stages, data, cfg)
		r.enterStage(0)
		for f := 0; f < 4; f += 3 {
			if err := r.runBlock(context.Background(), f, nil); err != nil {
				t.Fatal(err)
			}
		}
		if r.res.Accepted == 0 {
			t.Fatalf("%s: no block was kept; nothing to compare", metric)
		}
		inc := r.fit.all.clone()
		r.enterStage(0) // recomputes features and stats from the kernels
		for name, pair := range map[string][2][]float32{"M": {inc.M, r.fit.all.M}, "QN": {inc.QN, r.fit.all.QN}, "PN": {inc.PN, r.fit.all.PN}} {
			for i, want := range pair[1] {
				if d := math.Abs(float64(pair[0][i] - want)); d > 1e-3*(1+math.Abs(float64(want))) {
					t.Fatalf("%s: %s[%d]: incremental %g, recomputed %g", metric, name, i, pair[0][i], want)
				}
			}
		}
		if r.res.Accepted+r.res.Rejected != 2 {
			t.Errorf("%s: %d blocks decided, want 2", metric, r.res.Accepted+r.res.Rejected)
		}
	}
}

// A run interrupted in conv2 resumes from its checkpoint: conv1 stays as
// it was, the CSV goes on, and the run finishes.
func TestInterruptAndResume(t *testing.T) {
	train, _ := mnist(t, 400, 1)
	data, err := SplitTrain(train, 100, 100, 4)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ckpt := filepath.Join(dir, "run.ckpt")
	cfg := Config{Generations: 3, Seed: 5, CheckpointPath: ckpt, CheckpointEvery: 2}

	full := tinyStack()
	if _, err := Run(context.Background(), &full, data, cfg); err != nil {
		t.Fatal(err)
	}

	s := tinyStack()
	ctx, cancel := context.WithCancel(context.Background())
	var log bytes.Buffer
	c := cfg
	c.Log = &log
	c.Progress = func(p Progress) {
		if p.Stage == 1 && p.Filter == 1 && p.Gen == 2 {
			cancel()
		}
	}
	_, err = Run(ctx, &s, data, c)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run returned %v, want context.Canceled", err)
	}
	if _, err := os.Stat(ckpt); err != nil {
		t.Fatalf("no checkpoint after the interruption: %v", err)
	}
	rows := strings.Count(log.String(), "\n")

	resumed := tinyStack() // weights come from the checkpoint
	c = cfg
	c.Resume, c.Log = true, &log
	first := Progress{Gen: -1}
	c.Progress = func(p Progress) {
		if first.Gen < 0 {
			first = p
		}
	}
	res, err := Run(context.Background(), &resumed, data, c)
	if err != nil {
		t.Fatal(err)
	}
	if first.Stage != 1 || first.Filter != 1 || first.Gen != 3 {
		t.Errorf("resumed at stage %d filter %d generation %d, want 1, 1, 3", first.Stage, first.Filter, first.Gen)
	}
	if !slices.Equal(resumed.Layers[0].W, full.Layers[0].W) {
		t.Error("conv1 kernels differ from the uninterrupted run's")
	}
	if len(res.ValAcc) != 2 {
		t.Errorf("validation accuracy for %d stages, want 2", len(res.ValAcc))
	}
	if got := strings.Count(log.String(), "\n"); got != rows+1+2*3 {
		t.Errorf("CSV grew from %d to %d lines, want %d more", rows, got, 1+2*3)
	}

	c.Seed = 6
	if _, err := Run(context.Background(), &resumed, data, c); err == nil {
		t.Error("resuming with another seed was accepted")
	}
}

func TestConfigErrors(t *testing.T) {
	train, _ := mnist(t, 300, 1)
	data, _ := SplitTrain(train, 50, 50, 1)
	bad := []Config{
		{Method: "ga"},
		{Init: "pretrained"},
		{CMA: "diagonal"},
		{Block: -1},
		{Resume: true},
	}
	for i, cfg := range bad {
		s := tinyStack()
		if _, err := Run(context.Background(), &s, data, cfg); err == nil {
			t.Errorf("config %d accepted", i)
		}
	}
	s := tinyStack()
	s.Layers = append(s.Layers, nn.Layer{Op: nn.OpDense, Out: 2, W: make([]float32, 2*4*4*4), B: make([]float32, 2)})
	if _, err := Run(context.Background(), &s, data, Config{}); err == nil {
		t.Error("a stack with a dense layer was accepted")
	}
	if _, err := SplitTrain(train, 200, 100, 1); err == nil {
		t.Error("a split that leaves no prototypes was accepted")
	}
}

func TestLimitProtos(t *testing.T) {
	train, _ := mnist(t, 300, 1)
	data, err := SplitTrain(train, 50, 50, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := data.LimitProtos(80, 1).Protos.Len(); got != 80 {
		t.Errorf("LimitProtos(80) kept %d", got)
	}
	if got := data.LimitProtos(0, 1).Protos.Len(); got != 200 {
		t.Errorf("LimitProtos(0) kept %d, want all 200", got)
	}
}

// Queries 0 makes the fitness leave-one-out over the prototypes; the run
// must still tune every filter and keep the validation split apart.
func TestLeaveOneOutRun(t *testing.T) {
	train, _ := mnist(t, 300, 1)
	data, err := SplitTrain(train, 0, 50, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !data.LeaveOneOut() || data.Protos.Len() != 250 || data.Val.Len() != 50 {
		t.Fatalf("leave-one-out split: %d prototypes, %d validation images, leave-one-out %v", data.Protos.Len(), data.Val.Len(), data.LeaveOneOut())
	}
	s := models.ConvStack(models.B)
	res, err := Run(context.Background(), &s, data, Config{Generations: 1, Population: 4, Block: 16, Metric: "cosine", K: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.ValAcc) != 2 || res.ValAcc[1] < 0.5 {
		t.Errorf("validation accuracy per stage %v, want well above chance", res.ValAcc)
	}
	if _, err := SplitTrain(train, -1, 50, 1); err == nil {
		t.Error("negative queries accepted")
	}
}
