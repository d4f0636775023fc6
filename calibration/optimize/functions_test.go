package optimize

import "math"

// Standard test functions, all with minimum 0.

func sphere(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v * v
	}
	return s
}

// rosenbrock has its minimum at (1, ..., 1) at the end of a curved valley.
func rosenbrock(x []float64) float64 {
	var s float64
	for i := 0; i+1 < len(x); i++ {
		a, b := x[i+1]-x[i]*x[i], 1-x[i]
		s += 100*a*a + b*b
	}
	return s
}

// rastrigin is multimodal: a local minimum at every integer point, the
// global one at 0.
func rastrigin(x []float64) float64 {
	s := 10 * float64(len(x))
	for _, v := range x {
		s += v*v - 10*math.Cos(2*math.Pi*v)
	}
	return s
}

// run drives o for at most gens generations or until it converges.
func run(o Optimizer, f func([]float64) float64, gens int) error {
	for g := 0; g < gens && !o.Converged(); g++ {
		xs, err := o.Ask()
		if err != nil {
			return err
		}
		fit := make([]float64, len(xs))
		for i, x := range xs {
			fit[i] = f(x)
		}
		if err := o.Tell(fit); err != nil {
			return err
		}
	}
	return nil
}

func fill(n int, v float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = v
	}
	return x
}
