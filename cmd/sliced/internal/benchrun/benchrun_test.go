package benchrun

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/metrics"
	"github.com/sliced-ai/sliced/device/cuda"
	"github.com/sliced-ai/sliced/models"
)

func TestParseBackends(t *testing.T) {
	got, err := ParseBackends("sliced, openvino:MYRIAD,cuda:0,")
	if err != nil {
		t.Fatal(err)
	}
	want := []Spec{{"sliced", ""}, {"openvino", "MYRIAD"}, {"cuda", "0"}}
	if len(got) != len(want) {
		t.Fatalf("%v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("spec %d = %v, want %v", i, got[i], want[i])
		}
	}
	for _, bad := range []string{"", ",", ":CPU", "sliced,sliced"} {
		if _, err := ParseBackends(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// flaky fails its third call: the row must say so and the run go on. The
// run calls it from several goroutines.
type flaky struct {
	backend.Backend
	n atomic.Int64
}

func (f *flaky) Classify(in []float32) (backend.Result, error) {
	if f.n.Add(1) == 3 {
		return backend.Result{}, errors.New("device lost")
	}
	return f.Backend.Classify(in)
}

// testRun runs the real sliced and fullcnn backends and three broken ones
// over random frames labelled by the Go full CNN, observed in m (if set).
func testRun(t *testing.T, threads int, m *metrics.Metrics) *Report {
	t.Helper()
	reg := &backend.Registry{}
	for _, name := range []string{"sliced", "fullcnn"} {
		reg.Register(name, backend.Default.New)
	}
	reg.Register("missing", func(backend.Options) (backend.Backend, error) {
		return nil, errors.New("no libmissing.so (an error that does not wrap ErrUnavailable)")
	})
	reg.Register("absent", func(backend.Options) (backend.Backend, error) {
		return nil, errors.Join(backend.ErrUnavailable, errors.New("libabsent.so not found"))
	})
	reg.Register("flaky", func(o backend.Options) (backend.Backend, error) {
		o.Name = "fullcnn"
		b, err := backend.Default.New(o)
		return &flaky{Backend: b}, err
	})
	e, err := models.Default()
	if err != nil {
		t.Fatal(err)
	}
	full, err := models.FullCNNEngine()
	if err != nil {
		t.Fatal(err)
	}
	sess, _ := full.NewSession()
	rng := rand.New(rand.NewPCG(3, 4))
	fr := &Frames{Source: "random frames"}
	for range 40 {
		im := make([]float32, 28*28)
		for i := range im {
			im[i] = rng.Float32() * rng.Float32()
		}
		p, _ := sess.Features(im)
		fr.Tensors, fr.Labels = append(fr.Tensors, im), append(fr.Labels, argmax(p))
	}
	specs, _ := ParseBackends("sliced,fullcnn,missing,absent,flaky,nosuch:GPU")
	rep, err := Run(context.Background(), Config{Backends: specs, Warmup: 2, Threads: threads, Round: 7, Engine: e, Registry: reg, Metrics: m}, fr)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func argmax(p []float32) int {
	b := 0
	for i, v := range p {
		if v > p[b] {
			b = i
		}
	}
	return b
}

func TestRunRows(t *testing.T) {
	for _, threads := range []int{1, 3} {
		rep := testRun(t, threads, nil)
		var buf bytes.Buffer
		rep.Text(&buf)
		t.Logf("threads %d:\n%s", threads, buf.String())
		rows := map[string]Row{}
		for _, r := range rep.Rows {
			rows[r.Backend] = r
		}
		sl, fc := rows["sliced"], rows["fullcnn"]
		if !sl.Ran() || !fc.Ran() || sl.Frames != 40 {
			t.Fatalf("sliced or fullcnn did not run: %+v %+v", sl, fc)
		}
		if sl.AgreeSliced != 1 || sl.Ratio != 1 || sl.MaxDiff != nil {
			t.Errorf("sliced against itself: %+v", sl)
		}
		if fc.AgreeFullCNN != 1 || fc.Accuracy != 1 || fc.MaxDiff == nil || *fc.MaxDiff != 0 {
			t.Errorf("fullcnn against the Go full CNN: %+v", fc)
		}
		for _, r := range []Row{sl, fc} {
			if !(r.P50US > 0 && r.P50US <= r.P90US && r.P90US <= r.P99US && r.PerSecond > 0) {
				t.Errorf("%s: latencies %g %g %g, %g/s", r.Backend, r.P50US, r.P90US, r.P99US, r.PerSecond)
			}
		}
		if r := rows["absent"]; r.State != "skipped" || !strings.Contains(r.Reason, "libabsent.so") {
			t.Errorf("absent: %+v", r)
		}
		if r := rows["missing"]; r.State != "failed" {
			t.Errorf("an error that does not wrap ErrUnavailable: %+v", r)
		}
		if r := rows["nosuch:GPU"]; r.State != "skipped" || !strings.Contains(r.Reason, "not built into this binary") {
			t.Errorf("unknown backend: %+v", r)
		}
		if r := rows["flaky"]; r.State != "failed" || !strings.Contains(r.Reason, "device lost") || r.Ran() {
			t.Errorf("flaky: %+v", r)
		}
	}
}

func TestMarkdownAndPNG(t *testing.T) {
	rep := testRun(t, 1, nil)
	var md bytes.Buffer
	if err := rep.Markdown(&md); err != nil {
		t.Fatal(err)
	}
	s := md.String()
	for _, want := range []string{"| backend | device | p50 µs", "| sliced | cpu |", "| absent |  | skipped:", "40 random frames"} {
		if !strings.Contains(s, want) {
			t.Errorf("markdown lacks %q:\n%s", want, s)
		}
	}
	var img bytes.Buffer
	if err := rep.PNG(&img); err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(&img); err != nil {
		t.Fatalf("chart is no PNG: %v", err)
	}
	none := &Report{Rows: []Row{{Backend: "cuda", State: "skipped"}}}
	if err := none.PNG(&img); err == nil {
		t.Error("a chart without bars")
	}
}

func TestRunRejects(t *testing.T) {
	e, _ := models.Default()
	fr := &Frames{Tensors: [][]float32{make([]float32, 784)}, Labels: []int{0}}
	specs := []Spec{{Name: "sliced"}}
	for name, c := range map[string]struct {
		cfg Config
		fr  *Frames
	}{
		"no engine":   {Config{Backends: specs}, fr},
		"no frames":   {Config{Backends: specs, Engine: e}, &Frames{}},
		"no backends": {Config{Engine: e}, fr},
		"bad warmup":  {Config{Backends: specs, Engine: e, Warmup: -1}, fr},
		"bad fullcnn": {Config{Backends: specs, Engine: e, FullCNN: "/nonexistent.slc"}, fr},
	} {
		if _, err := Run(context.Background(), c.cfg, c.fr); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestCUDARow goes through the daemon's cuda backend: without a GPU (or
// without cgo) its row is skipped with the reason; a malformed device is a
// failed row.
func TestCUDARow(t *testing.T) {
	e, _ := models.Default()
	fr := &Frames{Source: "blank", Tensors: [][]float32{make([]float32, 784)}, Labels: []int{0}}
	specs, _ := ParseBackends("cuda,cuda:abc")
	rep, err := Run(context.Background(), Config{Backends: specs, Engine: e}, fr)
	if err != nil {
		t.Fatal(err)
	}
	gpu, bad := rep.Rows[0], rep.Rows[1]
	if !gpu.Ran() && (gpu.State != "skipped" || !strings.Contains(gpu.Reason, "cuda")) {
		t.Errorf("cuda row %+v", gpu)
	}
	if gpu.Ran() && (gpu.AgreeFullCNN != 1 || *gpu.MaxDiff > 1e-4) {
		t.Errorf("cuda row on a GPU %+v", gpu)
	}
	if bad.State != "failed" || !strings.Contains(bad.Reason, "GPU number") {
		t.Errorf("cuda:abc row %+v", bad)
	}
	t.Logf("%s: %s %s", gpu.Backend, gpu.State, gpu.Reason)
}

// TestCUDARowOnStandIn runs the cuda backend end to end against
// device/cuda's stand-in libcuda and libnvrtc (kernels.cu run on the CPU)
// in a child process: the row must agree with the Go full CNN.
func TestCUDARowOnStandIn(t *testing.T) {
	if os.Getenv("SLICED_BENCH_CHILD") == "1" {
		e, _ := models.Default()
		fr := &Frames{Source: "blank", Tensors: [][]float32{make([]float32, 784), make([]float32, 784)}, Labels: []int{0, 1}}
		for i := range fr.Tensors[1] {
			fr.Tensors[1][i] = float32(i%7) / 7
		}
		specs, _ := ParseBackends("sliced,cuda")
		rep, err := Run(context.Background(), Config{Backends: specs, Engine: e}, fr)
		if err != nil {
			t.Fatal(err)
		}
		r := rep.Rows[1]
		if !r.Ran() || r.Device != "cuda:0" || r.AgreeFullCNN != 1 || r.MaxDiff == nil || *r.MaxDiff > 1e-5 {
			t.Fatalf("cuda row %+v", r)
		}
		return
	}
	if _, err := cuda.Devices(cuda.Options{}); errors.Is(err, cuda.ErrNoCgo) {
		t.Skip(err)
	}
	cxx, err := exec.LookPath("g++")
	if err != nil {
		t.Skip("no g++ to build the stand-in")
	}
	lib := filepath.Join(t.TempDir(), "libfakecuda.so")
	src := filepath.Join("..", "..", "..", "..", "device", "cuda", "testdata", "fakecuda.cpp")
	if out, err := exec.Command(cxx, "-shared", "-fPIC", "-O2", "-o", lib, src).CombinedOutput(); err != nil {
		t.Fatalf("g++: %v\n%s", err, out)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCUDARowOnStandIn$", "-test.v")
	cmd.Env = append(os.Environ(), "SLICED_BENCH_CHILD=1", "CUDA_LIB="+lib, "NVRTC_LIB="+lib)
	out, err := cmd.CombinedOutput()
	if err != nil || strings.Contains(string(out), "LEAK") {
		t.Fatalf("child: %v\n%s", err, out)
	}
}
