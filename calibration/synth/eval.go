package synth

import (
	"bytes"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/sliced-ai/sliced/engine/imageio"
	"github.com/sliced-ai/sliced/engine/preprocess"
)

// Classifier labels one preprocessed 28x28 tensor (values in [0, 1]).
// Evaluate calls it from one goroutine only.
type Classifier func([]float32) int

// Report is the outcome of Evaluate.
type Report struct {
	Frames       int           // camera-like frames classified
	Correct      int           // of them, labelled right
	Empty        int           // frames in which preprocessing found no digit (counted wrong)
	CleanCorrect int           // the same digits, clean, labelled right
	MeanAbsDiff  float64       // mean |preprocessed frame - clean digit| per pixel
	Preprocess   time.Duration // mean time of decode + preprocess per frame
}

// Accuracy on the frames.
func (r Report) Accuracy() float64 { return frac(r.Correct, r.Frames) }

// CleanAccuracy on the clean digits.
func (r Report) CleanAccuracy() float64 { return frac(r.CleanCorrect, r.Frames) }

// Relative is the frame accuracy as a fraction of the clean accuracy.
func (r Report) Relative() float64 { return frac(r.Correct, r.CleanCorrect) }

func (r Report) String() string {
	return fmt.Sprintf("%d frames: accuracy %.2f %% (clean digits %.2f %%, relative %.2f %%), %d empty, mean |diff| %.4f, decode+preprocess %v/frame",
		r.Frames, 100*r.Accuracy(), 100*r.CleanAccuracy(), 100*r.Relative(), r.Empty, r.MeanAbsDiff, r.Preprocess)
}

func frac(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// FrameDigit is the image that frame i of n shows, of count images:
// evenly spaced through the set, so that 1,000 frames sample all of
// MNIST's 10,000 test digits (whose two halves differ in difficulty).
func FrameDigit(i, n, count int) int {
	if n <= count {
		return int(int64(i) * int64(count) / int64(n))
	}
	return i % count
}

// FrameSeed is the seed of frame i of an evaluation run with seed seed.
func FrameSeed(seed uint64, i int) uint64 {
	return seed*0x9e3779b97f4a7c15 + uint64(i)
}

type evalItem struct {
	i      int
	tensor []float32
	empty  bool
	took   time.Duration
	err    error
}

// Evaluate renders n frames from images (28*28 values each, flat, as
// dataset.Set holds them; the frames show images spread evenly over the
// whole set, see FrameDigit) and
// takes each the way the daemon does: JPEG bytes, imageio.Decode,
// preprocess.Image, then classify. It also classifies the clean digits,
// so the result says how much the camera path costs.
func Evaluate(images []float32, labels []int, n int, seed uint64, o Options, classify Classifier) (Report, error) {
	const px = Side * Side
	if len(labels) == 0 || len(images) != len(labels)*px {
		return Report{}, fmt.Errorf("synth: %d values for %d labelled images", len(images), len(labels))
	}
	if err := o.Validate(); err != nil {
		return Report{}, err
	}
	jobs := make(chan int)
	out := make(chan evalItem, 8)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pre := preprocess.New()
			for i := range jobs {
				out <- camera(pre, images, labels, i, FrameDigit(i, n, len(labels)), seed, o)
			}
		}()
	}
	go func() {
		for i := 0; i < n; i++ {
			jobs <- i
		}
		close(jobs)
		wg.Wait()
		close(out)
	}()

	var r Report
	var diff float64
	var took time.Duration
	var firstErr error
	for it := range out {
		if it.err != nil {
			if firstErr == nil {
				firstErr = it.err
			}
			continue
		}
		k := FrameDigit(it.i, n, len(labels))
		clean := images[k*px : (k+1)*px]
		r.Frames++
		took += it.took
		if it.empty {
			r.Empty++
		} else if classify(it.tensor) == labels[k] {
			r.Correct++
		}
		if classify(clean) == labels[k] {
			r.CleanCorrect++
		}
		for j, v := range it.tensor {
			diff += abs(float64(v - clean[j]))
		}
	}
	if firstErr != nil {
		return r, firstErr
	}
	if r.Frames > 0 {
		r.MeanAbsDiff = diff / float64(r.Frames*px)
		r.Preprocess = took / time.Duration(r.Frames)
	}
	return r, nil
}

// camera renders frame i (of image k) and takes it through decode and preprocess.
func camera(pre *preprocess.Preprocessor, images []float32, labels []int, i, k int, seed uint64, o Options) evalItem {
	const px = Side * Side
	_, data, err := Render(images[k*px:(k+1)*px], labels[k], FrameSeed(seed, i), o)
	if err != nil {
		return evalItem{err: err}
	}
	t0 := time.Now()
	t, empty, err := Take(pre, data)
	if err != nil {
		return evalItem{err: fmt.Errorf("synth: frame %d: %w", i, err)}
	}
	return evalItem{i: i, tensor: t, empty: empty, took: time.Since(t0)}
}

// Camera prints img (28*28 values in [0, 1], ink bright) on a camera-like
// frame drawn from seed and takes it the way the daemon does (see Take).
func Camera(pre *preprocess.Preprocessor, img []float32, seed uint64, o Options) ([]float32, bool, error) {
	_, data, err := Render(img, 0, seed, o)
	if err != nil {
		return nil, false, err
	}
	return Take(pre, data)
}

// Take decodes an encoded frame with imageio and preprocesses it, as the
// daemon does. It returns the engine's input tensor and whether
// preprocessing found nothing in the frame.
func Take(pre *preprocess.Preprocessor, data []byte) ([]float32, bool, error) {
	m, _, err := imageio.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, false, err
	}
	t := make([]float32, Side*Side)
	info, err := pre.Image(t, m)
	if err != nil {
		return nil, false, err
	}
	return t, info.Empty, nil
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
