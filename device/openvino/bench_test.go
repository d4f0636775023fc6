package openvino

import (
	"syscall"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/device/internal/runtimetest"
	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models"
	"github.com/sliced-ai/sliced/models/onnxexport"
)

// benchmarkOverhead times the same inference through the Go API (one cgo
// call per image) and in the shim's C loop (one cgo call in all),
// alternating in rounds so that both see the same machine load. It reports
// the fastest round of each per image (wall clock and process CPU time,
// which filter out other processes' interference) and the shim's overhead.
func benchmarkOverhead(b *testing.B, s nn.Stack) {
	lib := testLibrary(b)
	data, err := onnxexport.Export(runtimetest.RandomStack(s, 1), onnxexport.Options{})
	if err != nil {
		b.Fatal(err)
	}
	m, err := New(data, Options{Library: lib, Device: "CPU", Threads: 1})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	img, out := runtimetest.RandomImage(1), make([]float32, m.OutLen())
	if err := m.runLoop(out, img, 20); err != nil { // warm-up
		b.Fatal(err)
	}
	const rounds = 20
	n := max(b.N/rounds, 1)
	goTime, cTime := time.Duration(1<<62), time.Duration(1<<62)
	goCPU, cCPU := time.Duration(1<<62), time.Duration(1<<62)
	goLoop := func() {
		t0, c0 := time.Now(), cpuTime()
		for range n {
			if err := m.RunTo(out, img); err != nil {
				b.Fatal(err)
			}
		}
		goTime, goCPU = min(goTime, time.Since(t0)), min(goCPU, cpuTime()-c0)
	}
	cLoop := func() {
		t0, c0 := time.Now(), cpuTime()
		if err := m.runLoop(out, img, n); err != nil {
			b.Fatal(err)
		}
		cTime, cCPU = min(cTime, time.Since(t0)), min(cCPU, cpuTime()-c0)
	}
	b.ResetTimer()
	for r := range rounds {
		if r%2 == 0 { // alternate the order so neither path always goes second
			goLoop()
			cLoop()
		} else {
			cLoop()
			goLoop()
		}
	}
	b.StopTimer()
	total := float64(n)
	g, c := float64(goTime.Nanoseconds())/total, float64(cTime.Nanoseconds())/total
	b.ReportMetric(g, "go-ns/img")
	b.ReportMetric(c, "c-ns/img")
	b.ReportMetric(g-c, "overhead-ns/img")
	b.ReportMetric(100*(g-c)/c, "overhead-%")
	// CPU time of the process is not inflated by other processes' load.
	gc, cc := float64(goCPU.Nanoseconds())/total, float64(cCPU.Nanoseconds())/total
	b.ReportMetric(gc-cc, "overhead-cpu-ns/img")
	b.ReportMetric(100*(gc-cc)/cc, "overhead-cpu-%")
}

// cpuTime is the user and system time of the whole process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// A graph of one Relu: OpenVINO does almost nothing, so the difference
// between the two paths is the shim's cost per call in nanoseconds.
func BenchmarkOverheadTiny(b *testing.B) {
	benchmarkOverhead(b, nn.Stack{In: models.MNISTInput, Layers: []nn.Layer{{Op: nn.OpReLU}}})
}

func BenchmarkOverheadFullA(b *testing.B) { benchmarkOverhead(b, models.FullCNN(models.A, 128, 10)) }
func BenchmarkOverheadFullB(b *testing.B) { benchmarkOverhead(b, models.FullCNN(models.B, 64, 10)) }
func BenchmarkOverheadConvA(b *testing.B) { benchmarkOverhead(b, models.ConvStack(models.A)) }
func BenchmarkOverheadConvB(b *testing.B) { benchmarkOverhead(b, models.ConvStack(models.B)) }
