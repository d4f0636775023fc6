package evolve

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/sliced-ai/sliced/calibration/optimize"
	"github.com/sliced-ai/sliced/engine/nn"
)

// Result sums up a run.
type Result struct {
	ValAcc             []float64 // validation accuracy at the end of each stage reached
	Evals              int       // fitness evaluations in this process
	Accepted, Rejected int       // block winners kept or turned down by validation
	Elapsed            time.Duration
	// Where the time went: candidate conv outputs, and distances + k-NN.
	ConvTime, ScoreTime time.Duration
}

// runner holds the caches of one run.
type runner struct {
	cfg     Config
	stack   *nn.Stack
	stages  []stage
	images  []float32
	labels  []int
	classes int
	nFit    int // prototypes + queries: the images a candidate is run on
	n       int // all images

	cur    int         // current stage
	inputs []float32   // current stage's input tensors, n of them
	chans  [][]float32 // current features, one array per filter: n x dOut
	fit    pairs
	val    pairs
	valAcc float64

	deltas []stats // per worker, sized for the larger query set
	bufs   []distBuf

	res             Result
	start           time.Time
	doneGens, gens  int
	procGens        int // generations run by this process, for the ETA
	prevElapsed     time.Duration
	sinceCheckpoint int
}

// Run tunes the conv layers of s in place, stage by stage and block by
// block (see the package documentation), and returns when every filter
// has been tuned, or with ctx's error once ctx is cancelled (after writing
// a checkpoint when a path is configured).
func Run(ctx context.Context, s *nn.Stack, data Data, cfg Config) (*Result, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	if err := data.check(); err != nil {
		return nil, err
	}
	stages, err := stagesOf(s)
	if err != nil {
		return nil, err
	}
	if s.In != data.Protos.Shape {
		return nil, fmt.Errorf("evolve: the stack takes %v images, the data has %v", s.In, data.Protos.Shape)
	}
	r := newRunner(s, stages, data, cfg)
	for _, st := range stages {
		r.gens += (st.filters + cfg.Block - 1) / cfg.Block * cfg.Generations
	}

	startStage, startFilter := 0, 0
	var optState []byte
	if cfg.Resume {
		ck, err := loadCheckpoint(cfg.CheckpointPath)
		if err != nil {
			return nil, err
		}
		if err := ck.apply(s, stages, &cfg); err != nil {
			return nil, err
		}
		startStage, startFilter, optState = ck.Stage, ck.Filter, ck.Opt
		r.prevElapsed, r.res.ValAcc = ck.Elapsed, ck.ValAcc
		r.doneGens = ck.DoneGens
	} else {
		if cfg.Init == "random" {
			for _, st := range stages {
				clear(s.Layers[st.conv].W)
				clear(s.Layers[st.conv].B)
			}
		}
		if cfg.Log != nil {
			if _, err := fmt.Fprintln(cfg.Log, logHeader); err != nil {
				return nil, err
			}
		}
	}
	for si := range startStage + 1 {
		r.enterStage(si)
	}
	for si := startStage; si < len(stages); si++ {
		if si > startStage {
			r.enterStage(si)
		}
		for f := startFilter; f < stages[si].filters; f += cfg.Block {
			if err := r.runBlock(ctx, f, optState); err != nil {
				r.finish()
				return &r.res, err
			}
			optState = nil
		}
		startFilter = 0
		r.res.ValAcc = append(r.res.ValAcc, r.valAcc)
	}
	r.finish()
	return &r.res, nil
}

// newRunner sets up the index of all images and the per-worker scratch.
func newRunner(s *nn.Stack, stages []stage, data Data, cfg Config) *runner {
	r := &runner{cfg: cfg, stack: s, stages: stages, start: time.Now()}
	r.images, r.labels, r.classes = data.combined()
	np, nq, nv := data.Protos.Len(), 0, data.Val.Len()
	if data.LeaveOneOut() {
		r.fit = pairs{nq: np, np: np, qLabels: r.labels[:np], pLabels: r.labels[:np], metric: cfg.metric, self: true}
	} else {
		nq = data.Queries.Len()
		r.fit = pairs{qOff: np, nq: nq, np: np, qLabels: r.labels[np : np+nq], pLabels: r.labels[:np], metric: cfg.metric}
	}
	r.n, r.nFit = np+nq+nv, np+nq
	r.val = pairs{qOff: np + nq, nq: nv, np: np, qLabels: r.labels[np+nq:], pLabels: r.labels[:np], metric: cfg.metric}
	r.deltas = make([]stats, cfg.Workers)
	for i := range r.deltas {
		r.deltas[i] = newStats(max(r.fit.nq, nv), np)
	}
	r.bufs = make([]distBuf, cfg.Workers)
	return r
}

func (r *runner) finish() {
	r.res.Elapsed = r.prevElapsed + time.Since(r.start)
}

