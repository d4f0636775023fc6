package optimize

import (
	"math"
	"slices"
	"sort"

	"gonum.org/v1/gonum/mat"
)

// Tell ranks the last population and adapts mean, step size and
// covariance (Hansen's tutorial, figure 6).
func (c *CMAES) Tell(fitness []float64) error {
	fit, err := checkFitness(fitness, len(c.xs))
	if err != nil {
		return err
	}
	s := &c.st
	n := s.N
	idx := make([]int, len(fit))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return fit[idx[a]] < fit[idx[b]] })
	if f := fit[idx[0]]; f < s.BestF || s.BestX == nil {
		s.BestF, s.BestX = f, slices.Clone(c.xs[idx[0]])
	}

	yw := make([]float64, n)
	for i, w := range s.Weights {
		for j, v := range c.ys[idx[i]] {
			yw[j] += w * v
		}
	}
	for j := range s.M {
		s.M[j] += s.Sigma * yw[j]
	}

	// ps takes C^(-1/2) yw = B D^-1 B' yw.
	inv := c.invSqrtC(yw)
	a := math.Sqrt(s.Cs * (2 - s.Cs) * s.MuEff)
	var psNorm float64
	for j := range s.Ps {
		s.Ps[j] = (1-s.Cs)*s.Ps[j] + a*inv[j]
		psNorm += s.Ps[j] * s.Ps[j]
	}
	psNorm = math.Sqrt(psNorm)
	hsig := 0.0
	if psNorm/math.Sqrt(1-math.Pow(1-s.Cs, 2*float64(s.RunGen+1)))/s.ChiN < 1.4+2/float64(n+1) {
		hsig = 1
	}
	b := hsig * math.Sqrt(s.Cc*(2-s.Cc)*s.MuEff)
	for j := range s.Pc {
		s.Pc[j] = (1-s.Cc)*s.Pc[j] + b*yw[j]
	}

	keep := 1 - s.C1 - s.Cmu + (1-hsig)*s.C1*s.Cc*(2-s.Cc)
	if s.Cfg.Separable {
		for j := range s.C {
			v := keep*s.C[j] + s.C1*s.Pc[j]*s.Pc[j]
			for i, w := range s.Weights {
				y := c.ys[idx[i]][j]
				v += s.Cmu * w * y * y
			}
			s.C[j] = v
		}
	} else {
		for i := 0; i < n; i++ {
			for j := 0; j <= i; j++ {
				v := keep*s.C[i*n+j] + s.C1*s.Pc[i]*s.Pc[j]
				for r, w := range s.Weights {
					y := c.ys[idx[r]]
					v += s.Cmu * w * y[i] * y[j]
				}
				s.C[i*n+j], s.C[j*n+i] = v, v
			}
		}
	}
	s.Sigma *= math.Exp(s.Cs / s.Dmp * (psNorm/s.ChiN - 1))

	// Flat fitness (common with accuracy-valued objectives): widen the
	// search rather than let the step size drift without signal.
	if fit[idx[0]] == fit[idx[min(len(idx)-1, int(math.Ceil(0.7*float64(s.Lambda))))]] {
		s.Sigma *= math.Exp(0.2 + s.Cs/s.Dmp)
	}

	s.Gen++
	s.RunGen++
	s.Evals += len(fit)
	c.xs, c.ys = nil, nil

	if s.Cfg.Separable {
		for j, v := range s.C {
			s.D[j] = math.Sqrt(math.Max(v, 1e-300))
		}
	} else if float64(s.Evals-s.EigenAt) > float64(s.Lambda)/(s.C1+s.Cmu)/float64(n)/10 {
		c.decompose()
	}
	c.checkStop(fit[idx[0]], fit[idx[len(idx)-1]])
	return nil
}

func (c *CMAES) invSqrtC(v []float64) []float64 {
	s := &c.st
	n := s.N
	out := make([]float64, n)
	if s.Cfg.Separable {
		for j := range v {
			out[j] = v[j] / s.D[j]
		}
		return out
	}
	t := make([]float64, n)
	for k := 0; k < n; k++ { // t = D^-1 B' v
		var d float64
		for i := 0; i < n; i++ {
			d += s.B[i*n+k] * v[i]
		}
		t[k] = d / s.D[k]
	}
	for i := 0; i < n; i++ {
		var d float64
		for k := 0; k < n; k++ {
			d += s.B[i*n+k] * t[k]
		}
		out[i] = d
	}
	return out
}

// decompose refreshes B and D from C. On failure the old basis stays and
// the run is marked stopped, which triggers a restart if any are left.
func (c *CMAES) decompose() {
	s := &c.st
	n := s.N
	s.EigenAt = s.Evals
	sym := mat.NewSymDense(n, slices.Clone(s.C))
	var eig mat.EigenSym
	if !eig.Factorize(sym, true) {
		s.Stopped = true
		return
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	for k, v := range vals {
		s.D[k] = math.Sqrt(math.Max(v, 1e-300))
	}
	for i := 0; i < n; i++ {
		for k := 0; k < n; k++ {
			s.B[i*n+k] = vecs.At(i, k)
		}
	}
}

// checkStop applies the usual stopping rules and restarts (IPOP) when
// any fire and restarts are left.
func (c *CMAES) checkStop(best, worst float64) {
	s := &c.st
	n := s.N
	s.History = append(s.History, best)
	window := 10 + int(math.Ceil(30*float64(n)/float64(s.Lambda)))
	if len(s.History) > window {
		s.History = s.History[len(s.History)-window:]
	}
	lo, hi := slices.Min(s.History), slices.Max(s.History)
	dmax, dmin := slices.Max(s.D), slices.Min(s.D)
	stop := s.Stopped ||
		math.IsNaN(s.Sigma) || math.IsInf(s.Sigma, 0) ||
		s.Sigma*dmax < 1e-12*s.Cfg.Sigma ||
		(len(s.History) == window && hi-lo < 1e-12 && worst-best < 1e-12) ||
		(dmax/dmin)*(dmax/dmin) > 1e14
	if !stop {
		return
	}
	if s.Restart >= s.Cfg.Restarts {
		s.Stopped = true
		return
	}
	s.Restart++
	m := s.Cfg.Mean
	if s.Cfg.Lower != nil {
		m = make([]float64, n)
		for i := range m {
			m[i] = s.Cfg.Lower[i] + c.rng.Float64()*(s.Cfg.Upper[i]-s.Cfg.Lower[i])
		}
	}
	c.begin(2*s.Lambda, m)
}

// MarshalState writes the run, random generator included.
func (c *CMAES) MarshalState() ([]byte, error) {
	if c.xs != nil {
		return nil, errPending
	}
	c.st.RNG = c.rng.state()
	return marshal(kindCMA, &c.st)
}

func restoreCMA(data []byte) (*CMAES, error) {
	c := &CMAES{}
	if err := unmarshal(data, &c.st); err != nil {
		return nil, err
	}
	s := &c.st
	n := s.N
	wantC := n * n
	if s.Cfg.Separable {
		wantC = n
	}
	if n <= 0 || len(s.M) != n || len(s.C) != wantC || len(s.D) != n || len(s.Pc) != n ||
		len(s.Ps) != n || len(s.Weights) != s.Mu || (!s.Cfg.Separable && len(s.B) != n*n) {
		return nil, errCorrupt
	}
	r, err := restoreRNG(s.RNG)
	if err != nil {
		return nil, err
	}
	c.rng = r
	return c, nil
}
