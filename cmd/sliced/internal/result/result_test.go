package result

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/pipeline"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/knn"
)

func jsonOf(t *testing.T, r Result) string {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestShape(t *testing.T) {
	known := FromAnswer(pipeline.Answer{Result: backend.Result{Label: 2, Class: "2", Known: true, Score: 0.75,
		Neighbors: []backend.Neighbor{{Class: "2", Dist: 0.5}}}, Backend: backend.Info{Name: "sliced", Device: "cpu"}, Nearest: "2"})
	known.LatencyUS = US(1500 * time.Nanosecond)
	if got, want := jsonOf(t, known), `{"label":"2","index":2,"known":true,"score":0.75,"neighbors":[{"label":"2","distance":0.5}],"backend":"sliced","device":"cpu","latency_us":1.5}`; got != want {
		t.Errorf("known answer\n got %s\nwant %s", got, want)
	}
	// An unknown answer names no class by number: index -1, and the
	// class it came nearest to by name.
	unknown := FromAnswer(pipeline.Answer{Result: backend.Result{Label: 7, Class: engine.Unknown, Score: 0.1}, Nearest: "7"})
	if got, want := jsonOf(t, unknown), `{"label":"unknown","index":-1,"known":false,"nearest":"7","score":0.1,"latency_us":0}`; got != want {
		t.Errorf("unknown answer\n got %s\nwant %s", got, want)
	}
	// An engine prediction (sliced classify) comes out the same.
	p := FromPrediction(engine.Prediction{Label: 7, Class: engine.Unknown, Score: 0.1, Neighbors: []knn.Neighbor{{Label: 7, Dist: 2}}},
		[]string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "unknown"})
	if got, want := jsonOf(t, p), `{"label":"unknown","index":-1,"known":false,"nearest":"7","score":0.1,"neighbors":[{"label":"7","distance":2}],"latency_us":0}`; got != want {
		t.Errorf("prediction\n got %s\nwant %s", got, want)
	}
}
