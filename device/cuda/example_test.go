package cuda_test

import (
	"errors"
	"fmt"

	"github.com/sliced-ai/sliced/device/cuda"
	"github.com/sliced-ai/sliced/models"
)

// The embedded full CNN on the first GPU, or the reason there is none.
func Example() {
	e, err := models.FullCNNEngine()
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := cuda.New(&e.Stack, cuda.Options{})
	if errors.Is(err, cuda.ErrNoDriver) || errors.Is(err, cuda.ErrNoCgo) {
		fmt.Println("no GPU here; use the sliced engine")
		return
	} else if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	probs, err := m.Run(make([]float32, 28*28))
	fmt.Println(m.Device(), len(probs), err)
}
