package main

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/nn"
)

func init() {
	register(&command{Name: "eval", Summary: "print an engine's accuracy on the MNIST test images (full CNN or sliced)", Run: runEval})
}

func runEval(args []string) error {
	fs := newFlags("eval", "--engine FILE [flags]")
	path := fs.String("engine", "", "engine file to score (required)")
	data := fs.String("data", "", "folder of MNIST-style idx files (default: GoMNIST in the Go module cache)")
	folder := fs.String("folder", "", "score a class-per-folder tree of PNG/JPEG images instead (classes matched by name; a roi or whole-frame engine's images are made by its preprocessing)")
	size := fs.Int("test-size", 0, "score this many test images drawn by --seed (0: all)")
	seed := fs.Uint64("seed", 1, "seed for --test-size")
	threads := fs.Int("threads", runtime.GOMAXPROCS(0), "worker goroutines")
	conv := fs.String("conv", "auto", nn.ConvAlgoUsage())
	if err := parse(fs, args); err != nil {
		return err
	}
	algo, err := nn.ParseConvAlgo(*conv)
	if err != nil {
		fmt.Fprintf(fs.Output(), "slicecal eval: --conv: %v\n", err)
		return errUsage
	}
	if *path == "" {
		fmt.Fprintln(fs.Output(), "slicecal eval: --engine is required")
		return errUsage
	}
	e, err := engine.Load(*path)
	if err != nil {
		return err
	}
	var test *dataset.Set
	switch {
	case *folder != "" && e.Prep.Mode != engine.PrepDigit:
		// A roi or whole-frame engine: its images made as the daemon makes them.
		var skipped []dataset.Skipped
		test, skipped, err = dataset.LoadScenes(*folder, dataset.SceneOptions{Scene: e.Prep.Scene(e.Stack.In)})
		for _, s := range skipped {
			fmt.Fprintf(os.Stderr, "skipped %s: %v\n", s.Path, s.Err)
		}
	case *folder != "":
		test, err = dataset.LoadFolder(*folder, dataset.FolderOptions{Size: e.Stack.In.W})
	default:
		_, test, err = dataset.LoadMNIST(*data)
	}
	if err != nil {
		return err
	}
	if *size > 0 {
		test = test.Subset(*size, *seed)
	}
	start := time.Now()
	opt := nn.Options{Conv: algo}
	correct, labels, err := scoreLabels(e, test, *threads, opt)
	if err != nil {
		return err
	}
	el := time.Since(start)
	fmt.Printf("%s: %s engine %q, topology %s\n", *path, e.Kind(), e.Name, e.Topology)
	if algo != nn.ConvAuto {
		s, err := e.NewSessionOptions(opt)
		if err != nil {
			return err
		}
		fmt.Printf("conv layers: %s\n", s.ConvAlgos())
	}
	what := "MNIST test images"
	if *folder != "" {
		what = *folder
	}
	fmt.Printf("test accuracy %.2f%% (%d/%d, %s) in %.1fs (%.0f images/s, %d threads)\n",
		100*float64(labels)/float64(test.Len()), labels, test.Len(), what, el.Seconds(), float64(test.Len())/el.Seconds(), *threads)
	if correct != labels {
		fmt.Printf("with open-set answers: %.2f%% (%d/%d; %d right labels answered unknown)\n",
			100*float64(correct)/float64(test.Len()), correct, test.Len(), labels-correct)
	}
	return nil
}

// scoreEngine counts the images whose answer (unknown counted wrong)
// names their label's class, with one Session per goroutine.
func scoreEngine(e *engine.Engine, set *dataset.Set, threads int) (int, error) {
	correct, _, err := scoreLabels(e, set, threads, nn.Options{})
	return correct, err
}

// scoreLabels also counts the images whose nearest class is right,
// whatever the open-set answer.
func scoreLabels(e *engine.Engine, set *dataset.Set, threads int, opt nn.Options) (correct, labels int, err error) {
	if e.Stack.In != set.Shape {
		return 0, 0, fmt.Errorf("engine takes %v images, the data set has %v", e.Stack.In, set.Shape)
	}
	threads = max(1, min(threads, set.Len()))
	// Sessions are made one after another: preparing the k-NN writes to it.
	sessions := make([]*engine.Session, threads)
	for i := range sessions {
		s, err := e.NewSessionOptions(opt)
		if err != nil {
			return 0, 0, err
		}
		sessions[i] = s
	}
	counts, labelCounts := make([]int, threads), make([]int, threads)
	names := e.ClassNames()
	errs := make([]error, threads)
	var wg sync.WaitGroup
	for w, s := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < set.Len(); i += threads {
				p, err := s.Classify(set.Image(i))
				if err != nil {
					errs[w] = fmt.Errorf("image %d: %w", i, err)
					return
				}
				want := set.Classes[set.Labels[i]]
				if p.Class == want {
					counts[w]++
				}
				if names[p.Label] == want {
					labelCounts[w]++
				}
			}
		}()
	}
	wg.Wait()
	for w := range sessions {
		if errs[w] != nil {
			return 0, 0, errs[w]
		}
		correct += counts[w]
		labels += labelCounts[w]
	}
	return correct, labels, nil
}
