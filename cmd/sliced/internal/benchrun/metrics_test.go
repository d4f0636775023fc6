package benchrun

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/metrics"
)

// Every call of a measured backend that answered, warm-up included, is one
// observation under path bench: 2 warm-up calls and 40 frames each for
// sliced and fullcnn, and flaky's 2 warm-up calls (its first timed call
// fails and ends its row) under fullcnn, the backend it wraps. sliced
// also reports its conv and k-NN parts.
func TestRunObserved(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg)
	if err != nil {
		t.Fatal(err)
	}
	testRun(t, 1, m)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]uint64{}
	for _, mf := range mfs {
		if mf.GetName() != metrics.StageFamily {
			continue
		}
		for _, x := range mf.GetMetric() {
			l := labels(x)
			if l["path"] != metrics.PathBench || l["source"] != "" || l["device"] != "cpu" {
				t.Errorf("observation with labels %v", l)
			}
			got[l["stage"]+"/"+l["backend"]] = x.GetHistogram().GetSampleCount()
		}
	}
	want := map[string]uint64{"inference/sliced": 42, "conv/sliced": 42, "knn/sliced": 42, "inference/fullcnn": 44, "conv/fullcnn": 44}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %d observations, want %d (all: %v)", k, got[k], n, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("observed %v, want %v", got, want)
	}
}

func labels(m *dto.Metric) map[string]string {
	l := map[string]string{}
	for _, p := range m.GetLabel() {
		l[p.GetName()] = p.GetValue()
	}
	return l
}
