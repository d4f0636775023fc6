package optimize

import (
	"math"
	"slices"
	"testing"
)

func TestCMAESSphere(t *testing.T) {
	for _, sep := range []bool{false, true} {
		c, err := NewCMAES(CMAConfig{Mean: fill(10, 3), Sigma: 1, Separable: sep, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := run(c, sphere, 1000); err != nil {
			t.Fatal(err)
		}
		x, f := c.Best()
		if f > 1e-10 {
			t.Errorf("separable=%v: sphere best %g after %d evaluations, want < 1e-10", sep, f, c.Evaluations())
		}
		if sphere(x) != f {
			t.Errorf("Best point %v does not give its fitness %g", x, f)
		}
	}
}

func TestCMAESRosenbrock(t *testing.T) {
	c, err := NewCMAES(CMAConfig{Mean: fill(10, 0), Sigma: 0.5, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := run(c, rosenbrock, 3000); err != nil {
		t.Fatal(err)
	}
	x, f := c.Best()
	if f > 1e-8 {
		t.Fatalf("rosenbrock best %g after %d evaluations, want < 1e-8", f, c.Evaluations())
	}
	for i, v := range x {
		if math.Abs(v-1) > 1e-3 {
			t.Errorf("x[%d] = %g, want 1", i, v)
		}
	}
}

// Rastrigin in 5-D defeats a single small-population run most of the
// time; IPOP restarts with growing populations find the global minimum.
func TestCMAESRastriginIPOP(t *testing.T) {
	lo, hi := fill(5, -5.12), fill(5, 5.12)
	single, _ := NewCMAES(CMAConfig{Mean: fill(5, 3), Sigma: 2, Seed: 3})
	ipop, _ := NewCMAES(CMAConfig{Mean: fill(5, 3), Sigma: 2, Seed: 3, Restarts: 6, Lower: lo, Upper: hi})
	if err := run(single, rastrigin, 5000); err != nil {
		t.Fatal(err)
	}
	if err := run(ipop, rastrigin, 5000); err != nil {
		t.Fatal(err)
	}
	_, fs := single.Best()
	_, fi := ipop.Best()
	t.Logf("rastrigin-5: single run %g, IPOP %g after %d restarts, %d evaluations", fs, fi, ipop.Restarts(), ipop.Evaluations())
	if fi > 1e-8 {
		t.Fatalf("IPOP rastrigin best %g, want the global minimum 0", fi)
	}
	if ipop.Lambda() <= 4+int(3*math.Log(5)) {
		t.Errorf("population %d did not grow with restarts", ipop.Lambda())
	}
}

func TestCMAESStateRoundTrip(t *testing.T) {
	for _, sep := range []bool{false, true} {
		cfg := CMAConfig{Mean: fill(6, 1), Sigma: 0.5, Separable: sep, Seed: 7}
		a, _ := NewCMAES(cfg)
		b, _ := NewCMAES(cfg)
		if err := run(a, rosenbrock, 40); err != nil {
			t.Fatal(err)
		}
		if err := run(b, rosenbrock, 15); err != nil {
			t.Fatal(err)
		}
		data, err := b.MarshalState()
		if err != nil {
			t.Fatal(err)
		}
		r, err := Restore(data)
		if err != nil {
			t.Fatal(err)
		}
		if err := run(r, rosenbrock, 25); err != nil {
			t.Fatal(err)
		}
		xa, fa := a.Best()
		xr, fr := r.Best()
		if fa != fr || !slices.Equal(xa, xr) {
			t.Errorf("separable=%v: resumed run differs: %g vs uninterrupted %g", sep, fr, fa)
		}
	}
}

func TestCMAESErrors(t *testing.T) {
	bad := []CMAConfig{
		{Sigma: 1},
		{Mean: []float64{0}, Sigma: 0},
		{Mean: []float64{math.NaN()}, Sigma: 1},
		{Mean: []float64{0}, Sigma: 1, Lambda: 1},
		{Mean: []float64{0, 0}, Sigma: 1, Lower: []float64{0}, Upper: []float64{1}},
		{Mean: []float64{0}, Sigma: 1, Lower: []float64{1}, Upper: []float64{0}},
	}
	for i, cfg := range bad {
		if _, err := NewCMAES(cfg); err == nil {
			t.Errorf("config %d accepted", i)
		}
	}
	c, _ := NewCMAES(CMAConfig{Mean: fill(3, 0), Sigma: 1})
	if err := c.Tell([]float64{1}); err == nil {
		t.Error("Tell without Ask accepted")
	}
	xs, _ := c.Ask()
	if _, err := c.Ask(); err == nil {
		t.Error("second Ask accepted")
	}
	if _, err := c.MarshalState(); err == nil {
		t.Error("MarshalState with a pending generation accepted")
	}
	if err := c.Tell(make([]float64, len(xs)-1)); err == nil {
		t.Error("short fitness accepted")
	}
	fit := make([]float64, len(xs))
	fit[0] = math.NaN()
	if err := c.Tell(fit); err != nil {
		t.Errorf("NaN fitness: %v", err)
	}
	if _, err := Restore([]byte("junk")); err == nil {
		t.Error("junk state accepted")
	}
}
