package optimize

import (
	"fmt"
	"math"
	"slices"
)

const kindCMA = "cmaes"

// CMAConfig sets up a CMA-ES run. Zero values pick the tutorial defaults.
type CMAConfig struct {
	Mean  []float64 // start point
	Sigma float64   // initial step size, about a quarter of the search range
	// Lambda is the population size; 0 gives 4 + floor(3 ln n).
	Lambda int
	// Separable keeps only the diagonal of the covariance (sep-CMA-ES):
	// O(n) per sample instead of O(n^2), and faster learning rates, for
	// problems of hundreds of parameters and short budgets.
	Separable bool
	// Restarts is how many IPOP restarts to make once a run stops
	// (step size collapsed, fitness flat, covariance degenerate); each
	// doubles the population.
	Restarts int
	// Lower and Upper, when both set, bound the box a restart draws its
	// new mean from (uniformly); otherwise restarts begin again at Mean.
	Lower, Upper []float64
	Seed         uint64
}

// CMAES is the covariance matrix adaptation evolution strategy.
type CMAES struct {
	st  cmaState
	rng rng
	// pending generation (not part of the saved state)
	ys [][]float64
	xs [][]float64
}

// cmaState is everything MarshalState writes. Exported fields for gob.
type cmaState struct {
	Cfg                         CMAConfig
	N, Lambda, Mu               int
	Weights                     []float64
	MuEff, Cc, Cs, C1, Cmu, Dmp float64
	ChiN                        float64

	M      []float64
	Sigma  float64
	C      []float64 // n x n, or the diagonal (n) when separable
	B      []float64 // n x n eigenvectors (columns); unused when separable
	D      []float64 // sqrt of the eigenvalues (or of the diagonal)
	Pc, Ps []float64

	Gen, Evals, RunGen, EigenAt, Restart int
	Stopped                              bool
	History                              []float64 // recent generation bests
	BestX                                []float64
	BestF                                float64
	RNG                                  []byte
}

// NewCMAES checks cfg and starts a run.
func NewCMAES(cfg CMAConfig) (*CMAES, error) {
	if err := checkStart(cfg.Mean, cfg.Sigma); err != nil {
		return nil, err
	}
	n := len(cfg.Mean)
	if cfg.Lambda != 0 && cfg.Lambda < 2 {
		return nil, fmt.Errorf("optimize: population %d, need at least 2", cfg.Lambda)
	}
	if cfg.Restarts < 0 {
		return nil, fmt.Errorf("optimize: %d restarts", cfg.Restarts)
	}
	if (cfg.Lower != nil || cfg.Upper != nil) && (len(cfg.Lower) != n || len(cfg.Upper) != n) {
		return nil, fmt.Errorf("optimize: bounds of %d and %d values for %d parameters", len(cfg.Lower), len(cfg.Upper), n)
	}
	for i := range cfg.Lower {
		if !(cfg.Lower[i] < cfg.Upper[i]) {
			return nil, fmt.Errorf("optimize: bound %d: lower %v not below upper %v", i, cfg.Lower[i], cfg.Upper[i])
		}
	}
	cfg.Mean = slices.Clone(cfg.Mean)
	c := &CMAES{rng: newRNG(cfg.Seed)}
	c.st.Cfg = cfg
	c.st.N = n
	c.st.BestF = math.Inf(1)
	lambda := cfg.Lambda
	if lambda == 0 {
		lambda = DefaultPopulation(n)
	}
	c.begin(lambda, cfg.Mean)
	return c, nil
}

// DefaultPopulation is CMA-ES's default population for n parameters,
// 4 + 3 ln n (Hansen).
func DefaultPopulation(n int) int { return 4 + int(3*math.Log(float64(n))) }

