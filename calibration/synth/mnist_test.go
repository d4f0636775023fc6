package synth

import (
	"sync"
	"testing"

	"github.com/sliced-ai/sliced/calibration/dataset"
)

var (
	mnistOnce         sync.Once
	mnistTrain, mnist *dataset.Set
	mnistErr          error
)

// testDigits loads MNIST once per test binary, or skips when the module
// cache does not hold it.
func testDigits(t testing.TB) (train, test *dataset.Set) {
	t.Helper()
	mnistOnce.Do(func() { mnistTrain, mnist, mnistErr = dataset.LoadMNIST("") })
	if mnistErr != nil {
		t.Skipf("MNIST not available: %v", mnistErr)
	}
	return mnistTrain, mnist
}

// rawKNN is a k-NN on raw pixels: a classifier that needs no training, to
// measure preprocessing before a trained engine exists.
type rawKNN struct {
	images []float32
	labels []int
	norms  []float32
	k      int
	best   []nb
}

type nb struct {
	d float32
	l int
}

func newRawKNN(s *dataset.Set, n, k int) *rawKNN {
	const px = Side * Side
	c := &rawKNN{images: s.Images[:n*px], labels: s.Labels[:n], k: k}
	for i := 0; i < n; i++ {
		var s float32
		for _, v := range c.images[i*px : (i+1)*px] {
			s += v * v
		}
		c.norms = append(c.norms, s)
	}
	return c
}

// classify: |a-b|^2 = |b|^2 - 2 a.b + |a|^2 (the last is the same for
// every prototype), vote of the k nearest, ties to the nearer.
func (c *rawKNN) classify(x []float32) int {
	const px = Side * Side
	c.best = c.best[:0]
	for i, l := range c.labels {
		p := c.images[i*px : (i+1)*px]
		var dot float32
		for j, v := range x {
			dot += v * p[j]
		}
		d := c.norms[i] - 2*dot
		if len(c.best) == c.k && d >= c.best[c.k-1].d {
			continue
		}
		if len(c.best) < c.k {
			c.best = append(c.best, nb{})
		}
		j := len(c.best) - 1
		for ; j > 0 && c.best[j-1].d > d; j-- {
			c.best[j] = c.best[j-1]
		}
		c.best[j] = nb{d, l}
	}
	var votes [10]int
	for _, b := range c.best {
		votes[b.l]++
	}
	win := c.best[0].l
	for l, v := range votes {
		if v > votes[win] {
			win = l
		}
	}
	return win
}
