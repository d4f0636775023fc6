package optimize_test

import (
	"fmt"

	"github.com/sliced-ai/sliced/calibration/optimize"
)

// The caller owns the loop: evaluate each generation however suits the
// objective, checkpoint between generations.
func Example() {
	f := func(x []float64) float64 { // shifted sphere, minimum at (1, 2)
		a, b := x[0]-1, x[1]-2
		return a*a + b*b
	}
	o, err := optimize.NewCMAES(optimize.CMAConfig{Mean: []float64{0, 0}, Sigma: 1, Seed: 1})
	if err != nil {
		panic(err)
	}
	for g := 0; g < 200 && !o.Converged(); g++ {
		xs, _ := o.Ask()
		fit := make([]float64, len(xs))
		for i, x := range xs {
			fit[i] = f(x)
		}
		_ = o.Tell(fit)
		if g == 50 { // a checkpoint, restored as a new optimiser
			state, _ := o.MarshalState()
			restored, _ := optimize.Restore(state)
			o = restored.(*optimize.CMAES)
		}
	}
	x, fx := o.Best()
	fmt.Printf("x = (%.4f, %.4f), f < 1e-12: %v\n", x[0], x[1], fx < 1e-12)
	// Output: x = (1.0000, 2.0000), f < 1e-12: true
}
