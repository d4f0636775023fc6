package optimize

import (
	"fmt"
	"math"
	"slices"
)

const kindPSO = "pso"

// PSOConfig sets up a particle swarm. Zero values pick the defaults of
// Clerc and Kennedy's constriction-factor swarm.
type PSOConfig struct {
	// Center and Radius: initial positions are uniform in Center ± Radius.
	Center []float64
	Radius float64
	// Particles is the swarm size; 0 gives 10 + 2 sqrt(n) (SPSO 2006).
	Particles int
	// Inertia, C1 (pull to a particle's own best) and C2 (pull to the
	// swarm's best); 0 gives 0.7298, 1.49618, 1.49618.
	Inertia, C1, C2 float64
	// VMax clamps every velocity coordinate to ±VMax; 0 gives Radius.
	VMax float64
	// KeepCenter starts particle 0 exactly at Center (a known good point,
	// such as backprop-trained kernels).
	KeepCenter bool
	Seed       uint64
}

// PSO is a global-best particle swarm.
type PSO struct {
	st      psoState
	rng     rng
	pending bool
}

type psoState struct {
	Cfg      PSOConfig
	N        int
	X, V     [][]float64
	P        [][]float64 // personal bests
	PF       []float64
	G        []float64 // swarm best
	GF       float64
	Gen      int
	Evals    int
	RNG      []byte
	Velocity float64 // largest |v| after the last move
}

// NewPSO checks cfg and places the swarm.
func NewPSO(cfg PSOConfig) (*PSO, error) {
	if err := checkStart(cfg.Center, cfg.Radius); err != nil {
		return nil, err
	}
	n := len(cfg.Center)
	if cfg.Particles == 0 {
		cfg.Particles = 10 + int(2*math.Sqrt(float64(n)))
	}
	if cfg.Particles < 2 {
		return nil, fmt.Errorf("optimize: swarm of %d particles, need at least 2", cfg.Particles)
	}
	if cfg.Inertia == 0 && cfg.C1 == 0 && cfg.C2 == 0 {
		cfg.Inertia, cfg.C1, cfg.C2 = 0.7298, 1.49618, 1.49618
	}
	if cfg.Inertia < 0 || cfg.C1 < 0 || cfg.C2 < 0 || cfg.Inertia >= 1 {
		return nil, fmt.Errorf("optimize: inertia %v, c1 %v, c2 %v: want 0 <= inertia < 1 and c1, c2 >= 0", cfg.Inertia, cfg.C1, cfg.C2)
	}
	if cfg.VMax == 0 {
		cfg.VMax = cfg.Radius
	}
	if !(cfg.VMax > 0) {
		return nil, fmt.Errorf("optimize: velocity clamp %v", cfg.VMax)
	}
	cfg.Center = slices.Clone(cfg.Center)
	p := &PSO{rng: newRNG(cfg.Seed)}
	s := &p.st
	s.Cfg, s.N, s.GF = cfg, n, math.Inf(1)
	for k := 0; k < cfg.Particles; k++ {
		x := make([]float64, n)
		v := make([]float64, n)
		for i := range x {
			x[i] = cfg.Center[i] + cfg.Radius*(2*p.rng.Float64()-1)
			v[i] = cfg.VMax * (2*p.rng.Float64() - 1) * 0.5
		}
		if k == 0 && cfg.KeepCenter {
			copy(x, cfg.Center)
		}
		s.X = append(s.X, x)
		s.V = append(s.V, v)
		s.P = append(s.P, slices.Clone(x))
		s.PF = append(s.PF, math.Inf(1))
	}
	s.Velocity = cfg.VMax
	return p, nil
}

// Dim is the number of parameters.
func (p *PSO) Dim() int { return p.st.N }

// Generation counts completed Tells.
func (p *PSO) Generation() int { return p.st.Gen }

// Evaluations counts fitness values told.
func (p *PSO) Evaluations() int { return p.st.Evals }

// Converged reports a swarm that has stopped moving.
func (p *PSO) Converged() bool { return p.st.Velocity < 1e-12*p.st.Cfg.Radius }

// Best is the swarm's best point so far.
func (p *PSO) Best() ([]float64, float64) { return slices.Clone(p.st.G), p.st.GF }

// Ask returns the particles' current positions.
func (p *PSO) Ask() ([][]float64, error) {
	if p.pending {
		return nil, errPending
	}
	p.pending = true
	out := make([][]float64, len(p.st.X))
	for k, x := range p.st.X {
		out[k] = slices.Clone(x)
	}
	return out, nil
}

// Tell updates the personal and swarm bests, then moves every particle:
// v = w v + c1 r1 (p - x) + c2 r2 (g - x), clamped; x += v.
func (p *PSO) Tell(fitness []float64) error {
	want := 0
	if p.pending {
		want = len(p.st.X)
	}
	fit, err := checkFitness(fitness, want)
	if err != nil {
		return err
	}
	s := &p.st
	for k, f := range fit {
		if f < s.PF[k] {
			s.PF[k] = f
			copy(s.P[k], s.X[k])
		}
		if f < s.GF || s.G == nil {
			s.GF, s.G = f, slices.Clone(s.X[k])
		}
	}
	c := s.Cfg
	vmax := 0.0
	for k := range s.X {
		x, v, pb := s.X[k], s.V[k], s.P[k]
		for i := range x {
			nv := c.Inertia*v[i] + c.C1*p.rng.Float64()*(pb[i]-x[i]) + c.C2*p.rng.Float64()*(s.G[i]-x[i])
			nv = math.Max(-c.VMax, math.Min(c.VMax, nv))
			v[i] = nv
			x[i] += nv
			vmax = math.Max(vmax, math.Abs(nv))
		}
	}
	s.Velocity = vmax
	s.Gen++
	s.Evals += len(fit)
	p.pending = false
	return nil
}

// MarshalState writes the swarm, random generator included.
func (p *PSO) MarshalState() ([]byte, error) {
	if p.pending {
		return nil, errPending
	}
	p.st.RNG = p.rng.state()
	return marshal(kindPSO, &p.st)
}

func restorePSO(data []byte) (*PSO, error) {
	p := &PSO{}
	if err := unmarshal(data, &p.st); err != nil {
		return nil, err
	}
	s := &p.st
	m := len(s.X)
	if s.N <= 0 || m < 2 || len(s.V) != m || len(s.P) != m || len(s.PF) != m {
		return nil, errCorrupt
	}
	for k := 0; k < m; k++ {
		if len(s.X[k]) != s.N || len(s.V[k]) != s.N || len(s.P[k]) != s.N {
			return nil, errCorrupt
		}
	}
	if s.G != nil && len(s.G) != s.N {
		return nil, errCorrupt
	}
	r, err := restoreRNG(s.RNG)
	if err != nil {
		return nil, err
	}
	p.rng = r
	return p, nil
}
