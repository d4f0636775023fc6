//go:build cgo

package cuda

import (
	"errors"
	"flag"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

var (
	mnistDir = flag.String("cuda.mnist", "", "folder of the MNIST idx files (default: the Go module cache)")
	images   = flag.Int("cuda.images", 500, "MNIST test images to compare (10000: all)")
)

// openGPU compiles the embedded full CNN on device 0, or skips the test
// with the reason when this machine has no GPU, driver or NVRTC.
func openGPU(t testing.TB) (*Model, *engine.Engine) {
	e, err := models.FullCNNEngine()
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(&e.Stack, Options{})
	switch {
	case errors.Is(err, ErrNoDriver), errors.Is(err, ErrNoDevice), errors.Is(err, ErrNoNVRTC):
		t.Skipf("no GPU to test on: %v", err)
	case err != nil:
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	drv, nv, ver := Loaded()
	t.Logf("%s; %s (%s, %s)", m.Device(), ver, drv, nv)
	return m, e
}

// testImages are MNIST test digits, or random images when MNIST is not here.
func testImages(t testing.TB, n int) ([][]float32, []int) {
	var ims [][]float32
	var labels []int
	if _, test, err := dataset.LoadMNIST(*mnistDir); err == nil {
		for i := 0; i < min(n, test.Len()); i++ {
			ims, labels = append(ims, test.Image(i)), append(labels, test.Labels[i])
		}
		return ims, labels
	} else {
		t.Logf("MNIST not found (%v); random images instead", err)
	}
	rng := rand.New(rand.NewPCG(5, 3))
	for range n {
		im := make([]float32, 28*28)
		for i := range im {
			im[i] = rng.Float32()
		}
		ims, labels = append(ims, im), append(labels, -1)
	}
	return ims, labels
}

// TestGPUAgreesWithGo runs the full CNN on the GPU and on the CPU with the
// Go engine: every probability within 1e-4 and the same labels.
func TestGPUAgreesWithGo(t *testing.T) {
	m, e := openGPU(t)
	sess, err := e.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	ims, labels := testImages(t, *images)
	var worst float64
	same, correct := 0, 0
	var gpu time.Duration
	out := make([]float32, m.OutLen())
	for i, im := range ims {
		t0 := time.Now()
		if err := m.RunTo(out, im); err != nil {
			t.Fatal(err)
		}
		gpu += time.Since(t0)
		want, err := sess.Features(im)
		if err != nil {
			t.Fatal(err)
		}
		for j := range want {
			worst = math.Max(worst, math.Abs(float64(out[j]-want[j])))
		}
		if argmax(out) == argmax(want) {
			same++
		}
		if argmax(out) == labels[i] {
			correct++
		}
	}
	n := len(ims)
	t.Logf("%d images: max |gpu-go| %.2g, same label %d (%.2f %%), correct %d, %.1f us/image on the GPU",
		n, worst, same, 100*float64(same)/float64(n), correct, float64(gpu.Microseconds())/float64(n))
	if worst > 1e-4 {
		t.Errorf("GPU and Go differ by %g, want <= 1e-4", worst)
	}
	if float64(same) < 0.999*float64(n) {
		t.Errorf("same label on %d of %d images, want >= 99.9 %%", same, n)
	}
}

func TestGPUCloseTwice(t *testing.T) {
	m, _ := openGPU(t)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Run(make([]float32, m.InLen())); err == nil {
		t.Fatal("Run after Close succeeded")
	}
	if _, err := (&Model{in: 1, out: 1}).Run([]float32{0, 0}); err == nil {
		t.Fatal("wrong input length accepted")
	}
}

func argmax(p []float32) int {
	b := 0
	for i, v := range p {
		if v > p[b] {
			b = i
		}
	}
	return b
}

// BenchmarkRun is one image through the GPU from Go; BenchmarkRunLoop the
// same in a C loop, so that their difference is the cgo call's overhead.
func BenchmarkRun(b *testing.B) {
	m, _ := openGPU(b)
	in, out := make([]float32, m.InLen()), make([]float32, m.OutLen())
	for b.Loop() {
		if err := m.RunTo(out, in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRunLoop(b *testing.B) {
	m, _ := openGPU(b)
	in, out := make([]float32, m.InLen()), make([]float32, m.OutLen())
	b.ResetTimer()
	if err := m.runLoop(out, in, b.N); err != nil {
		b.Fatal(err)
	}
}
