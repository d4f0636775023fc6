package benchrun

import (
	"bytes"
	"fmt"
	"runtime"
	"sync"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/calibration/synth"
	"github.com/sliced-ai/sliced/engine/imageio"
	"github.com/sliced-ai/sliced/engine/preprocess"
)

// Frames are the preprocessed inputs of a run, each a 28x28 tensor in
// [0, 1], with the true label of each.
type Frames struct {
	Source  string // e.g. "MNIST test digits"
	Tensors [][]float32
	Labels  []int
}

// MNISTFrames takes n test digits from the MNIST test set in dir (empty:
// the Go module cache), evenly spread over all 10,000 when n is smaller,
// cycled when larger.
func MNISTFrames(dir string, n int) (*Frames, error) {
	_, test, err := dataset.LoadMNIST(dir)
	if err != nil {
		return nil, err
	}
	return fromSet(test, n, "MNIST test digits")
}

func fromSet(s *dataset.Set, n int, source string) (*Frames, error) {
	if n <= 0 || s.Len() == 0 {
		return nil, fmt.Errorf("benchrun: %d frames from %d images", n, s.Len())
	}
	f := &Frames{Source: source}
	for i := range n {
		k := synth.FrameDigit(i, n, s.Len())
		f.Tensors = append(f.Tensors, s.Image(k))
		f.Labels = append(f.Labels, s.Labels[k])
	}
	return f, nil
}

// CameraFrames renders n camera-like frames (640x480 JPEG, the digit at a
// random place, size and angle, see calibration/synth) of MNIST test
// digits and takes each the way the daemon does: decode, then
// engine/preprocess. Rendering is spread over every core and not timed.
func CameraFrames(dir string, n int, seed uint64) (*Frames, error) {
	_, test, err := dataset.LoadMNIST(dir)
	if err != nil {
		return nil, err
	}
	if n <= 0 {
		return nil, fmt.Errorf("benchrun: %d frames", n)
	}
	f := &Frames{Source: "camera frames of MNIST test digits", Tensors: make([][]float32, n), Labels: make([]int, n)}
	errs := make([]error, n)
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pre := preprocess.New()
			for i := range next {
				k := synth.FrameDigit(i, n, test.Len())
				f.Labels[i] = test.Labels[k]
				f.Tensors[i], errs[i] = render(pre, test.Image(k), test.Labels[k], synth.FrameSeed(seed, i))
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("benchrun: camera frame %d: %w", i, err)
		}
	}
	return f, nil
}

func render(pre *preprocess.Preprocessor, digit []float32, label int, seed uint64) ([]float32, error) {
	_, data, err := synth.Render(digit, label, seed, synth.DefaultOptions())
	if err != nil {
		return nil, err
	}
	img, _, err := imageio.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	t := make([]float32, synth.Side*synth.Side)
	_, err = pre.Image(t, img)
	return t, err
}
