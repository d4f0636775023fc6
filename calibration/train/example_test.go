package train_test

import (
	"fmt"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/calibration/train"
	"github.com/sliced-ai/sliced/engine/nn"
)

// A two-class toy problem: is the bright pixel in the top or bottom half?
func Example() {
	data := &dataset.Set{Shape: nn.Shape{C: 1, H: 4, W: 4}, Classes: []string{"top", "bottom"}}
	for i := range 64 {
		img := make([]float32, 16)
		img[i%16] = 1
		data.Images = append(data.Images, img...)
		data.Labels = append(data.Labels, (i%16)/8)
	}
	stack := nn.Stack{In: data.Shape, Layers: []nn.Layer{
		{Op: nn.OpConv, Out: 4, Size: 2, W: make([]float32, 4*4), B: make([]float32, 4)},
		{Op: nn.OpReLU},
		{Op: nn.OpDense, Out: 2, W: make([]float32, 2*36), B: make([]float32, 2)},
		{Op: nn.OpSoftmax},
	}}
	if err := train.Init(&stack, 1, train.Glorot); err != nil {
		fmt.Println(err)
		return
	}
	opt, _ := train.NewOptimizer("adam", 0.01)
	tr, err := train.New(&stack, train.Config{Epochs: 30, BatchSize: 8, Optimizer: opt, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := tr.Fit(data); err != nil {
		fmt.Println(err)
		return
	}
	acc, _ := train.Accuracy(&stack, data, 0)
	fmt.Println("learned:", acc >= 0.95)
	// Output: learned: true
}