// enterStage computes stage si's inputs from the previous stage's
// features, its own features under the current weights, and the full
// distance matrices.
func (r *runner) enterStage(si int) {
	st := &r.stages[si]
	if si == 0 {
		r.inputs = r.images
	} else {
		r.inputs = toCHW(r.chans, r.n, r.stages[si-1].dOut())
	}
	r.cur = si
	l := &r.stack.Layers[st.conv]
	r.chans = make([][]float32, st.filters)
	for i := range r.chans {
		r.chans[i] = make([]float32, r.n*st.dOut())
	}
	st.filterOutputs(r.chans, l.W, l.B, st.filters, r.inputs, r.n, r.cfg.Workers)
	for _, p := range []*pairs{&r.fit, &r.val} {
		p.all = newStats(p.nq, p.np)
		p.block(p.all, r.chans, st.dOut(), &r.bufs[0])
	}
	r.valAcc, _ = r.val.knnScore(r.val.all, nil, r.cfg.K, r.classes)
}

// newOptimizer starts (or restores) the search for filters f0.. of the
// current stage.
func (r *runner) newOptimizer(f0, nb int, state []byte) (optimize.Optimizer, error) {
	if state != nil {
		return optimize.Restore(state)
	}
	st := &r.stages[r.cur]
	l := &r.stack.Layers[st.conv]
	per := st.fanIn + 1
	he := math.Sqrt(2 / float64(st.fanIn))
	x0 := make([]float64, nb*per)
	rng := rand.New(rand.NewPCG(r.cfg.Seed, uint64(r.cur)<<32|uint64(f0)))
	for j := 0; j < nb; j++ {
		for i := 0; i < st.fanIn; i++ {
			if r.cfg.Init == "trained" {
				x0[j*per+i] = float64(l.W[(f0+j)*st.fanIn+i])
			} else {
				x0[j*per+i] = rng.NormFloat64() * he
			}
		}
		if r.cfg.Init == "trained" {
			x0[j*per+st.fanIn] = float64(l.B[f0+j])
		}
	}
	sigma := r.cfg.Sigma * he
	seed := r.cfg.Seed ^ uint64(r.cur+1)<<40 ^ uint64(f0+1)<<20
	if r.cfg.Method == "pso" {
		radius := sigma
		if r.cfg.Init == "random" {
			radius = 2 * sigma
		}
		// The swarm defaults to CMA-ES's population, so both methods get
		// the same evaluations per block.
		particles := r.cfg.Population
		if particles == 0 {
			particles = optimize.DefaultPopulation(len(x0))
		}
		return optimize.NewPSO(optimize.PSOConfig{Center: x0, Radius: radius, Particles: particles,
			KeepCenter: r.cfg.Init == "trained", Seed: seed})
	}
	sep := r.cfg.CMA == "sep" || (r.cfg.CMA == "auto" && len(x0) > 100)
	return optimize.NewCMAES(optimize.CMAConfig{Mean: x0, Sigma: sigma, Lambda: r.cfg.Population, Separable: sep,
		Restarts: r.cfg.Restarts, Seed: seed})
}

// pack turns candidate vectors (per filter: fanIn weights, then the bias)
// into a weight matrix and a bias vector.
func pack(xs [][]float64, nb, fanIn int) (w, b []float32) {
	per := fanIn + 1
	w = make([]float32, 0, len(xs)*nb*fanIn)
	b = make([]float32, 0, len(xs)*nb)
	for _, x := range xs {
		for j := 0; j < nb; j++ {
			f := x[j*per : (j+1)*per]
			for _, v := range f[:fanIn] {
				w = append(w, float32(v))
			}
			b = append(b, float32(f[fanIn]))
		}
	}
	return w, b
}

// score evaluates candidates in parallel: their block distances added to
// rest, then the k-NN vote.
func (r *runner) score(outs [][]float32, nb int, rest stats, d int) (acc, fitness []float64) {
	m := len(outs) / nb
	acc = make([]float64, m)
	fitness = make([]float64, m)
	next := make(chan int, m)
	for c := 0; c < m; c++ {
		next <- c
	}
	close(next)
	var wg sync.WaitGroup
	for w := 0; w < r.cfg.Workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			delta := r.deltas[w].view(r.fit.nq, r.fit.np)
			for c := range next {
				r.fit.block(delta, outs[c*nb:(c+1)*nb], d, &r.bufs[w])
				a, share := r.fit.knnScore(rest, &delta, r.cfg.K, r.classes)
				acc[c], fitness[c] = a, -(a + r.cfg.Share*share)
			}
		}(w)
	}
	wg.Wait()
	return acc, fitness
}

