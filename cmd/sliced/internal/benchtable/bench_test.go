package benchtable

import (
	"math"
	"strings"
	"testing"
	"time"
)

// BenchmarkRows runs every row of the table as a Go benchmark: one image,
// one thread, best-us the fastest call (the all-cores figure is in the
// table only). ONNX Runtime rows are skipped when the library is missing.
//
//	go test -run '^$' -bench Rows ./cmd/sliced/internal/benchtable
func BenchmarkRows(b *testing.B) {
	rows, done, err := build("", 0)
	if err != nil {
		b.Fatal(err)
	}
	defer done()
	for _, r := range rows {
		name := strings.NewReplacer(" ", "_", "(", "", ")", "").Replace(r.Name)
		b.Run(name, func(b *testing.B) {
			if r.run == nil {
				b.Skip(r.Err)
			}
			best := time.Duration(math.MaxInt64)
			for b.Loop() {
				t0 := time.Now()
				if err := r.run(); err != nil {
					b.Fatal(err)
				}
				best = min(best, time.Since(t0))
			}
			b.ReportMetric(float64(best.Nanoseconds())/1e3, "best-us")
			b.ReportMetric(r.FLOPs/best.Seconds()/1e9, "best-GFLOP/s")
		})
	}
}
