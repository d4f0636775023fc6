package api

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/cmd/sliced/testbin"
	"github.com/sliced-ai/sliced/cmd/sliced/testbin/needs"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

// TestMain removes the daemon binaries the tests built once they are done.
func TestMain(m *testing.M) { testbin.Main(m) }

// tritonClient is the folder that holds Triton's Python client
// (tritonclient[http] and its dependencies, as `make deps-runtimes`
// installs them): $TRITONCLIENT_PATH, or .tools/tritonclient-* at the
// repository root.
func tritonClient(t *testing.T) string {
	if p := os.Getenv("TRITONCLIENT_PATH"); p != "" {
		return p
	}
	root, _ := filepath.Abs("../../../..")
	if m, _ := filepath.Glob(filepath.Join(root, ".tools/tritonclient-*/tritonclient")); len(m) > 0 {
		return filepath.Dir(m[0])
	}
	needs.Missing(t, "tritonclient", "Triton's Python client is not installed (make deps-runtimes, or TRITONCLIENT_PATH)")
	return ""
}

var (
	liveAt = regexp.MustCompile(`live view at http://([^/]+)/`)
	grpcAt = regexp.MustCompile(`KServe v2 gRPC at (\S+)`)
)

// TestTritonClient runs Triton's own HTTP client with its defaults
// (testdata/triton_conformance.py) against the real daemon: health,
// metadata, configuration, repository index, load and unload, binary and
// JSON inference of a batch, class_count, statistics and errors; then its
// gRPC client (testdata/triton_grpc_conformance.py) the same way.
func TestTritonClient(t *testing.T) {
	lib := tritonClient(t)
	// Without python3 the client cannot run: as missing as the client.
	python, err := exec.LookPath("python3")
	if err != nil {
		needs.Missing(t, "tritonclient", "python3 not installed (apt-get install python3)")
	}
	dir := t.TempDir()
	const tok = "triton-test-token"
	host, grpcHost, stderr := startForClients(t, dir, tok)

	// What the daemon's engine answers, worked out here.
	def, err := models.Default()
	if err != nil {
		t.Fatal(err)
	}
	sl := backend.NewSliced(func() *engine.Engine { return def })
	var tensors [][]float32
	var labels []string
	right := 0
	for d := 0; d < 10; d++ {
		in := fixture.Tensor(fixture.Digit(d, d%3-1, 0))
		r, err := sl.Classify(in)
		if err != nil {
			t.Fatal(err)
		}
		if r.Class == string(rune('0'+d)) {
			right++
		}
		tensors, labels = append(tensors, in), append(labels, r.Class)
	}
	if right < 8 {
		t.Fatalf("the engine knows %d of 10 drawn digits (%v): the check would prove little", right, labels)
	}
	c, _ := json.Marshal(map[string]any{"url": host, "grpc_url": grpcHost, "token": tok, "model": "sliced", "folder_model": "digits-cnn",
		"tensors": tensors, "labels": labels})
	casePath := filepath.Join(dir, "case.json")
	os.WriteFile(casePath, c, 0o644)

	for _, script := range []string{"testdata/triton_conformance.py", "testdata/triton_grpc_conformance.py"} {
		py := exec.Command(python, script, casePath)
		py.Env = append(os.Environ(), "PYTHONPATH="+lib, "PYTHONDONTWRITEBYTECODE=1")
		res, err := py.CombinedOutput()
		t.Logf("%s: %s", script, res)
		if err != nil {
			t.Fatalf("tritonclient conformance (%s): %v\ndaemon log:\n%s", script, err, stderr.String())
		}
		if !strings.Contains(string(res), "checks OK") {
			t.Fatalf("%s did not finish", script)
		}
	}
	// Every gRPC inference is in the stage histograms.
	resp, err := http.Get("http://" + host + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `path="grpc"`) {
		t.Errorf("no path=\"grpc\" observations in /metrics")
	}
}

// startForClients starts the real daemon on the embedded engine with a
// model folder (the full CNN as digits-cnn) and gRPC, both on free
// loopback ports, and returns their addresses and its stderr.
func startForClients(t *testing.T, dir, tok string) (host, grpcHost string, stderr *testbin.Output) {
	t.Helper()
	bin := testbin.Sliced(t, testbin.Options{})
	modelDir := filepath.Join(dir, "models")
	os.Mkdir(modelDir, 0o755)
	full, err := models.FullCNNEngine()
	if err != nil {
		t.Fatal(err)
	}
	if err := engine.Save(filepath.Join(modelDir, "digits-cnn.slc"), full); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "token"), []byte(tok), 0o600)

	cmd := exec.Command(bin, "serve", "--listen", "127.0.0.1:0", "--state-dir", filepath.Join(dir, "state"),
		"--token-file", filepath.Join(dir, "token"), "--model-dir", modelDir, "--grpc-listen", "127.0.0.1:0")
	stderr = &testbin.Output{}
	cmd.Stderr = stderr
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr, grpcAddr := make(chan string, 1), make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := liveAt.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
			if m := grpcAt.FindStringSubmatch(sc.Text()); m != nil {
				grpcAddr <- m[1]
			}
		}
	}()
	for host == "" || grpcHost == "" {
		select {
		case host = <-addr:
		case grpcHost = <-grpcAddr:
		case <-time.After(30 * time.Second):
			t.Fatalf("daemon did not start\n%s", stderr.String())
		}
	}
	return host, grpcHost, stderr
}