// runBlock searches filters f0 .. f0+Block-1 of the current stage.
func (r *runner) runBlock(ctx context.Context, f0 int, state []byte) error {
	st := &r.stages[r.cur]
	l := &r.stack.Layers[st.conv]
	nb := min(r.cfg.Block, st.filters-f0)
	d := st.dOut()
	opt, err := r.newOptimizer(f0, nb, state)
	if err != nil {
		return err
	}
	if opt.Dim() != nb*(st.fanIn+1) {
		return fmt.Errorf("evolve: checkpointed optimiser has %d parameters, the block needs %d", opt.Dim(), nb*(st.fanIn+1))
	}
	old := r.chans[f0 : f0+nb]
	restFit := r.fit.all.clone()
	restVal := r.val.all.clone()
	tmp := r.deltas[0].view(r.fit.nq, r.fit.np)
	r.fit.block(tmp, old, d, &r.bufs[0])
	restFit.sub(tmp)
	tmp = r.deltas[0].view(r.val.nq, r.val.np)
	r.val.block(tmp, old, d, &r.bufs[0])
	restVal.sub(tmp)

	var outs [][]float32
	for opt.Generation() < r.cfg.Generations && !opt.Converged() {
		xs, err := opt.Ask()
		if err != nil {
			return err
		}
		w, b := pack(xs, nb, st.fanIn)
		if len(outs) != len(xs)*nb {
			outs = make([][]float32, len(xs)*nb)
			for i := range outs {
				outs[i] = make([]float32, r.n*d)
			}
		}
		t0 := time.Now()
		st.filterOutputs(outs, w, b, len(xs)*nb, r.inputs, r.nFit, r.cfg.Workers)
		t1 := time.Now()
		acc, fitness := r.score(outs, nb, restFit, d)
		r.res.ConvTime += t1.Sub(t0)
		r.res.ScoreTime += time.Since(t1)
		if err := opt.Tell(fitness); err != nil {
			return err
		}
		r.res.Evals += len(xs)
		r.doneGens++
		r.procGens++
		r.report(f0, nb, opt, acc)
		r.sinceCheckpoint++
		stop := cancelled(ctx)
		if r.cfg.CheckpointPath != "" && (stop || r.sinceCheckpoint >= r.cfg.CheckpointEvery) {
			if err := r.checkpoint(f0, opt); err != nil {
				return err
			}
		}
		if stop {
			return ctx.Err()
		}
	}
	r.doneGens += r.cfg.Generations - opt.Generation() // converged early

	// The winner is kept only if it does not make validation worse.
	best, _ := opt.Best()
	w, b := pack([][]float64{best}, nb, st.fanIn)
	fresh := make([][]float32, nb)
	for i := range fresh {
		fresh[i] = make([]float32, r.n*d)
	}
	st.filterOutputs(fresh, w, b, nb, r.inputs, r.n, r.cfg.Workers)
	dv := r.deltas[0].view(r.val.nq, r.val.np)
	r.val.block(dv, fresh, d, &r.bufs[0])
	valNew, _ := r.val.knnScore(restVal, &dv, r.cfg.K, r.classes)
	if valNew >= r.valAcc {
		r.res.Accepted++
		restVal.add(dv)
		r.val.all, r.valAcc = restVal, valNew
		df := r.deltas[0].view(r.fit.nq, r.fit.np)
		r.fit.block(df, fresh, d, &r.bufs[0])
		restFit.add(df)
		r.fit.all = restFit
		copy(r.chans[f0:f0+nb], fresh)
		copy(l.W[f0*st.fanIn:(f0+nb)*st.fanIn], w)
		copy(l.B[f0:f0+nb], b)
	} else {
		r.res.Rejected++
	}
	if r.cfg.CheckpointPath != "" {
		return r.checkpoint(f0+nb, nil)
	}
	return nil
}

func (r *runner) report(f0, nb int, opt optimize.Optimizer, acc []float64) {
	st := &r.stages[r.cur]
	elapsed := time.Since(r.start)
	p := Progress{
		Stage: r.cur, Stages: len(r.stages), Filter: f0, Filters: st.filters, Block: nb,
		Gen: opt.Generation(), Gens: r.cfg.Generations,
		BestAcc: slices.Max(acc), ValAcc: r.valAcc, Evals: r.res.Evals,
		Elapsed: r.prevElapsed + elapsed,
	}
	for _, a := range acc {
		p.MeanAcc += a / float64(len(acc))
	}
	if r.procGens > 0 {
		left := r.gens - r.doneGens
		p.ETA = time.Duration(float64(elapsed) / float64(r.procGens) * float64(left))
	}
	_, bestFit := opt.Best()
	if r.cfg.Log != nil {
		fmt.Fprintf(r.cfg.Log, "%d,%d,%d,%d,%d,%.4f,%.4f,%.5f,%.4f,%.1f\n", p.Stage, p.Filter, nb, p.Gen,
			opt.Evaluations(), p.BestAcc, p.MeanAcc, -bestFit, p.ValAcc, p.Elapsed.Seconds())
	}
	if r.cfg.Progress != nil {
		r.cfg.Progress(p)
	}
}

const logHeader = "stage,filter,block,generation,evaluations,best_acc,mean_acc,best_fitness,val_acc,elapsed_s"
