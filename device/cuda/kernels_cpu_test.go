package cuda

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models"
)

// TestKernelsOnCPU compiles kernels.cu as C++ with a harness that runs
// every GPU thread of a launch in a loop (testdata/harness.cpp), feeds it
// the plan of the embedded full CNN and compares the output with the Go
// engine's reference: the CUDA source's indexing is checked on machines
// without a GPU.
func TestKernelsOnCPU(t *testing.T) {
	cxx, err := exec.LookPath("g++")
	if err != nil {
		t.Skip("no g++ to compile the kernels for the CPU")
	}
	bin := filepath.Join(t.TempDir(), "harness")
	if out, err := exec.Command(cxx, "-O2", "-o", bin, "testdata/harness.cpp").CombinedOutput(); err != nil {
		t.Fatalf("g++: %v\n%s", err, out)
	}
	e, err := models.FullCNNEngine()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := range 3 {
		in := make([]float32, 28*28)
		for i := range in {
			in[i] = rng.Float32()
		}
		want, err := nn.ReferenceForward(&e.Stack, in)
		if err != nil {
			t.Fatal(err)
		}
		got := runHarness(t, bin, &e.Stack, in)
		if len(got) != len(want) {
			t.Fatalf("%d outputs, want %d", len(got), len(want))
		}
		for i := range want {
			if d := math.Abs(float64(got[i] - want[i])); d > 1e-5 || got[i] != got[i] {
				t.Errorf("trial %d, class %d: kernels %g, Go %g", trial, i, got[i], want[i])
			}
		}
	}
}

func runHarness(t *testing.T, bin string, s *nn.Stack, in []float32) []float32 {
	bufs, steps, err := plan(s)
	if err != nil {
		t.Fatal(err)
	}
	bufs[0].host = in
	var b strings.Builder
	fmt.Fprintln(&b, len(bufs))
	for _, x := range bufs {
		fmt.Fprintf(&b, "%d %d", x.n, map[bool]int{false: 0, true: 1}[x.host != nil])
		for _, v := range x.host {
			b.WriteString(" " + strconv.FormatFloat(float64(v), 'g', -1, 32))
		}
		b.WriteString("\n")
	}
	fmt.Fprintln(&b, len(steps))
	for _, st := range steps {
		fmt.Fprintln(&b, st.op, st.in, st.out, st.w, st.b, st.dims[0], st.dims[1], st.dims[2], st.dims[3], st.dims[4], st.threads)
	}
	cmd := exec.Command(bin)
	cmd.Stdin = strings.NewReader(b.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("harness: %v", err)
	}
	var got []float32
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		v, err := strconv.ParseFloat(sc.Text(), 32)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, float32(v))
	}
	return got
}

// TestKernelsCompileToPTX compiles kernels.cu for the Jetson Nano's sm_53
// with clang's CUDA front end, when clang is installed: the source is
// valid device code and exports the unmangled names the shim looks up.
func TestKernelsCompileToPTX(t *testing.T) {
	var clang string
	for _, c := range []string{"clang", "clang-19", "clang-18", "clang-17", "clang-16", "clang-15", "clang-14"} {
		if p, err := exec.LookPath(c); err == nil {
			clang = p
			break
		}
	}
	if clang == "" {
		t.Skip("no clang to compile CUDA C with")
	}
	ptx := filepath.Join(t.TempDir(), "kernels.ptx")
	out, err := exec.Command(clang, "-x", "cuda", "--cuda-device-only", "--cuda-gpu-arch=sm_53", "-nocudainc", "-nocudalib",
		"-include", "testdata/nvrtc.h", "-S", "-O2", "-Wall", "-Werror", "-o", ptx, "kernels.cu").CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", clang, err, out)
	}
	text, err := os.ReadFile(ptx)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"conv", "relu", "maxpool", "dense", "softmax"} {
		if !bytes.Contains(text, []byte(".visible .entry "+k+"(")) {
			t.Errorf("PTX has no entry %s", k)
		}
	}
}
