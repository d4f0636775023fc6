package api

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/candidates"
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
	Live     http.Handler // the live view: /, /stream.mjpg, /v1/recent
	// Candidates keeps unsure answers for enrolment; nil: none are kept.
	Candidates *candidates.Keeper
	Log        *slog.Logger
}

// Handler builds the routes.
func Handler(d Deps) http.Handler {
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
	}
	return s.mux
}

type server struct {
	d   Deps
	mux *http.ServeMux
}

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
		want := s.d.Token()
		if want == "" {
			fail(w, http.StatusForbidden, "mutating endpoints are disabled: no token configured (token_file, or $CREDENTIALS_DIRECTORY/token)")
			return
		}
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="sliced"`)
			fail(w, http.StatusUnauthorized, "missing or wrong bearer token")
			return
		}
		h(w, r)
	}
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

// bodyError answers a failed body read: 413 when over the limit.
func bodyError(w http.ResponseWriter, err error) {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		fail(w, http.StatusRequestEntityTooLarge, "request body over the limit of %d bytes", mb.Limit)
		return
	}
	fail(w, http.StatusBadRequest, "reading the body: %v", err)
}
