// Package benchrun is `sliced bench`: the same preprocessed frames through
// several backends of the daemon's registry (cmd/sliced/internal/backend),
// each timed one image a call, and one table that sets them side by side.
//
// The frames are MNIST test digits, spread evenly over the 10,000, or
// camera-like frames of them (calibration/synth: 640x480 JPEG, decoded and
// preprocessed as the daemon does; rendering is not timed). The backends
// run in interleaved rounds of Config.Round frames, so that load from
// other work on the machine falls on all of them alike.
//
// Per backend the table gives the latency percentiles p50, p90 and p99
// (wall time around Backend.Classify, copies in and out included), the
// throughput (frames over the time spent in that backend's rounds, with
// Config.Threads callers at once), the accuracy against the true labels,
// the agreement with the sliced engine and with the Go full CNN (labels
// computed untimed beforehand), the largest difference of a class
// probability from the Go full CNN's (full-CNN backends only) and the
// ratio of the median to the sliced engine's.
//
// The full-CNN backends (fullcnn, onnxruntime, openvino, cuda) all get the
// same network: Config.FullCNN, or the int8 topology-B network embedded in
// the binary (models.FullCNNEngine). A backend that cannot be built here
// (library or device missing: backend.ErrUnavailable) is a "skipped" row
// that says why; any other error is a "failed" row. Neither stops the run.
//
// With Config.Metrics set, every call of a measured backend that answers,
// warm-up included, is observed in the daemon's per-backend histograms
// (metrics.Metrics.Inference) under path "bench", so that a benchmark run
// as a batch job can leave them for a Prometheus collector (`sliced bench
// --metrics-file`). The reference labels computed beforehand are not
// observed: they are the run's answer key, not part of what it measures.
//
// Report writes the table as text (Text), markdown (Markdown), JSON (its
// fields) and a PNG bar chart of p50 and p90 (PNG).
//
// The harness is shared with `make bench` (package benchtable): Rounds
// interleaves the timed turns, Percentile reads the latencies and Table
// writes the markdown and text tables.
package benchrun
