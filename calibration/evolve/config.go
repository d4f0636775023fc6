package evolve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/sliced-ai/sliced/engine/knn"
)

// Config is one evolutionary calibration run.
type Config struct {
	Method string // "cmaes" or "pso"
	Init   string // "random" (kernels start from He-normal draws) or "trained" (the stack's weights)
	// Block is how many filters of a layer are optimised together: 1 is
	// the paper's serial optimisation, more is its parallel mode.
	Block int
	// Generations per block; a CMA-ES block that converges earlier ends
	// early.
	Generations int
	// Population per generation; 0 takes CMA-ES's default, 4 + 3 ln n
	// for n parameters, for both methods, so they search on equal budgets.
	Population int
	// CMA picks the covariance model: "auto" (separable above 100
	// parameters, so conv2 filters learn within a short budget), "full"
	// or "sep".
	CMA string
	// Restarts is how many IPOP restarts (doubling the population) a
	// CMA-ES block may make once its search stalls, within its
	// generations.
	Restarts int
	// Sigma is the initial step (CMA-ES) or swarm radius (PSO) as a
	// multiple of the He scale sqrt(2/fan-in); 0 gives 1 for random and
	// 0.2 for trained kernels.
	Sigma float64
	// K is the k of the k-NN fitness (0 gives the paper's 9).
	K int
	// Metric is the k-NN distance, "l2" (the default) or "cosine"; the
	// engine built from the kernels should use the same.
	Metric string
	metric knn.Metric
	// Share weighs the mean share of correct neighbour votes into the
	// fitness, fitness = accuracy + Share*share: accuracy on a thousand
	// queries moves in steps of 0.1 %, the vote share gives the search a
	// gradient between those steps. 0 gives 0.25; negative disables it.
	Share float64
	// Workers is the number of goroutines (0 = every core).
	Workers int
	Seed    uint64

	// CheckpointPath, when set, receives a checkpoint every
	// CheckpointEvery generations, at the end of every block, and when the
	// context is cancelled. Resume continues from it.
	CheckpointPath  string
	CheckpointEvery int
	Resume          bool

	Log      io.Writer      // CSV, one row per generation (header written unless resuming)
	Progress func(Progress) // called after every generation
}

// Progress is the state of a run after one generation.
type Progress struct {
	Stage, Stages   int // conv layer being tuned, 0-based
	Filter, Filters int // first filter of the current block, filters in the layer
	Block           int // filters in the block
	Gen, Gens       int
	BestAcc         float64 // best fitness-set accuracy in this generation
	MeanAcc         float64 // mean over the population
	ValAcc          float64 // validation accuracy of the accepted kernels
	Evals           int     // fitness evaluations so far in this process
	Elapsed, ETA    time.Duration
}

func (c *Config) defaults() error {
	switch c.Method {
	case "cmaes", "pso":
	case "":
		c.Method = "cmaes"
	default:
		return fmt.Errorf("evolve: unknown method %q (want cmaes or pso)", c.Method)
	}
	switch c.Init {
	case "random", "trained":
	case "":
		c.Init = "random"
	default:
		return fmt.Errorf("evolve: unknown init %q (want random or trained)", c.Init)
	}
	switch c.CMA {
	case "auto", "full", "sep":
	case "":
		c.CMA = "auto"
	default:
		return fmt.Errorf("evolve: unknown CMA model %q (want auto, full or sep)", c.CMA)
	}
	if c.Metric == "" {
		c.Metric = "l2"
	}
	m, err := knn.ParseMetric(c.Metric)
	if err != nil {
		return fmt.Errorf("evolve: %w", err)
	}
	c.metric = m
	if c.Block == 0 {
		c.Block = 1
	}
	if c.Generations == 0 {
		c.Generations = 30
	}
	if c.K == 0 {
		c.K = knn.DefaultK
	}
	if c.Share == 0 {
		c.Share = 0.25
	} else if c.Share < 0 {
		c.Share = 0
	}
	if c.Sigma == 0 {
		c.Sigma = 1
		if c.Init == "trained" {
			c.Sigma = 0.2
		}
	}
	if c.Workers == 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	if c.CheckpointEvery == 0 {
		c.CheckpointEvery = 10
	}
	switch {
	case c.Block < 0, c.Restarts < 0, c.Generations < 0, c.Population < 0, c.K < 0, c.Workers < 0, c.CheckpointEvery < 0:
		return errors.New("evolve: block, restarts, generations, population, k, workers and checkpoint interval must not be negative")
	case c.Sigma < 0:
		return fmt.Errorf("evolve: sigma %v", c.Sigma)
	case c.Resume && c.CheckpointPath == "":
		return errors.New("evolve: resume needs a checkpoint path")
	}
	return nil
}

func cancelled(ctx context.Context) bool {
	select {
	case <-ctx.Done():
		return true
	default:
		return false
	}
}
