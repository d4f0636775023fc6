package serve

import (
	"bufio"
	"bytes"
	"fmt"
	"image/png"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	dto "github.com/prometheus/client_model/go"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/cmd/sliced/testbin"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

var raceBuild bool // set by race_test.go

// binary is the daemon built with the given build tags (and the race
// detector under race_test.go), once per test run.
func binary(t *testing.T, tags string) string {
	t.Helper()
	return testbin.Sliced(t, testbin.Options{Tags: tags, Race: raceBuild})
}

// proc is a running daemon.
type proc struct {
	t       *testing.T
	cmd     *exec.Cmd
	base    string
	stderr  *testbin.Output
	started time.Time
	ready   time.Duration // start to the live view line
	exited  chan error
	config  string // the configuration file of an in-process daemon
}

var addrLine = regexp.MustCompile(`live view at http://([^/]+)/`)

func start(t *testing.T, bin string, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{t: t, stderr: &testbin.Output{}, exited: make(chan error, 1)}
	p.cmd = exec.Command(bin, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)...)
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stderr = p.stderr
	out, _ := p.cmd.StdoutPipe()
	p.started = time.Now()
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := addrLine.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	go func() { p.exited <- p.cmd.Wait() }()
	select {
	case a := <-addr:
		p.ready = time.Since(p.started)
		p.base = "http://" + a
	case err := <-p.exited:
		t.Fatalf("daemon exited: %v\n%s", err, p.stderr)
	case <-time.After(15 * time.Second):
		p.cmd.Process.Kill()
		t.Fatalf("daemon did not start\n%s", p.stderr)
	}
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		if strings.Contains(p.stderr.String(), "WARNING: DATA RACE") {
			t.Error("the race detector reported a data race in the daemon")
		}
		if t.Failed() {
			t.Logf("daemon log:\n%s", p.stderr)
		}
	})
	return p
}

func (p *proc) signal(s syscall.Signal) { p.cmd.Process.Signal(s) }

func (p *proc) stop() {
	p.t.Helper()
	p.signal(syscall.SIGTERM)
	select {
	case err := <-p.exited:
		if err != nil {
			p.t.Fatalf("exit after SIGTERM: %v\n%s", err, p.stderr)
		}
	case <-time.After(15 * time.Second):
		p.t.Fatal("no exit 15 s after SIGTERM")
	}
}

func (p *proc) request(method, path, token string, body []byte) (int, string) {
	p.t.Helper()
	return p.requestType(method, path, token, "", body)
}

// requestType is request with a Content-Type.
func (p *proc) requestType(method, path, token, ctype string, body []byte) (int, string) {
	p.t.Helper()
	req, _ := http.NewRequest(method, p.base+path, bytes.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// metrics scrapes and parses /metrics with expfmt.
func (p *proc) metrics() map[string]*dto.MetricFamily {
	p.t.Helper()
	code, body := p.request("GET", "/metrics", "", nil)
	if code != 200 {
		p.t.Fatalf("/metrics: %d", code)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		p.t.Fatalf("parsing the exposition: %v", err)
	}
	return fams
}

// samples are the family's samples whose labels include want.
func samples(fams map[string]*dto.MetricFamily, name string, want map[string]string) []*dto.Metric {
	var out []*dto.Metric
next:
	for _, m := range fams[name].GetMetric() {
		for k, v := range want {
			found := false
			for _, lp := range m.GetLabel() {
				found = found || (lp.GetName() == k && lp.GetValue() == v)
			}
			if !found {
				continue next
			}
		}
		out = append(out, m)
	}
	return out
}

// value is the sum of the family's samples whose labels include want.
func value(fams map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	var sum float64
	for _, m := range samples(fams, name, want) {
		switch {
		case m.Counter != nil:
			sum += m.GetCounter().GetValue()
		case m.Gauge != nil:
			sum += m.GetGauge().GetValue()
		case m.Histogram != nil:
			sum += float64(m.GetHistogram().GetSampleCount())
		}
	}
	return sum
}

// waitLog waits until the daemon's stderr holds text: a line written
// just before a metric moved may still be in the pipe when the metric is
// read.
func (p *proc) waitLog(text string) bool {
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(p.stderr.String(), text); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			return false
		}
	}
	return true
}

func (p *proc) waitMetric(what, name string, labels map[string]string, ok func(float64) bool) {
	p.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		v := value(p.metrics(), name, labels)
		if ok(v) {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("timed out waiting for %s: %s%v = %v\n%s", what, name, labels, v, p.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// notifySocket is a fake systemd notify socket.
func notifySocket(t *testing.T) (string, *syncList) {
	path := filepath.Join(t.TempDir(), "notify.sock")
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	l := &syncList{made: time.Now()}
	go func() {
		buf := make([]byte, 512)
		for {
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			l.add(string(buf[:n]))
		}
	}()
	return path, l
}

type syncList struct {
	mu   sync.Mutex
	s    []string
	at   []time.Time // when each arrived
	made time.Time
}

func (l *syncList) add(s string) {
	l.mu.Lock()
	l.s, l.at = append(l.s, s), append(l.at, time.Now())
	l.mu.Unlock()
}

// since is how long ago the last message starting with prefix arrived, or
// the list was made when none did.
func (l *syncList) since(prefix string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := len(l.s) - 1; i >= 0; i-- {
		if strings.HasPrefix(l.s[i], prefix) {
			return time.Since(l.at[i])
		}
	}
	return time.Since(l.made)
}
func (l *syncList) count(prefix string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.s {
		if strings.HasPrefix(s, prefix) {
			n++
		}
	}
	return n
}

// fixtureFiles writes the engine, a frame folder, a token and a config.
type files struct {
	dir, engine, frames, state, token, config string
}

func writeFixture(t *testing.T, frames int, sourceYAML string) files {
	dir := t.TempDir()
	f := files{dir: dir, engine: filepath.Join(dir, "engine.slc"), frames: filepath.Join(dir, "frames"),
		state: filepath.Join(dir, "state"), token: filepath.Join(dir, "token"), config: filepath.Join(dir, "sliced.yaml")}
	if err := engine.Save(f.engine, fixture.Engine(models.B, 1)); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(f.frames, 0o755)
	rng := rand.New(rand.NewPCG(9, 9))
	for i := 0; i < frames; i++ {
		w, _ := os.Create(filepath.Join(f.frames, fmt.Sprintf("%03d.png", i)))
		png.Encode(w, fixture.Frame(i%10, 320, 240, rng))
		w.Close()
	}
	os.WriteFile(f.token, []byte("e2e-token\n"), 0o600)
	full := filepath.Join(dir, "full.slc")
	if err := engine.Save(full, fixture.FullCNN(models.B, 2)); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`engine: %s
state_dir: %s
token_file: %s
limits: {body_bytes: 1000000}
backends:
  - {name: fullcnn, model: %s}
  - {name: openvino, device: MYRIAD, model: %s}
  - {name: cuda}
compare: {backend: fullcnn, every: 2}
sources:
%s`, f.engine, f.state, f.token, full, full, sourceYAML)
	os.WriteFile(f.config, []byte(cfg), 0o644)
	return f
}

func rss(pid int) string {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			return strings.TrimSpace(strings.TrimPrefix(l, "VmRSS:"))
		}
	}
	return "?"
}
