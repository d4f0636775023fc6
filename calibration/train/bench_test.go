package train

import (
	"testing"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/models"
)

// BenchmarkStepA times one mini-batch of 32 images of topology A (forward,
// backward and Adam), the unit of a training run.
func BenchmarkStepA(b *testing.B) {
	s := models.FullCNN(models.A, 128, 10)
	if err := Init(&s, 1, Glorot); err != nil {
		b.Fatal(err)
	}
	set := &dataset.Set{Shape: s.In, Classes: []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}}
	r := newFastRand(5)
	for i := range 32 {
		for range s.In.Len() {
			set.Images = append(set.Images, r.float32())
		}
		set.Labels = append(set.Labels, i%10)
	}
	tr, err := New(&s, Config{BatchSize: 32, Dropout: KerasDropout(&s)})
	if err != nil {
		b.Fatal(err)
	}
	idx := make([]int, 32)
	for i := range idx {
		idx[i] = i
	}
	b.ResetTimer()
	for range b.N {
		tr.batch(set, idx)
	}
	b.ReportMetric(float64(b.N*32)/b.Elapsed().Seconds(), "img/s")
}
