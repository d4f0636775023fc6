package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/candidates"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/pipeline"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
)

func (s *server) classifyRoutes() {
	s.handle("POST /v1/classify", "classify", s.classify)
}

type timings struct {
	Decode     float64 `json:"decode_seconds"`
	Preprocess float64 `json:"preprocess_seconds"`
	Inference  float64 `json:"inference_seconds"`
	Conv       float64 `json:"conv_seconds,omitempty"`
	KNN        float64 `json:"knn_seconds,omitempty"`
}

type classifyResponse struct {
	Label      int                `json:"label"`
	Class      string             `json:"class"`
	Known      bool               `json:"known"`
	Nearest    string             `json:"nearest,omitempty"` // the class label indexes, also for an unknown answer
	Score      float32            `json:"score"`
	Scores     []float32          `json:"scores"`
	Neighbours []backend.Neighbor `json:"neighbours,omitempty"`
	Backend    string             `json:"backend"`
	Device     string             `json:"device"`
	Fallback   bool               `json:"fallback,omitempty"`
	Timings    timings            `json:"timings"`
	Candidate  string             `json:"candidate,omitempty"` // the id it was kept under for enrolment (see /v1/candidates)
}

// httpError is a failure to answer with a status code.
type httpError struct {
	code int
	msg  string
}

func (e *httpError) write(w http.ResponseWriter, prefix string) {
	fail(w, e.code, "%s%s", prefix, e.msg)
}

// readImage reads and decodes an image body under the limits and
// preprocesses it.
func (s *server) readImage(r io.Reader) (in []float32, dec, pre time.Duration, herr *httpError) {
	data, err := io.ReadAll(r)
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return nil, 0, 0, &httpError{http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over the limit of %d bytes", mb.Limit)}
		}
		return nil, 0, 0, &httpError{http.StatusBadRequest, "reading the body: " + err.Error()}
	}
	t0 := time.Now()
	_, pixels := s.d.Limits()
	m, _, err := prep.Decode(data, pixels)
	if err != nil {
		code := http.StatusUnsupportedMediaType
		if prep.IsTooLarge(err) {
			code = http.StatusRequestEntityTooLarge
		}
		return nil, 0, 0, &httpError{code, err.Error()}
	}
	t1 := time.Now()
	in, _, err = s.d.Prep(m)
	if errors.Is(err, prep.ErrNoInk) {
		return nil, 0, 0, &httpError{http.StatusUnprocessableEntity, "no object found in the image"}
	}
	if err != nil {
		return nil, 0, 0, &httpError{http.StatusUnprocessableEntity, err.Error()}
	}
	return in, t1.Sub(t0), time.Since(t1), nil
}

// classify answers POST /v1/classify: the body is a PNG, JPEG or PGM image;
// ?backend=NAME asks a backend other than the primary.
func (s *server) classify(w http.ResponseWriter, r *http.Request) {
	in, dec, pre, herr := s.readImage(r.Body)
	if herr != nil {
		herr.write(w, "")
		return
	}
	route := s.d.Route()
	if name := r.URL.Query().Get("backend"); name != "" {
		b, ok := s.d.Backends()[name]
		if !ok {
			fail(w, http.StatusNotFound, "backend %q not loaded (have %v)", name, s.modelNames())
			return
		}
		route = &pipeline.Route{Primary: b, Fallback: route.Fallback}
		if b == route.Fallback {
			route.Fallback = nil
		}
	}
	a, err := route.Classify(in, s.d.Metrics)
	if err != nil {
		fail(w, http.StatusInternalServerError, "backend %s: %v", a.Backend.Name, err)
		return
	}
	reply(w, http.StatusOK, classifyResponse{
		Label: a.Label, Class: a.Class, Known: a.Known, Nearest: a.Nearest, Score: a.Score, Scores: a.Scores, Neighbours: a.Neighbors,
		Backend: a.Backend.Name, Device: a.Backend.Device, Fallback: a.Fallback,
		Timings: timings{Decode: dec.Seconds(), Preprocess: pre.Seconds(), Inference: a.Timing.Inference.Seconds(),
			Conv: a.Timing.Conv.Seconds(), KNN: a.Timing.KNN.Seconds()},
		Candidate: s.offer(in, candidates.FromAnswer(a)),
	})
}
