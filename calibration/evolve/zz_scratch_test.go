package evolve

import (
	"os"
	"testing"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/knn"
)

func TestScratchMetric(t *testing.T) {
	path := os.Getenv("ENGINE")
	if path == "" {
		t.Skip()
	}
	e, err := engine.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	_, te, _ := dataset.LoadMNIST("")
	test := te.Subset(1000, 1)
	for _, m := range []knn.Metric{knn.L2, knn.Cosine} {
		for _, k := range []int{1, 3, 9} {
			e.KNN.Metric, e.KNN.K = m, k
			e.KNN.Prepare()
			acc, _ := Accuracy(e, test)
			t.Logf("%s metric %v k %d: %.2f%%", path, m, k, 100*acc)
		}
	}
}
