package evolve_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/calibration/evolve"
	"github.com/sliced-ai/sliced/engine/knn"
	"github.com/sliced-ai/sliced/engine/nn"
)

// bars makes n noisy 28x28 images of a horizontal (class 0) or vertical
// (class 1) bar at a random position.
func bars(n int, seed uint64) *dataset.Set {
	r := rand.New(rand.NewPCG(seed, 7))
	s := &dataset.Set{Shape: nn.Shape{C: 1, H: 28, W: 28}, Classes: []string{"horizontal", "vertical"}}
	for i := 0; i < n; i++ {
		img := make([]float32, 28*28)
		for j := range img {
			img[j] = 0.3 * r.Float32()
		}
		label, at := i%2, 4+r.IntN(20)
		for j := 4; j < 24; j++ {
			if label == 0 {
				img[at*28+j] = 1
			} else {
				img[j*28+at] = 1
			}
		}
		s.Images = append(s.Images, img...)
		s.Labels = append(s.Labels, label)
	}
	return s
}

func Example() {
	conv := func(out, in int) nn.Layer {
		return nn.Layer{Op: nn.OpConv, Out: out, Size: 3, W: make([]float32, out*in*9), B: make([]float32, out)}
	}
	stack := nn.Stack{In: nn.Shape{C: 1, H: 28, W: 28}, Layers: []nn.Layer{
		conv(2, 1), {Op: nn.OpReLU}, {Op: nn.OpMaxPool, Size: 2},
		conv(2, 2), {Op: nn.OpReLU}, {Op: nn.OpMaxPool, Size: 2},
	}}
	data, err := evolve.SplitTrain(bars(300, 1), 60, 60, 1)
	if err != nil {
		panic(err)
	}
	res, err := evolve.Run(context.Background(), &stack, data, evolve.Config{
		Method: "cmaes", Init: "random", Generations: 5, Seed: 1,
	})
	if err != nil {
		panic(err)
	}
	e, err := evolve.NewEngine("bars", "tiny", &stack, bars(300, 1), 9, knn.L2)
	if err != nil {
		panic(err)
	}
	acc, err := evolve.Accuracy(e, bars(100, 2))
	if err != nil {
		panic(err)
	}
	fmt.Println("stages tuned:", len(res.ValAcc))
	fmt.Println("test accuracy above 90%:", acc > 0.9)
	// Output:
	// stages tuned: 2
	// test accuracy above 90%: true
}
