package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/benchrun"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/metrics"
	"github.com/sliced-ai/sliced/cmd/sliced/testbin/needs"
)

func needMNIST(t *testing.T) {
	if _, err := dataset.FindMNIST(""); err != nil {
		t.Skipf("bench needs the MNIST test set: %v", err)
	}
}

// TestBenchJSON runs the embedded engines on 60 MNIST digits; a backend
// that is not here (cuda on a machine without a GPU, an unknown name) is a
// row, not a failure.
func TestBenchJSON(t *testing.T) {
	needMNIST(t)
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"bench", "--backends", "sliced,fullcnn,nosuch", "--frames", "60",
		"--warmup", "5", "--json", "--out", dir}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var rep benchrun.Report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("%v:\n%s", err, stdout.String())
	}
	if rep.Frames != 60 || len(rep.Rows) != 3 || rep.Source != "MNIST test digits" {
		t.Fatalf("report %+v", rep)
	}
	sl, fc, no := rep.Rows[0], rep.Rows[1], rep.Rows[2]
	if sl.Backend != "sliced" || sl.Accuracy < 0.9 || sl.Ratio != 1 {
		t.Errorf("sliced row %+v", sl)
	}
	if fc.Backend != "fullcnn" || fc.Accuracy < 0.9 || fc.AgreeFullCNN != 1 || fc.AgreeSliced < 0.9 {
		t.Errorf("fullcnn row %+v", fc)
	}
	if no.State != "skipped" || no.Reason == "" {
		t.Errorf("unknown backend row %+v", no)
	}
	md, err := os.ReadFile(filepath.Join(dir, "bench.md"))
	if err != nil || !strings.Contains(string(md), "| fullcnn | cpu |") {
		t.Errorf("bench.md: %v\n%s", err, md)
	}
	f, err := os.Open(filepath.Join(dir, "bench.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := png.Decode(f); err != nil {
		t.Errorf("bench.png: %v", err)
	}
}

func TestBenchCameraText(t *testing.T) {
	needMNIST(t)
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"bench", "--backends", "sliced,cuda", "--frames", "12", "--warmup", "0", "--camera"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	out := stdout.String()
	if !strings.Contains(out, "12 camera frames of MNIST test digits") || !strings.Contains(out, "\nsliced ") || !strings.Contains(out, "\ncuda ") {
		t.Errorf("output:\n%s", out)
	}
	t.Log(out)
}

func TestBenchBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "--frames", "0"},
		{"bench", "--backends", ""},
		{"bench", "--threads", "0"},
		{"bench", "extra"},
		{"bench", "--engine", "/nonexistent.slc"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, &stdout, &stderr); code == 0 {
			t.Errorf("%v: exit 0", args)
		} else if stderr.Len() == 0 {
			t.Errorf("%v: exit %d and no message", args, code)
		}
	}
}

// --metrics-file leaves the latency histograms of every backend's calls
// (warm-up and timed frames) under path bench, parsed by Prometheus' own
// parser, and nothing node_exporter's textfile collector would refuse.
func TestBenchMetricsFile(t *testing.T) {
	needMNIST(t)
	path := filepath.Join(t.TempDir(), "sliced_bench.prom")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"bench", "--backends", "sliced,fullcnn,nosuch", "--frames", "30",
		"--warmup", "4", "--threads", "2", "--metrics-file", path}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(fams) != 1 || fams[metrics.StageFamily] == nil {
		t.Fatalf("families %v, want only %s", fams, metrics.StageFamily)
	}
	count := map[string]uint64{}
	for _, m := range fams[metrics.StageFamily].GetMetric() {
		l := map[string]string{}
		for _, p := range m.GetLabel() {
			l[p.GetName()] = p.GetValue()
		}
		if l["path"] != "bench" {
			t.Errorf("labels %v, want path bench", l)
		}
		count[l["stage"]+"/"+l["backend"]] = m.GetHistogram().GetSampleCount()
	}
	for _, k := range []string{"inference/sliced", "conv/sliced", "knn/sliced", "inference/fullcnn", "conv/fullcnn"} {
		if count[k] != 34 {
			t.Errorf("%s: %d observations, want 34 (30 frames, 4 warm-up calls); all %v", k, count[k], count)
		}
	}
	if len(count) != 5 {
		t.Errorf("observed %v", count)
	}
	t.Run("promtool", func(t *testing.T) {
		promtool := needs.Tool(t, "promtool", "apt-get install prometheus")
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(promtool, "check", "metrics")
		cmd.Stdin = bytes.NewReader(text)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("promtool check metrics: %v\n%s", err, out)
		}
	})
}
