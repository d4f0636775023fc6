package backend_test

import (
	"fmt"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

// A backend is built by name from the registry; the sliced one serves the
// daemon's current engine.
func Example() {
	e := fixture.Engine(models.B, 1)
	b, err := backend.Default.New(backend.Options{Name: "sliced", Engine: func() *engine.Engine { return e }})
	if err != nil {
		fmt.Println(err)
		return
	}
	r, _ := b.Classify(fixture.Tensor(fixture.Digit(7, 0, 0)))
	fmt.Println(b.Info().Name, b.Info().Device, r.Class, r.Score)
	// Output: sliced cpu 7 1
}
