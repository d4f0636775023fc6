package openvino

import (
	"testing"
	"time"

	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models"
	"github.com/sliced-ai/sliced/models/onnxexport"
)

// benchmarkOverhead times the same inference through the Go API (one cgo
// call per image) and in the shim's C loop (one cgo call in all),
// alternating in rounds so that both see the same machine load. It reports
// the fastest round of each per image, which filters out other processes'
// interference, and the shim's overhead in percent.
func benchmarkOverhead(b *testing.B, s nn.Stack) {
	lib := testLibrary(b)
	data, err := onnxexport.Export(randomStack(s, 1), onnxexport.Options{})
	if err != nil {
		b.Fatal(err)
	}
	m, err := New(data, Options{Library: lib, Device: "CPU", Threads: 1})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	img, out := randomImage(1), make([]float32, m.OutLen())
	if err := m.runLoop(out, img, 20); err != nil { // warm-up
		b.Fatal(err)
	}
	const rounds = 10
	n := max(b.N/rounds, 1)
	goTime, cTime := time.Duration(1<<62), time.Duration(1<<62)
	b.ResetTimer()
	for range rounds {
		t0 := time.Now()
		for range n {
			if err := m.RunTo(out, img); err != nil {
				b.Fatal(err)
			}
		}
		t1 := time.Now()
		if err := m.runLoop(out, img, n); err != nil {
			b.Fatal(err)
		}
		goTime = min(goTime, t1.Sub(t0))
		cTime = min(cTime, time.Since(t1))
	}
	b.StopTimer()
	total := float64(n)
	g, c := float64(goTime.Nanoseconds())/total, float64(cTime.Nanoseconds())/total
	b.ReportMetric(g, "go-ns/img")
	b.ReportMetric(c, "c-ns/img")
	b.ReportMetric(g-c, "overhead-ns/img")
	b.ReportMetric(100*(g-c)/c, "overhead-%")
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
