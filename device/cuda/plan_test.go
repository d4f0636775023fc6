package cuda

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models"
)

// simulate runs a plan on the CPU with Go ports of the kernels in
// kernels.cu, one loop iteration per GPU thread: it checks the buffer and
// dimension wiring that the GPU run depends on.
func simulate(bufs []buffer, steps []step, in []float32) []float32 {
	mem := make([][]float32, len(bufs))
	for i, b := range bufs {
		mem[i] = make([]float32, b.n)
		copy(mem[i], b.host)
	}
	copy(mem[0], in)
	for _, s := range steps {
		x, y := mem[s.in], mem[s.out]
		c, h, w, k := s.dims[0], s.dims[1], s.dims[2], s.dims[4]
		for i := 0; i < s.threads; i++ {
			switch s.op {
			case opConv:
				oh, ow := h-k+1, w-k+1
				ox, oy, of := i%ow, (i/ow)%oh, i/(ow*oh)
				sum := mem[s.b][of]
				for ci := 0; ci < c; ci++ {
					for ky := 0; ky < k; ky++ {
						for kx := 0; kx < k; kx++ {
							sum += mem[s.w][((of*c+ci)*k+ky)*k+kx] * x[(ci*h+oy+ky)*w+ox+kx]
						}
					}
				}
				y[i] = sum
			case opReLU:
				y[i] = max(x[i], 0)
			case opMaxPool:
				ow, oh := w/k, h/k
				ox, oy, oc := i%ow, (i/ow)%oh, i/(ow*oh)
				m := float32(math.Inf(-1))
				for ky := 0; ky < k; ky++ {
					for kx := 0; kx < k; kx++ {
						if v := x[(oc*h+oy*k+ky)*w+ox*k+kx]; v > m || v != v {
							m = v
						}
					}
				}
				y[i] = m
			case opDense:
				n := c * h * w
				sum := mem[s.b][i]
				for p := 0; p < n; p++ {
					sum += mem[s.w][i*n+p] * x[p]
				}
				y[i] = sum
			case opSoftmax:
				n := c * h * w
				m := x[0]
				for _, v := range x[:n] {
					m = max(m, v)
				}
				var sum float32
				for j, v := range x[:n] {
					y[j] = float32(math.Exp(float64(v - m)))
					sum += y[j]
				}
				for j := range y[:n] {
					y[j] /= sum
				}
			}
		}
	}
	return mem[steps[len(steps)-1].out]
}

func TestPlanMatchesReference(t *testing.T) {
	e, err := models.FullCNNEngine()
	if err != nil {
		t.Fatal(err)
	}
	a := models.FullCNN(models.A, 16, 10)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, l := range a.Layers {
		for i := range l.W {
			l.W[i] = float32(rng.NormFloat64() * 0.1)
		}
		for i := range l.B {
			l.B[i] = float32(rng.NormFloat64() * 0.1)
		}
	}
	for name, s := range map[string]*nn.Stack{"embedded B64": &e.Stack, "random A16": &a} {
		bufs, steps, err := plan(s)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(steps) != len(s.Layers) {
			t.Fatalf("%s: %d steps for %d layers", name, len(steps), len(s.Layers))
		}
		in := make([]float32, s.In.Len())
		for i := range in {
			in[i] = rng.Float32()
		}
		want, err := nn.ReferenceForward(s, in)
		if err != nil {
			t.Fatal(err)
		}
		got := simulate(bufs, steps, in)
		if len(got) != len(want) {
			t.Fatalf("%s: %d outputs, want %d", name, len(got), len(want))
		}
		for i := range want {
			if d := math.Abs(float64(got[i] - want[i])); d > 1e-5 {
				t.Errorf("%s: output %d = %g, reference %g", name, i, got[i], want[i])
			}
		}
	}
}

func TestPlanRejects(t *testing.T) {
	good := models.FullCNN(models.B, 8, 10)
	short := models.FullCNN(models.B, 8, 10)
	short.Layers[0].W = short.Layers[0].W[:5]
	empty := nn.Stack{In: models.MNISTInput}
	for name, s := range map[string]*nn.Stack{"short weights": &short, "no layers": &empty} {
		if _, _, err := plan(s); err == nil {
			t.Errorf("%s: accepted", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
	if _, _, err := plan(&good); err != nil {
		t.Fatal(err)
	}
}
