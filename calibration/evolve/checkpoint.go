package evolve

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"os"
	"time"

	"github.com/sliced-ai/sliced/calibration/optimize"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/nn"
)

const checkpointVersion = 1

// checkpoint is everything a resumed run needs: the kernels so far, where
// the run stood, and the optimiser of the block in progress (nil between
// blocks). Caches are rebuilt from the kernels, which is cheap and keeps
// the file small.
type checkpoint struct {
	Version      int
	Method, Init string
	Metric       string
	Block, K     int
	Seed         uint64
	Generations  int
	ConvW, ConvB [][]float32 // per stage
	Stage        int
	Filter       int // first filter of the block in progress (or next)
	Opt          []byte
	ValAcc       []float64 // finished stages
	DoneGens     int
	Elapsed      time.Duration
}

func (r *runner) checkpoint(filter int, opt optimize.Optimizer) error {
	r.sinceCheckpoint = 0
	c := checkpoint{
		Version: checkpointVersion, Method: r.cfg.Method, Init: r.cfg.Init, Metric: r.cfg.Metric, Block: r.cfg.Block, K: r.cfg.K,
		Seed: r.cfg.Seed, Generations: r.cfg.Generations, Stage: r.cur, Filter: filter,
		ValAcc: r.res.ValAcc, DoneGens: r.doneGens, Elapsed: r.prevElapsed + time.Since(r.start),
	}
	for _, st := range r.stages {
		l := r.stack.Layers[st.conv]
		c.ConvW = append(c.ConvW, l.W)
		c.ConvB = append(c.ConvB, l.B)
	}
	if opt != nil {
		s, err := opt.MarshalState()
		if err != nil {
			return err
		}
		c.Opt = s
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&c); err != nil {
		return err
	}
	if err := engine.WriteFileAtomic(r.cfg.CheckpointPath, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("evolve: checkpoint: %w", err)
	}
	return nil
}

func loadCheckpoint(path string) (*checkpoint, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("evolve: resume: %w", err)
	}
	var c checkpoint
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&c); err != nil {
		return nil, fmt.Errorf("evolve: resume: %s is not a checkpoint: %w", path, err)
	}
	if c.Version != checkpointVersion {
		return nil, fmt.Errorf("evolve: resume: checkpoint version %d, this build reads %d", c.Version, checkpointVersion)
	}
	return &c, nil
}

// apply checks that the checkpoint belongs to this run and loads its
// kernels into s.
func (c *checkpoint) apply(s *nn.Stack, stages []stage, cfg *Config) error {
	if c.Metric != cfg.Metric {
		return fmt.Errorf("evolve: resume: checkpoint is for the %s metric, this run asks for %s", c.Metric, cfg.Metric)
	}
	if c.Method != cfg.Method || c.Init != cfg.Init || c.Block != cfg.Block || c.K != cfg.K || c.Seed != cfg.Seed || c.Generations != cfg.Generations {
		return fmt.Errorf("evolve: resume: checkpoint is for method %s, init %s, block %d, k %d, seed %d, %d generations; this run asks for %s, %s, %d, %d, %d, %d",
			c.Method, c.Init, c.Block, c.K, c.Seed, c.Generations, cfg.Method, cfg.Init, cfg.Block, cfg.K, cfg.Seed, cfg.Generations)
	}
	if len(c.ConvW) != len(stages) || len(c.ConvB) != len(stages) || c.Stage < 0 || c.Stage >= len(stages) ||
		c.Filter < 0 || c.Filter > stages[c.Stage].filters {
		return fmt.Errorf("evolve: resume: checkpoint does not fit this stack")
	}
	for i, st := range stages {
		l := &s.Layers[st.conv]
		if len(c.ConvW[i]) != len(l.W) || len(c.ConvB[i]) != len(l.B) {
			return fmt.Errorf("evolve: resume: checkpoint conv %d has %d weights, the stack %d", i, len(c.ConvW[i]), len(l.W))
		}
		copy(l.W, c.ConvW[i])
		copy(l.B, c.ConvB[i])
	}
	return nil
}
