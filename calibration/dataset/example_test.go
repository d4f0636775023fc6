package dataset_test

import (
	"fmt"

	"github.com/sliced-ai/sliced/calibration/dataset"
)

func Example() {
	train, test, err := dataset.LoadMNIST("") // GoMNIST in the Go module cache
	if err != nil {
		fmt.Println(err)
		return
	}
	fit, val, _ := train.Split(5000, 1) // deterministic hold-out
	small := fit.Subset(4000, 1)        // the paper's 4000-image protocol
	fmt.Println(fit.Len(), val.Len(), small.Len(), test.Len(), train.Shape)
	// Output: 55000 5000 4000 10000 1x28x28
}
