// Package soak runs the real daemon for a long time under a steady load and
// judges whether it stays healthy: `make soak` (30 minutes) runs it through
// cmd/sliced/internal/soak/run.
//
// The daemon (`sliced serve`, the embedded default engine) reads the demo
// video, models/demo/demo.avi, in a loop at 30 frames/s, while clients
//
//   - POST the demo images to /v1/classify at a steady rate,
//   - scrape /metrics every second and parse it with the Prometheus text
//     parser,
//   - read /v1/classes, /v1/recent and /v2/health/ready,
//   - watch /stream.mjpg for a few seconds now and then,
//   - enrol a class and remove it again, and
//   - send SIGHUP.
//
// Every interval a sample records the daemon's resident memory (VmRSS of
// /proc/PID/status), go_goroutines, the frames and requests served, the
// errors so far and the latency histograms: the video's frames by stage
// (sliced_pipeline_stage_duration_seconds{path="pipeline"}) and whole
// (sliced_pipeline_frame_duration_seconds), and /v1/classify as the server
// timed it.
//
// An error is any answer that is not 2xx, a failed request or scrape, a
// WARN or ERROR line in the daemon's log, a pipeline error other than a
// frame with nothing in it (sliced_pipeline_errors_total{kind!="no_object"}),
// a backend fallback, a failed reload, a reload the daemon did not count,
// or an unclean exit on SIGTERM. Dropped frames
// (sliced_pipeline_dropped_frames_total) are counted apart: the pipeline
// keeps the newest frame by design, and drops one whenever a frame's time
// (33 ms) passes without it getting a core, which other work on a shared
// machine causes now and then; Limits.DropRate bounds them.
//
// Analyse judges the samples after a warm-up: the first and the last
// window (each a fifth of the judged span) are compared. Memory and
// goroutines are the medians of the samples in each window. A stage's p99
// is taken over each interval between samples, from the histogram's growth
// over it, interpolated in its buckets as Prometheus's histogram_quantile
// does; a window's is the median of its intervals', so that a burst of
// other work on a shared machine moves one interval, not the verdict. The
// run fails on any error, on memory or goroutines that grew more than
// Limits allow, on a stage whose p99 drifted beyond its limit, on more
// dropped frames than allowed, or on a frame rate under 90 % of the one
// asked for.
package soak
