package api

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/candidates"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/config"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/enrolfile"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/metrics"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/pipeline"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/source"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/store"
)

// Deps is what the handlers use. Functions are called per request, so a
// reload is seen at the next one.
type Deps struct {
	Version  string
	Store    *store.Store
	Route    func() *pipeline.Route
	Backends func() map[string]backend.Backend
	Prep     prep.Func
	Metrics  *metrics.Metrics
	Gatherer prometheus.Gatherer
	Token    func() string // "" disables mutating endpoints
	Limits   func() (bodyBytes, imagePixels int64)
	Ready    func() (bool, string)
	Uploads  func(name string) *source.Upload
	Live     http.Handler // the live view: /, /stream.mjpg, /v1/recent, /v1/latest
	// Candidates keeps unsure answers for enrolment; nil: none are kept.
	Candidates *candidates.Keeper
	// Sources is the configuration's sources, for enrolment of a
	// source's region (?source=S&region=R); nil: none are known.
	Sources func() []config.Source
	// LatestFrame is the newest frame of a source that the pipeline
	// classified, false before its first; nil: none are kept.
	LatestFrame func(source string) (image.Image, bool)
	// ModelDir is the model folder of the v2 repository extension: engine
	// files NAME.slc, loaded and unloaded by request; nil or "": none.
	ModelDir func() string
	Log      *slog.Logger
}

// Handler builds the routes, for HTTP alone; New has gRPC too.
func Handler(d Deps) http.Handler { return New(d) }

func buildServer(d Deps) *server {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	s := &server{d: d, mux: http.NewServeMux()}
	s.v2Routes()
	s.classifyRoutes()
	s.classesRoutes()
	s.candidatesRoutes()
	s.uploadRoutes()
	s.handle("GET /metrics", "metrics", promhttp.HandlerFor(d.Gatherer, promhttp.HandlerOpts{}).ServeHTTP)
	if d.Live != nil {
		s.handle("GET /{$}", "liveview", d.Live.ServeHTTP)
		s.handle("GET /stream.mjpg", "stream", d.Live.ServeHTTP)
		s.handle("GET /v1/recent", "recent", d.Live.ServeHTTP)
		s.handle("GET /v1/latest", "latest", d.Live.ServeHTTP)
	}
	return s
}

type server struct {
	d     Deps
	mux   *http.ServeMux
	stats statsBook  // of the /v2 inferences
	repo  repository // models loaded from the model folder
}

// ServeHTTP routes r. What no route takes gets a JSON error like every
// other: the mux's own 404 and 405 answers are plain text.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h, pattern := s.mux.Handler(r)
	if pattern == "" {
		// No route: h is the mux's 404 or 405 (or a redirect to a cleaned
		// path, which is passed on). Its code and Allow header are kept.
		rec := &headerRecorder{header: http.Header{}, code: http.StatusOK}
		h.ServeHTTP(rec, r)
		switch rec.code {
		case http.StatusNotFound:
			fail(w, rec.code, "no route for %s %s", r.Method, r.URL.Path)
			return
		case http.StatusMethodNotAllowed:
			allow := rec.header.Get("Allow")
			w.Header().Set("Allow", allow)
			fail(w, rec.code, "method %s not allowed for %s (allowed: %s)", r.Method, r.URL.Path, allow)
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

// headerRecorder keeps what a handler sets but its body.
type headerRecorder struct {
	header http.Header
	code   int
}

func (r *headerRecorder) Header() http.Header         { return r.header }
func (r *headerRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *headerRecorder) WriteHeader(code int)        { r.code = code }

// handle registers h with a body limit and latency metrics under name.
func (s *server) handle(pattern, name string, h http.HandlerFunc) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		t0 := time.Now()
		if r.Body != nil {
			body, _ := s.d.Limits()
			r.Body = http.MaxBytesReader(w, r.Body, body)
		}
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		h(sw, r)
		if s.d.Metrics != nil {
			s.d.Metrics.HTTPSeconds.WithLabelValues(name, r.Method, strconv.Itoa(sw.code)).Observe(time.Since(t0).Seconds())
		}
	})
}

// mutating wraps h with the bearer token check.
func (s *server) mutating(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := s.authorize(r.Header.Get("Authorization")); err != nil {
			if err.code == http.StatusUnauthorized {
				w.Header().Set("WWW-Authenticate", `Bearer realm="sliced"`)
			}
			failWith(w, err)
			return
		}
		h(w, r)
	}
}

// authorize is the token rule of every mutating call, HTTP or gRPC:
// authorization must be "Bearer TOKEN".
func (s *server) authorize(authorization string) *apiError {
	want := s.d.Token()
	if want == "" {
		return errorf(http.StatusForbidden, "mutating endpoints are disabled: no token configured (token_file, or $CREDENTIALS_DIRECTORY/token)")
	}
	got, ok := strings.CutPrefix(authorization, "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return errorf(http.StatusUnauthorized, "missing or wrong bearer token")
	}
	return nil
}

// apiError is a failure of the code that HTTP and gRPC share, with the
// HTTP status it answers (gRPC maps it to a code).
type apiError struct {
	code int
	msg  string
}

func (e *apiError) Error() string { return e.msg }

func errorf(code int, format string, a ...any) *apiError {
	return &apiError{code: code, msg: fmt.Sprintf(format, a...)}
}

func failWith(w http.ResponseWriter, err *apiError) {
	fail(w, err.code, "%s", err.msg)
}

// statusWriter remembers the status code for the metrics.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection (flushing the
// MJPEG stream, per-write deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func reply(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func fail(w http.ResponseWriter, code int, format string, a ...any) {
	reply(w, code, map[string]string{"error": fmt.Sprintf(format, a...)})
}

// storeError answers a failed change of the served engine (package store):
// 409 for a change the engine cannot take, 422 for an import of nothing,
// and 500 for the rest, which are failures to write the state directory
// (or bugs), the same on every route.
func (s *server) storeError(w http.ResponseWriter, what string, err error) {
	var mm *enrolfile.MismatchError
	var ex *enrolfile.ExistsError
	switch {
	case errors.Is(err, store.ErrNotSliced), errors.Is(err, store.ErrLastClass), errors.Is(err, store.ErrNoRollback),
		errors.As(err, &mm), errors.As(err, &ex):
		fail(w, http.StatusConflict, "%v", err)
	case errors.Is(err, enrolfile.ErrEmpty):
		fail(w, http.StatusUnprocessableEntity, "%v", err)
	default:
		s.d.Log.Error(what+" failed", "err", err)
		fail(w, http.StatusInternalServerError, "%s: %v", what, err)
	}
}

// bodyError answers a failed body read: 413 when over the limit.
func bodyError(w http.ResponseWriter, err error) {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		fail(w, http.StatusRequestEntityTooLarge, "request body over the limit of %d bytes", mb.Limit)
		return
	}
	fail(w, http.StatusBadRequest, "reading the body: %v", err)
}