// begin (re)starts the strategy with population lambda at mean m.
func (c *CMAES) begin(lambda int, m []float64) {
	s := &c.st
	n := s.N
	fn := float64(n)
	s.Lambda, s.Mu = lambda, lambda/2
	s.Weights = make([]float64, s.Mu)
	var sum, sq float64
	for i := range s.Weights {
		w := math.Log(float64(s.Mu)+0.5) - math.Log(float64(i+1))
		s.Weights[i] = w
		sum += w
	}
	for i := range s.Weights {
		s.Weights[i] /= sum
		sq += s.Weights[i] * s.Weights[i]
	}
	s.MuEff = 1 / sq
	s.Cc = (4 + s.MuEff/fn) / (fn + 4 + 2*s.MuEff/fn)
	s.Cs = (s.MuEff + 2) / (fn + s.MuEff + 5)
	s.C1 = 2 / ((fn+1.3)*(fn+1.3) + s.MuEff)
	s.Cmu = math.Min(1-s.C1, 2*(s.MuEff-2+1/s.MuEff)/((fn+2)*(fn+2)+s.MuEff))
	if s.Cfg.Separable {
		// Ros and Hansen 2008: a diagonal matrix learns n times faster.
		s.C1 = math.Min(1, s.C1*(fn+2)/3)
		s.Cmu = math.Min(1-s.C1, s.Cmu*(fn+2)/3)
	}
	s.Dmp = 1 + 2*math.Max(0, math.Sqrt((s.MuEff-1)/(fn+1))-1) + s.Cs
	s.ChiN = math.Sqrt(fn) * (1 - 1/(4*fn) + 1/(21*fn*fn))

	s.M = slices.Clone(m)
	s.Sigma = s.Cfg.Sigma
	s.Pc = make([]float64, n)
	s.Ps = make([]float64, n)
	s.D = make([]float64, n)
	for i := range s.D {
		s.D[i] = 1
	}
	if s.Cfg.Separable {
		s.C = slices.Clone(s.D)
		s.B = nil
	} else {
		s.C = make([]float64, n*n)
		s.B = make([]float64, n*n)
		for i := 0; i < n; i++ {
			s.C[i*n+i], s.B[i*n+i] = 1, 1
		}
	}
	s.RunGen, s.EigenAt, s.Stopped = 0, s.Evals, false
	s.History = s.History[:0]
}

// Dim is the number of parameters.
func (c *CMAES) Dim() int { return c.st.N }

// Lambda is the current population size (it grows with IPOP restarts).
func (c *CMAES) Lambda() int { return c.st.Lambda }

// Sigma is the current step size.
func (c *CMAES) Sigma() float64 { return c.st.Sigma }

// Restarts counts the restarts made so far.
func (c *CMAES) Restarts() int { return c.st.Restart }

// Generation counts completed Tells.
func (c *CMAES) Generation() int { return c.st.Gen }

// Evaluations counts fitness values told.
func (c *CMAES) Evaluations() int { return c.st.Evals }

// Converged reports a stopped run with no restarts left.
func (c *CMAES) Converged() bool { return c.st.Stopped }

// Best is the best point told so far.
func (c *CMAES) Best() ([]float64, float64) { return slices.Clone(c.st.BestX), c.st.BestF }

// Mean is the current distribution mean, often a better estimate of the
// optimum than Best on noisy objectives.
func (c *CMAES) Mean() []float64 { return slices.Clone(c.st.M) }

// Ask samples Lambda candidates x = m + sigma * B D z.
func (c *CMAES) Ask() ([][]float64, error) {
	if c.xs != nil {
		return nil, errPending
	}
	s := &c.st
	n := s.N
	c.ys = make([][]float64, s.Lambda)
	c.xs = make([][]float64, s.Lambda)
	z := make([]float64, n)
	out := make([][]float64, s.Lambda)
	for k := range c.xs {
		for i := range z {
			z[i] = c.rng.NormFloat64() * s.D[i]
		}
		y := make([]float64, n)
		if s.Cfg.Separable {
			copy(y, z)
		} else {
			for i := 0; i < n; i++ {
				row := s.B[i*n : (i+1)*n]
				var v float64
				for j, b := range row {
					v += b * z[j]
				}
				y[i] = v
			}
		}
		x := make([]float64, n)
		for i := range x {
			x[i] = s.M[i] + s.Sigma*y[i]
		}
		c.ys[k], c.xs[k], out[k] = y, x, slices.Clone(x)
	}
	return out, nil
}
