package train

import (
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/engine/nn"
)

// Accuracy is the share of images of set whose largest output is their
// label, computed with the inference kernels (nn.Runner, no dropout) on
// threads goroutines (0: all cores).
func Accuracy(s *nn.Stack, set *dataset.Set, threads int) (float64, error) {
	if set.Len() == 0 {
		return 0, errors.New("train: no images to score")
	}
	if set.Shape != s.In {
		return 0, fmt.Errorf("train: images are %v, the network takes %v", set.Shape, s.In)
	}
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	threads = min(threads, set.Len())
	correct := make([]int, threads)
	errs := make([]error, threads)
	var wg sync.WaitGroup
	for w := range threads {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r, err := nn.NewRunner(s)
			if err != nil {
				errs[w] = err
				return
			}
			for i := w; i < set.Len(); i += threads {
				out, err := r.Forward(set.Image(i))
				if err != nil {
					errs[w] = err
					return
				}
				best := 0
				for c, v := range out {
					if v > out[best] {
						best = c
					}
				}
				if best == set.Labels[i] {
					correct[w]++
				}
			}
		}(w)
	}
	wg.Wait()
	sum := 0
	for w := range threads {
		if errs[w] != nil {
			return 0, errs[w]
		}
		sum += correct[w]
	}
	return float64(sum) / float64(set.Len()), nil
}
