package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/benchrun"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/metrics"
	"github.com/sliced-ai/sliced/engine"
)

func init() {
	register(command{name: "bench", summary: "compare the speed of the backends on the same frames", run: runBench})
}

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := newFlags("bench", stderr)
	list := fset.String("backends", "sliced,fullcnn,onnxruntime,openvino:CPU,cuda", "backends to compare, name[:device] separated by commas")
	frames := fset.Int("frames", 1000, "frames through every backend")
	warmup := fset.Int("warmup", 100, "untimed calls per backend first")
	threads := fset.Int("threads", 1, "callers classifying at once per backend")
	asJSON := fset.Bool("json", false, "print the report as JSON")
	out := fset.String("out", "", "folder to write bench.md (table) and bench.png (chart) into")
	enginePath := fset.String("engine", "", "sliced engine file, or an embedded engine: mnist (the default) or scene")
	fullcnn := fset.String("fullcnn", "", "full-CNN engine file (or .onnx for the runtimes) (default: the embedded full CNN)")
	camera := fset.Bool("camera", false, "camera-like frames of the digits (rendered, decoded, preprocessed) instead of the digits")
	mnist := fset.String("mnist", "", "folder of the MNIST idx files (default: the Go module cache)")
	seed := fset.Uint64("seed", 1, "seed of the camera frames")
	metricsFile := fset.String("metrics-file", "", "write the inference latency histograms (path=\"bench\") to this file in the Prometheus text format, atomically (for node_exporter's textfile collector: a .prom file in its folder)")
	fset.Usage = func() {
		fmt.Fprintln(stderr, "usage: sliced bench [--backends LIST] [--frames N] [--warmup W] [--threads T] [--json] [--out DIR] [--camera] [--metrics-file FILE]")
		fset.PrintDefaults()
	}
	if err := parse(fset, args); err != nil {
		return err
	}
	if fset.NArg() > 0 {
		fmt.Fprintf(stderr, "sliced bench: unexpected argument %q\n", fset.Arg(0))
		return errUsage
	}
	specs, err := benchrun.ParseBackends(*list)
	if err != nil {
		return err
	}
	if *frames <= 0 || *warmup < 0 || *threads <= 0 {
		return fmt.Errorf("--frames %d, --warmup %d, --threads %d: want frames and threads > 0, warmup >= 0", *frames, *warmup, *threads)
	}
	e, err := loadEngine(*enginePath)
	if err != nil {
		return err
	}
	var fr *benchrun.Frames
	if *camera {
		fr, err = benchrun.CameraFrames(*mnist, *frames, *seed)
	} else {
		fr, err = benchrun.MNISTFrames(*mnist, *frames)
	}
	if err != nil {
		return err
	}
	cfg := benchrun.Config{Backends: specs, Warmup: *warmup, Threads: *threads, Engine: e, FullCNN: *fullcnn}
	reg := prometheus.NewRegistry()
	if *metricsFile != "" {
		if cfg.Metrics, err = metrics.New(reg); err != nil {
			return err
		}
	}
	rep, err := benchrun.Run(ctx, cfg, fr)
	if err != nil {
		return err
	}
	if *metricsFile != "" {
		if err := writeMetrics(*metricsFile, reg); err != nil {
			return err
		}
	}
	if *out != "" {
		if err := writeBench(*out, rep); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return rep.Text(stdout)
}

// writeMetrics writes the bench's latency histograms to path atomically,
// so that a collector reading the folder never sees half a file.
func writeMetrics(path string, g prometheus.Gatherer) error {
	var b bytes.Buffer
	if err := metrics.WriteText(&b, g, metrics.StageFamily); err != nil {
		return err
	}
	return engine.WriteFileAtomic(path, b.Bytes(), 0o644)
}

// writeBench writes bench.md and, when a backend ran, bench.png into dir.
func writeBench(dir string, rep *benchrun.Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var md, png bytes.Buffer
	if err := rep.Markdown(&md); err != nil {
		return err
	}
	if err := engine.WriteFileAtomic(filepath.Join(dir, "bench.md"), md.Bytes(), 0o644); err != nil {
		return err
	}
	if err := rep.PNG(&png); err != nil {
		return err
	}
	return engine.WriteFileAtomic(filepath.Join(dir, "bench.png"), png.Bytes(), 0o644)
}
