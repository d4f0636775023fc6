package api

import (
	"errors"
	"fmt"
	"image"
	"io"
	"net/http"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/candidates"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/metrics"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/pipeline"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/result"
)

func (s *server) classifyRoutes() {
	s.handle("POST /v1/classify", "classify", s.classify)
}

// classifyResponse is the answer of POST /v1/classify: the result as
// every other place shows it, and the candidate id it was kept under for
// enrolment (see /v1/candidates).
type classifyResponse struct {
	result.Result
	Candidate string `json:"candidate,omitempty"`
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
	return s.readImageWith(r, s.d.Prep)
}

// readImageWith is readImage with the preprocessing pf: that of a
// source's region for an enrolment of its frames.
func (s *server) readImageWith(r io.Reader, pf prep.Func) (in []float32, dec, pre time.Duration, herr *httpError) {
	data, herr := readBody(r)
	if herr != nil {
		return nil, 0, 0, herr
	}
	t0 := time.Now()
	m, herr := s.decodeImage(data)
	if herr != nil {
		return nil, 0, 0, herr
	}
	t1 := time.Now()
	if in, herr = prepImage(pf, m); herr != nil {
		return nil, 0, 0, herr
	}
	return in, t1.Sub(t0), time.Since(t1), nil
}

// readBody reads a body under the limit.
func readBody(r io.Reader) ([]byte, *httpError) {
	data, err := io.ReadAll(r)
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return nil, &httpError{http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over the limit of %d bytes", mb.Limit)}
		}
		return nil, &httpError{http.StatusBadRequest, "reading the body: " + err.Error()}
	}
	return data, nil
}

// decodeImage decodes a PNG, JPEG or PGM under the pixel limit.
func (s *server) decodeImage(data []byte) (image.Image, *httpError) {
	_, pixels := s.d.Limits()
	m, _, err := prep.Decode(data, pixels)
	if err != nil {
		code := http.StatusUnsupportedMediaType
		if prep.IsTooLarge(err) {
			code = http.StatusRequestEntityTooLarge
		}
		return nil, &httpError{code, err.Error()}
	}
	return m, nil
}

// prepImage makes the engine's input of m.
func prepImage(pf prep.Func, m image.Image) ([]float32, *httpError) {
	in, _, err := pf(m)
	if errors.Is(err, prep.ErrNoInk) {
		return nil, &httpError{http.StatusUnprocessableEntity, "no object found in the image"}
	}
	if err != nil {
		return nil, &httpError{http.StatusUnprocessableEntity, err.Error()}
	}
	return in, nil
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
		b, ok := s.models()[name]
		if !ok {
			fail(w, http.StatusNotFound, "backend %q not loaded (have %v)", name, s.modelNames())
			return
		}
		route = &pipeline.Route{Primary: b, Fallback: route.Fallback}
		if b == route.Fallback {
			route.Fallback = nil
		}
	}
	t0 := time.Now()
	a, err := route.Classify(in, s.d.Metrics)
	if err != nil {
		fail(w, http.StatusInternalServerError, "backend %s: %v", a.Backend.Name, err)
		return
	}
	inf := time.Since(t0)
	if m := s.d.Metrics; m != nil {
		b := a.Backend
		m.StageSeconds.WithLabelValues(metrics.StagePreprocess, metrics.PathClassify, "", b.Name, b.Device).Observe(pre.Seconds())
		m.Inference(metrics.PathClassify, "", b.Name, b.Device, a.Timing.Inference, a.Timing.Conv, a.Timing.KNN)
	}
	res := result.FromAnswer(a)
	// From the decode on: reading the body is the client's time.
	res.LatencyUS = result.US(dec + pre + inf)
	res.Timings = &result.Timings{DecodeUS: result.US(dec), PreprocessUS: result.US(pre), InferenceUS: result.US(a.Timing.Inference),
		ConvUS: result.US(a.Timing.Conv), KNNUS: result.US(a.Timing.KNN)}
	reply(w, http.StatusOK, classifyResponse{Result: res, Candidate: s.offer(in, candidates.FromAnswer(a))})
}
