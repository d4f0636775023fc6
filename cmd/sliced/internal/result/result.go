package result

import (
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/pipeline"
	"github.com/sliced-ai/sliced/engine"
)

// Result is one classification as JSON.
type Result struct {
	Label     string     `json:"label"`
	Index     int        `json:"index"`
	Known     bool       `json:"known"`
	Nearest   string     `json:"nearest,omitempty"`
	Score     float32    `json:"score"`
	Scores    []float32  `json:"scores,omitempty"`
	Neighbors []Neighbor `json:"neighbors,omitempty"`
	Backend   string     `json:"backend,omitempty"`
	Device    string     `json:"device,omitempty"`
	Fallback  bool       `json:"fallback,omitempty"`
	LatencyUS float64    `json:"latency_us"`
	Timings   *Timings   `json:"timings,omitempty"`
}

// Neighbor is one of the k nearest prototypes.
type Neighbor struct {
	Label    string  `json:"label"`
	Distance float32 `json:"distance"`
}

// Timings split the latency by stage. Conv and KNN are given only by
// backends that can tell them apart.
type Timings struct {
	DecodeUS     float64 `json:"decode_us,omitempty"`
	PreprocessUS float64 `json:"preprocess_us"`
	InferenceUS  float64 `json:"inference_us"`
	ConvUS       float64 `json:"conv_us,omitempty"`
	KNNUS        float64 `json:"knn_us,omitempty"`
}

// US is d in microseconds.
func US(d time.Duration) float64 { return float64(d) / 1e3 }

// answer fills the fields every kind of answer has; index is the nearest
// class's number, also for an unknown answer, and nearest its name.
func answer(index int, class string, known bool, nearest string, score float32) Result {
	r := Result{Label: class, Index: index, Known: known, Score: score}
	if !known {
		// The number would name a class the answer is not; the name of
		// the nearest one is kept instead.
		r.Index, r.Nearest = -1, nearest
	}
	return r
}

// FromAnswer is a daemon answer (a pipeline's, or POST /v1/classify's);
// the caller sets the latency and timings it measured.
func FromAnswer(a pipeline.Answer) Result {
	r := answer(a.Label, a.Class, a.Known, a.Nearest, a.Score)
	r.Scores = a.Scores
	for _, nb := range a.Neighbors {
		r.Neighbors = append(r.Neighbors, Neighbor{Label: nb.Class, Distance: nb.Dist})
	}
	r.Backend, r.Device, r.Fallback = a.Backend.Name, a.Backend.Device, a.Fallback
	return r
}

// FromPrediction is an engine prediction (`sliced classify`); names are
// the engine's class names, which the prediction's labels index.
func FromPrediction(p engine.Prediction, names []string) Result {
	name := func(i int) string {
		if i >= 0 && i < len(names) {
			return names[i]
		}
		return ""
	}
	r := answer(p.Label, p.Class, p.Known, name(p.Label), p.Score)
	for _, nb := range p.Neighbors {
		r.Neighbors = append(r.Neighbors, Neighbor{Label: name(nb.Label), Distance: nb.Dist})
	}
	return r
}
