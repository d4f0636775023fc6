package prototypes

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/nn"
)

func TestPCAFindsTheMainAxis(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	const n, d = 2000, 5
	x := make([]float32, n*d)
	axis := []float64{0.6, 0.8, 0, 0, 0}
	for i := 0; i < n; i++ {
		a := rng.NormFloat64() * 10
		for j := 0; j < d; j++ {
			x[i*d+j] = float32(a*axis[j] + rng.NormFloat64()*0.1 + 3)
		}
	}
	mean, w, err := PCA(x, n, d, 2)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(float64(mean[0])-3) > 0.5 {
		t.Errorf("mean %v", mean)
	}
	dot := 0.0
	for j := 0; j < d; j++ {
		dot += float64(w[j]) * axis[j]
	}
	if math.Abs(dot) < 0.999 {
		t.Errorf("first component %v, want ±%v", w[:d], axis)
	}
	if _, _, err := PCA(x, n, d, 6); err == nil {
		t.Error("more components than dimensions accepted")
	}
}

func TestKMeansSeparatesClusters(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	centres := [][2]float32{{0, 0}, {10, 0}, {0, 10}}
	var x []float32
	for i := 0; i < 300; i++ {
		c := centres[i%3]
		x = append(x, c[0]+float32(rng.NormFloat64()*0.3), c[1]+float32(rng.NormFloat64()*0.3))
	}
	got := KMeans(x, 300, 2, 3, 50, 7)
	for _, c := range centres {
		best := math.Inf(1)
		for k := 0; k < 3; k++ {
			best = min(best, sqDist(got[k*2:k*2+2], c[:]))
		}
		if best > 0.05 {
			t.Errorf("no centroid near %v: %v", c, got)
		}
	}
	if again := KMeans(x, 300, 2, 3, 50, 7); sqDist(again, got) != 0 {
		t.Error("same seed, different centroids")
	}
}

// Two classes of 6x6 images, bright on the left or on the right, through a
// small random conv stack: the engine built from them must separate them
// and fit a budget.
func TestBuildSeparatesClasses(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	img := func(c int) []float32 {
		v := make([]float32, 36)
		for y := 0; y < 6; y++ {
			for x := 0; x < 6; x++ {
				if (x < 3) == (c == 0) {
					v[y*6+x] = 0.8 + rng.Float32()*0.2
				} else {
					v[y*6+x] = rng.Float32() * 0.2
				}
			}
		}
		return v
	}
	var images []float32
	var labels []int
	for i := 0; i < 200; i++ {
		images = append(images, img(i%2)...)
		labels = append(labels, i%2)
	}
	conv := nn.Layer{Op: nn.OpConv, Out: 4, Size: 3, W: make([]float32, 36), B: make([]float32, 4)}
	for i := range conv.W {
		conv.W[i] = float32(rng.NormFloat64())
	}
	stack := nn.Stack{In: nn.Shape{C: 1, H: 6, W: 6}, Layers: []nn.Layer{conv, {Op: nn.OpReLU}}}
	b, err := NewBuilder(stack, engine.I8, images, labels, []string{"left", "right"})
	if err != nil {
		t.Fatal(err)
	}
	grid := Grid(Options{K: 3, ProtoType: engine.I8, ProjType: engine.I8}, []int{0, 4}, []int{3, 10}, nil)
	e, table, err := FitBudget(b, 100000, grid, images[:100*36], labels[:100])
	if err != nil {
		t.Fatal(err)
	}
	if len(table) != 4 {
		t.Fatalf("table %+v", table)
	}
	acc, err := Accuracy(e, images[100*36:], labels[100:])
	if err != nil || acc < 0.98 {
		t.Fatalf("accuracy %v %v", acc, err)
	}
	if size, _ := engine.EncodedSize(e); size > 100000 {
		t.Fatalf("engine of %d bytes over budget", size)
	}
	if _, _, err := FitBudget(b, 10, grid, images[:360], labels[:10]); err == nil {
		t.Fatal("impossible budget accepted")
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int{"74KiB": 75776, "1MiB": 1 << 20, "250000": 250000, "128k": 131072, "unlimited": 0, "1.5 KiB": 1536} {
		if got, err := ParseBytes(in); err != nil || got != want {
			t.Errorf("%q = %d %v, want %d", in, got, err, want)
		}
	}
	if _, err := ParseBytes("lots"); err == nil {
		t.Error("nonsense accepted")
	}
}

func TestSlice(t *testing.T) {
	full := nn.Stack{In: nn.Shape{C: 1, H: 4, W: 4}, Layers: []nn.Layer{{Op: nn.OpReLU}, {Op: nn.OpDense, Out: 2}}}
	s, err := Slice(full)
	if err != nil || len(s.Layers) != 1 {
		t.Fatal(s, err)
	}
	if _, err := Slice(nn.Stack{Layers: []nn.Layer{{Op: nn.OpReLU}}}); err == nil {
		t.Error("stack without a dense layer sliced")
	}
}
