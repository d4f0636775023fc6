package prototypes

import (
	"runtime"
	"sync"

	"github.com/sliced-ai/sliced/engine/nn"
)

// Features runs the stack over n images (each in.Len() values, back to back)
// on every core and returns n x outLen features.
func Features(s *nn.Stack, images []float32, n int) ([]float32, int, error) {
	r0, err := nn.NewRunner(s)
	if err != nil {
		return nil, 0, err
	}
	inLen, outLen := s.In.Len(), r0.Out().Len()
	out := make([]float32, n*outLen)
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := r0
			if w > 0 {
				r, _ = nn.NewRunner(s) // the stack was checked above
			}
			for i := w; i < n; i += workers {
				f, err := r.Forward(images[i*inLen : (i+1)*inLen])
				if err != nil {
					errs[w] = err
					return
				}
				copy(out[i*outLen:], f)
			}
		}(w)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, 0, err
		}
	}
	return out, outLen, nil
}
