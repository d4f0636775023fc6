package build

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/calibration/evolve"
	"github.com/sliced-ai/sliced/engine/nn"
)

// maxQueries bounds the fitness queries: every evaluation compares each
// query with every prototype, so more would cost time, not accuracy.
const maxQueries = 1000

// evolveStage tunes the conv kernels of conv in place by CMA-ES or PSO
// with a k-NN fitness on the training images, guarded by the validation
// images, from the trained kernels (or random ones when cfg.Epochs is 0).
// evolve's own checkpoint in the work folder lets a stopped search go on.
func evolveStage(ctx context.Context, cfg *Config, conv *nn.Stack, fit, val *dataset.Set) error {
	done := filepath.Join(cfg.Work, evolvedFile)
	var w weights
	if found, err := loadGob(done, &w); err != nil {
		return err
	} else if found {
		cfg.logf("evolve: done before, taken from %s", done)
		return w.into(conv)
	}
	protos, queries, err := fit.Split(min(maxQueries, fit.Len()/4), cfg.Seed+1)
	if err != nil {
		return err
	}
	ckpt := filepath.Join(cfg.Work, evolveFile)
	_, statErr := os.Stat(ckpt)
	resume := statErr == nil
	if statErr != nil && !errors.Is(statErr, fs.ErrNotExist) {
		return statErr
	}
	from := "trained"
	if cfg.Epochs == 0 {
		from = "random"
	}
	ecfg := evolve.Config{
		Method: cfg.Method, Init: from, Generations: cfg.Generations, K: cfg.K, Workers: cfg.Threads, Seed: cfg.Seed,
		CheckpointPath: ckpt, Resume: resume, Progress: cfg.EvolveProgress,
	}
	if resume {
		cfg.logf("evolve: going on from %s", ckpt)
	} else {
		cfg.logf("evolve: %s from %s kernels, %d generations per filter, %d prototypes, %d fitness queries, %d validation images",
			cfg.Method, from, cfg.Generations, protos.Len(), queries.Len(), val.Len())
	}
	res, err := evolve.Run(ctx, conv, evolve.Data{Protos: protos, Queries: queries, Val: val}, ecfg)
	if err != nil {
		return err
	}
	for i, v := range res.ValAcc {
		cfg.logf("evolve: conv%d validation accuracy %.2f%% (k-NN on the conv features)", i+1, 100*v)
	}
	return saveGob(done, weightsOf(conv))
}
