package metrics

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Stage names for StageSeconds.
const (
	StageCapture    = "capture"
	StagePreprocess = "preprocess"
	StageInference  = "inference"
	StageConv       = "conv"
	StageKNN        = "knn"
)

// Paths an inference comes by: the path label of StageSeconds.
const (
	PathPipeline = "pipeline" // a source's frames
	PathClassify = "classify" // POST /v1/classify
	PathV2       = "v2"       // POST /v2/models/{name}/infer
	PathGRPC     = "grpc"     // the gRPC ModelInfer call
	PathBench    = "bench"    // sliced bench, a process of its own
)

// Latency buckets from 50 µs to ~3 s: the sliced engine answers in about a
// millisecond, an NCS2 or a cold camera in tens or hundreds.
var buckets = prometheus.ExponentialBuckets(50e-6, 2.5, 13)

// Metrics holds the daemon's collectors. Safe for concurrent use.
type Metrics struct {
	// roi is a source's region; "" for a source's one unnamed region and
	// for what concerns the whole source (capture, drops, source errors).
	FrameSeconds    *prometheus.HistogramVec // source, roi, backend, device
	StageSeconds    *prometheus.HistogramVec // stage, path, source, backend, device
	Frames          *prometheus.CounterVec   // source, roi
	Classifications *prometheus.CounterVec   // source, roi, backend, label
	Unknowns        *prometheus.CounterVec   // source, roi, backend
	Smoothed        *prometheus.CounterVec   // source, roi
	Drops           *prometheus.CounterVec   // source
	Errors          *prometheus.CounterVec   // source, roi, kind

	SourceUp   *prometheus.GaugeVec   // source
	Reconnects *prometheus.CounterVec // source

	BackendInfo *prometheus.GaugeVec   // backend, device, model, state
	Fallbacks   *prometheus.CounterVec // backend

	CompareSeconds    *prometheus.HistogramVec // backend, device
	CompareFrames     *prometheus.CounterVec   // backend
	CompareAgreements *prometheus.CounterVec   // backend

	EngineInfo       *prometheus.GaugeVec // name, kind, topology, format_version, version
	EngineClasses    prometheus.Gauge
	EnginePrototypes prometheus.Gauge
	EngineBytes      prometheus.Gauge
	EngineReloads    *prometheus.CounterVec // result

	HTTPSeconds *prometheus.HistogramVec // handler, method, code

	CandidatesKept prometheus.Gauge

	MQTTEvents    *prometheus.CounterVec // result: published, dropped
	MQTTQueue     prometheus.Gauge
	MQTTConnected prometheus.Gauge

	ages *ageCollector
}

