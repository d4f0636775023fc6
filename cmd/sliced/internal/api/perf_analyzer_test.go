package api

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/cmd/sliced/testbin/needs"
)

// perfAnalyzer is Triton's perf_analyzer with the folder of the libraries
// it loads: $PERF_ANALYZER_PATH, or .tools/perf_analyzer-* at the
// repository root (make deps-runtimes).
func perfAnalyzer(t *testing.T) (bin, libs string) {
	dir := os.Getenv("PERF_ANALYZER_PATH")
	if dir == "" {
		root, _ := filepath.Abs("../../../..")
		if m, _ := filepath.Glob(filepath.Join(root, ".tools/perf_analyzer-*/perf_analyzer")); len(m) > 0 {
			dir = filepath.Dir(m[0])
		}
	}
	bin = filepath.Join(dir, "perf_analyzer")
	if _, err := os.Stat(bin); dir == "" || err != nil {
		needs.Missing(t, "perf_analyzer", "Triton's perf_analyzer is not installed (make deps-runtimes, or PERF_ANALYZER_PATH)")
	}
	return bin, dir
}

// Triton's perf_analyzer against the real daemon, over HTTP and gRPC, at
// concurrency 1 and 8 with a real digit as input: every request answered
// (perf_analyzer fails on any error, and the daemon's statistics count no
// failure), a throughput and latency percentiles for each.
func TestPerfAnalyzer(t *testing.T) {
	pa, libs := perfAnalyzer(t)
	dir := t.TempDir()
	host, grpcHost, stderr := startForClients(t, dir, "perf-token")
	// perf_analyzer's reader takes FP32 content only as JSON numbers
	// with a fraction: 0.0, not 0.
	var content []string
	for _, v := range fixture.Tensor(fixture.Digit(7, 0, 0)) {
		content = append(content, strconv.FormatFloat(float64(v), 'f', 6, 32))
	}
	input := filepath.Join(dir, "input.json")
	os.WriteFile(input, []byte(`{"data": [{"input": {"shape": [1, 28, 28], "content": [`+strings.Join(content, ", ")+`]}}]}`), 0o644)

	for _, c := range []struct{ protocol, url string }{{"http", host}, {"grpc", grpcHost}} {
		out := filepath.Join(dir, c.protocol+".csv")
		cmd := exec.Command(pa, "-m", "sliced", "-u", c.url, "-i", c.protocol, "--input-data", input,
			"--concurrency-range", "1:8:7", "--measurement-interval", "1000",
			// A shared test machine is noisy: any three windows in a row
			// are taken as stable; the test is about errors, not speed.
			"--stability-percentage", "999", "--max-trials", "10", "-f", out)
		cmd.Env = append(os.Environ(), "LD_LIBRARY_PATH="+libs)
		res, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("perf_analyzer over %s: %v\n%s\ndaemon log:\n%s", c.protocol, err, res, stderr.String())
		}
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil || len(rows) != 3 {
			t.Fatalf("%s: %d rows of CSV (%v), want a header and concurrency 1 and 8", c.protocol, len(rows), err)
		}
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		for _, r := range rows[1:] {
			tput, _ := strconv.ParseFloat(r[col["Inferences/Second"]], 64)
			t.Logf("%s concurrency %s: %.0f inferences/s, p50 %s us, p99 %s us", c.protocol, r[col["Concurrency"]], tput, r[col["p50 latency"]], r[col["p99 latency"]])
			if !(tput > 0) || r[col["p99 latency"]] == "" {
				t.Errorf("%s concurrency %s: throughput %v, p99 %q", c.protocol, r[col["Concurrency"]], tput, r[col["p99 latency"]])
			}
		}
	}
	resp, err := http.Get("http://" + host + "/v2/models/sliced/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var stats struct {
		ModelStats []struct {
			InferenceCount int `json:"inference_count"`
			InferenceStats struct {
				Success struct{ Count int } `json:"success"`
				Fail    struct{ Count int } `json:"fail"`
			} `json:"inference_stats"`
		} `json:"model_stats"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&stats); err != nil || len(stats.ModelStats) != 1 {
		t.Fatalf("statistics: %v %+v", err, stats)
	}
	s := stats.ModelStats[0]
	t.Logf("daemon statistics: %d inferences, %d failed", s.InferenceStats.Success.Count, s.InferenceStats.Fail.Count)
	if s.InferenceStats.Fail.Count != 0 || s.InferenceStats.Success.Count == 0 {
		t.Errorf("daemon statistics: %d succeeded, %d failed; want some and none", s.InferenceStats.Success.Count, s.InferenceStats.Fail.Count)
	}
}
