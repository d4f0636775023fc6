package optimize

import (
	"math"
	"slices"
	"testing"
)

func TestPSOSphere(t *testing.T) {
	p, err := NewPSO(PSOConfig{Center: fill(10, 2), Radius: 5, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := run(p, sphere, 1000); err != nil {
		t.Fatal(err)
	}
	x, f := p.Best()
	if f > 1e-10 {
		t.Errorf("sphere best %g after %d evaluations, want < 1e-10", f, p.Evaluations())
	}
	if sphere(x) != f {
		t.Errorf("Best point does not give its fitness")
	}
}

func TestPSORosenbrock(t *testing.T) {
	p, err := NewPSO(PSOConfig{Center: fill(4, 0), Radius: 2, Particles: 30, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := run(p, rosenbrock, 3000); err != nil {
		t.Fatal(err)
	}
	x, f := p.Best()
	if f > 1e-4 {
		t.Fatalf("rosenbrock-4 best %g, want < 1e-4", f)
	}
	for i, v := range x {
		if math.Abs(v-1) > 0.05 {
			t.Errorf("x[%d] = %g, want 1", i, v)
		}
	}
}

func TestPSORastrigin(t *testing.T) {
	p, err := NewPSO(PSOConfig{Center: fill(2, 0), Radius: 5.12, Particles: 30, VMax: 2, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := run(p, rastrigin, 500); err != nil {
		t.Fatal(err)
	}
	if _, f := p.Best(); f > 1e-8 {
		t.Fatalf("rastrigin-2 best %g, want the global minimum 0", f)
	}
}

func TestPSOKeepCenter(t *testing.T) {
	c := []float64{0.5, -0.25, 1}
	p, _ := NewPSO(PSOConfig{Center: c, Radius: 1, KeepCenter: true})
	xs, _ := p.Ask()
	if !slices.Equal(xs[0], c) {
		t.Errorf("particle 0 at %v, want the center %v", xs[0], c)
	}
}

func TestPSOStateRoundTrip(t *testing.T) {
	cfg := PSOConfig{Center: fill(5, 1), Radius: 2, Seed: 9}
	a, _ := NewPSO(cfg)
	b, _ := NewPSO(cfg)
	if err := run(a, rastrigin, 30); err != nil {
		t.Fatal(err)
	}
	if err := run(b, rastrigin, 12); err != nil {
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
	if err := run(r, rastrigin, 18); err != nil {
		t.Fatal(err)
	}
	xa, fa := a.Best()
	xr, fr := r.Best()
	if fa != fr || !slices.Equal(xa, xr) {
		t.Errorf("resumed swarm differs: %g vs uninterrupted %g", fr, fa)
	}
}

func TestPSOErrors(t *testing.T) {
	bad := []PSOConfig{
		{Radius: 1},
		{Center: []float64{0}},
		{Center: []float64{0}, Radius: 1, Particles: 1},
		{Center: []float64{0}, Radius: 1, Inertia: 1.2, C1: 1, C2: 1},
		{Center: []float64{0}, Radius: 1, VMax: -1},
	}
	for i, cfg := range bad {
		if _, err := NewPSO(cfg); err == nil {
			t.Errorf("config %d accepted", i)
		}
	}
	p, _ := NewPSO(PSOConfig{Center: fill(2, 0), Radius: 1})
	if err := p.Tell([]float64{1}); err == nil {
		t.Error("Tell without Ask accepted")
	}
}