// New builds the metrics and registers them, with the Go and process
// collectors, on reg.
func New(reg prometheus.Registerer) (*Metrics, error) {
	hist := func(sub, name, help string, labels ...string) *prometheus.HistogramVec {
		return prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: "sliced", Subsystem: sub, Name: name, Help: help, Buckets: buckets}, labels)
	}
	counter := func(sub, name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "sliced", Subsystem: sub, Name: name, Help: help}, labels)
	}
	gauge := func(sub, name, help string, labels ...string) *prometheus.GaugeVec {
		return prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "sliced", Subsystem: sub, Name: name, Help: help}, labels)
	}
	single := func(sub, name, help string) prometheus.Gauge {
		return prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "sliced", Subsystem: sub, Name: name, Help: help})
	}
	m := &Metrics{
		FrameSeconds:    hist("pipeline", "frame_duration_seconds", "End-to-end latency of a frame, from capture to result, by region of the frame.", "source", "roi", "backend", "device"),
		StageSeconds:    hist("pipeline", "stage_duration_seconds", "Time a frame, request or bench call spent in one stage, by the path it came by (source is empty but for frames).", "stage", "path", "source", "backend", "device"),
		Frames:          counter("pipeline", "frames_total", "Frames classified, by region of the frame (a frame of two regions counts once in each).", "source", "roi"),
		Classifications: counter("pipeline", "classifications_total", "Classifications by label: every frame's own answer, before smoothing.", "source", "roi", "backend", "label"),
		Unknowns:        counter("pipeline", "unknown_total", "Frames answered unknown: like none of the engine's classes.", "source", "roi", "backend"),
		Smoothed:        counter("pipeline", "smoothed_total", "Answers not reported because smoothing kept the region's state: fewer equal answers in a row than the region's smooth.", "source", "roi"),
		Drops:           counter("pipeline", "dropped_frames_total", "Frames replaced by a newer one before inference took them.", "source"),
		Errors:          counter("pipeline", "errors_total", "Errors by kind.", "source", "roi", "kind"),

		SourceUp:   gauge("source", "up", "1 while the source is open and delivering frames.", "source"),
		Reconnects: counter("source", "reconnects_total", "Times a source was reopened after an error, an end or a silence.", "source"),

		BackendInfo: gauge("backend", "info", "Backends and how they fared at start-up (state loaded, skipped or failed).", "backend", "device", "model", "state"),
		Fallbacks:   counter("backend", "fallbacks_total", "Classifications the sliced engine answered because the backend failed.", "backend"),

		CompareSeconds:    hist("compare", "duration_seconds", "Inference latency of the backend compared with the primary.", "backend", "device"),
		CompareFrames:     counter("compare", "frames_total", "Frames sent to the compared backend.", "backend"),
		CompareAgreements: counter("compare", "agreements_total", "Compared frames where the backend agreed with the primary.", "backend"),

		EngineInfo:       gauge("engine", "info", "The loaded engine; version is its engine version (1, then one more for every enrolment, removal, import or rollback).", "name", "kind", "topology", "format_version", "version"),
		EngineClasses:    single("engine", "classes", "Classes the engine knows."),
		EnginePrototypes: single("engine", "prototypes", "Stored prototypes of the k-NN."),
		EngineBytes:      single("engine", "size_bytes", "Size of the engine file."),
		EngineReloads:    counter("engine", "reloads_total", "Engine loads after start-up by result.", "result"),

		HTTPSeconds: hist("http", "request_duration_seconds", "HTTP request latency.", "handler", "method", "code"),

		CandidatesKept: single("candidates", "kept", "Frames kept for enrolment because they were answered unknown or with a low score (see /v1/candidates)."),
		MQTTEvents:     counter("mqtt", "events_total", "MQTT events by result: published (acknowledged by the broker at QoS 1) or dropped (the queue was full while the broker was away).", "result"),
		MQTTQueue:      single("mqtt", "queue_length", "MQTT events waiting for the broker."),
		MQTTConnected:  single("mqtt", "connected", "1 while the MQTT broker connection is up."),
		ages:           &ageCollector{last: map[string]time.Time{}, now: time.Now},
	}
	m.ages.desc = prometheus.NewDesc("sliced_source_last_frame_age_seconds", "Seconds since the source's last frame.", []string{"source"}, nil)
	cs := []prometheus.Collector{
		m.FrameSeconds, m.StageSeconds, m.Frames, m.Classifications, m.Unknowns, m.Smoothed, m.Drops, m.Errors,
		m.SourceUp, m.Reconnects, m.BackendInfo, m.Fallbacks,
		m.CompareSeconds, m.CompareFrames, m.CompareAgreements,
		m.EngineInfo, m.EngineClasses, m.EnginePrototypes, m.EngineBytes, m.EngineReloads,
		m.HTTPSeconds, m.CandidatesKept, m.MQTTEvents, m.MQTTQueue, m.MQTTConnected, m.ages,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	}
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Inference records one classification by backend and device in the
// inference stage, and its conv and knn parts where the backend tells them
// apart (non-zero).
func (m *Metrics) Inference(path, source, backend, device string, inference, conv, knn time.Duration) {
	m.StageSeconds.WithLabelValues(StageInference, path, source, backend, device).Observe(inference.Seconds())
	if conv > 0 {
		m.StageSeconds.WithLabelValues(StageConv, path, source, backend, device).Observe(conv.Seconds())
	}
	if knn > 0 {
		m.StageSeconds.WithLabelValues(StageKNN, path, source, backend, device).Observe(knn.Seconds())
	}
}

// FrameSeen records a frame's arrival for the age gauge.
func (m *Metrics) FrameSeen(source string, t time.Time) { m.ages.set(source, t) }

// ageCollector computes last-frame ages at scrape time, so they grow while
// a source is silent.
type ageCollector struct {
	desc *prometheus.Desc
	now  func() time.Time
	mu   sync.Mutex
	last map[string]time.Time
}

func (a *ageCollector) set(source string, t time.Time) {
	a.mu.Lock()
	a.last[source] = t
	a.mu.Unlock()
}

func (a *ageCollector) Describe(ch chan<- *prometheus.Desc) { ch <- a.desc }

func (a *ageCollector) Collect(ch chan<- prometheus.Metric) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	for s, t := range a.last {
		ch <- prometheus.MustNewConstMetric(a.desc, prometheus.GaugeValue, now.Sub(t).Seconds(), s)
	}
}
