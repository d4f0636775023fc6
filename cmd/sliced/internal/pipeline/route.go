package pipeline

import (
	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/metrics"
)

// Route is the set of backends a classification goes to. A Route is
// replaced, never changed, when the configuration reloads.
type Route struct {
	Primary  backend.Backend
	Fallback backend.Backend // the sliced engine; nil when it is the primary
	Compare  backend.Backend // nil: no comparison
	Every    int             // compare one frame in Every
}

// Answer is a classification with the backend that gave it.
type Answer struct {
	backend.Result
	Backend  backend.Info
	Fallback bool // the primary failed and Fallback answered
	// Nearest is the name of the class Label indexes: the answer's class,
	// or for an unknown answer the class it came nearest to.
	Nearest string
}

// answer names the nearest class of res as b's classes have it.
func answer(res backend.Result, b backend.Backend, fallback bool) Answer {
	a := Answer{Result: res, Backend: b.Info(), Fallback: fallback, Nearest: res.Class}
	if !res.Known {
		a.Nearest = ""
		if names := b.Classes(); res.Label >= 0 && res.Label < len(names) {
			a.Nearest = names[res.Label]
		}
	}
	return a
}

// Classify asks the primary and falls back to the sliced engine when it
// fails; m (optional) counts the fallback.
func (r *Route) Classify(in []float32, m *metrics.Metrics) (Answer, error) {
	res, err := r.Primary.Classify(in)
	if err == nil {
		return answer(res, r.Primary, false), nil
	}
	if r.Fallback == nil {
		return Answer{Backend: r.Primary.Info()}, err
	}
	info := r.Primary.Info()
	if m != nil {
		m.Fallbacks.WithLabelValues(info.Name).Inc()
	}
	res, ferr := r.Fallback.Classify(in)
	if ferr != nil {
		return Answer{Backend: r.Fallback.Info()}, ferr
	}
	return answer(res, r.Fallback, true), nil
}

// CompareWith runs the compare backend on in and records its latency and
// agreement with primary.
func (r *Route) CompareWith(in []float32, primary Answer, m *metrics.Metrics) (backend.Result, error) {
	info := r.Compare.Info()
	res, err := r.Compare.Classify(in)
	if err != nil {
		return res, err
	}
	m.CompareSeconds.WithLabelValues(info.Name, info.Device).Observe(res.Timing.Inference.Seconds())
	m.CompareFrames.WithLabelValues(info.Name).Inc()
	if res.Class == primary.Class {
		m.CompareAgreements.WithLabelValues(info.Name).Inc()
	}
	return res, nil
}
