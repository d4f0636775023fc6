package serve

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
)

const tok = "e2e-token"

// poll checks ok every 10 ms for up to 15 s and reports whether it held.
func poll(ok func() bool) bool {
	for deadline := time.Now().Add(15 * time.Second); !ok(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			return false
		}
	}
	return true
}

func pngBytes(t *testing.T, d int) []byte {
	var buf bytes.Buffer
	png.Encode(&buf, fixture.Frame(d, 320, 240, rand.New(rand.NewPCG(uint64(d), 4))))
	return buf.Bytes()
}

// TestDaemon runs the real binary on a folder source through its life:
// frames and metrics, the API, enrolment and a restart, the source going
// away and coming back, a corrupt engine on SIGHUP, sd_notify and SIGTERM.
func TestDaemon(t *testing.T) {
	bin := binary(t, "")
	f := writeFixture(t, 20, "  - {name: cam, kind: dir, path: FRAMES, loop: true, fps: 100, watchdog: 1s}\n")
	cfg, _ := os.ReadFile(f.config)
	os.WriteFile(f.config, bytes.ReplaceAll(cfg, []byte("FRAMES"), []byte(f.frames)), 0o644)
	sock, notes := notifySocket(t)
	env := []string{"NOTIFY_SOCKET=" + sock, "WATCHDOG_USEC=200000"}
	p := start(t, bin, env, "--config", f.config)
	outer := t
	t.Logf("started: live view line after %v", p.ready)

	t.Run("frames and metrics", func(t *testing.T) {
		p.t = t // helpers fail the running subtest
		p.waitMetric("frames", "sliced_pipeline_frames_total", map[string]string{"source": "cam"}, func(v float64) bool { return v >= 40 })
		fams := p.metrics()
		// The folder cycles through all ten digits: a pipeline stuck on one
		// answer shows here.
		labels := 0
		for d := 0; d < 10; d++ {
			if value(fams, "sliced_pipeline_classifications_total", map[string]string{"source": "cam", "label": fmt.Sprint(d)}) > 0 {
				labels++
			}
		}
		if labels < 9 {
			t.Errorf("only %d distinct digits recognised", labels)
		}
		for _, name := range []string{"sliced_pipeline_stage_duration_seconds", "sliced_pipeline_frame_duration_seconds", "sliced_engine_info", "process_resident_memory_bytes"} {
			if value(fams, name, nil) == 0 {
				t.Errorf("%s empty", name)
			}
		}
		if value(fams, "sliced_pipeline_stage_duration_seconds", map[string]string{"stage": "inference", "path": "pipeline", "source": "cam", "backend": "sliced"}) == 0 {
			t.Error("no pipeline inference in the stage histogram under path=pipeline")
		}
		if value(fams, "sliced_compare_frames_total", map[string]string{"backend": "fullcnn"}) == 0 ||
			value(fams, "sliced_compare_duration_seconds", map[string]string{"backend": "fullcnn"}) == 0 {
			t.Error("compare mode: no frames compared with fullcnn")
		}
		if value(fams, "sliced_backend_info", map[string]string{"backend": "fullcnn", "state": "loaded"}) != 1 ||
			value(fams, "sliced_backend_info", map[string]string{"backend": "openvino", "device": "MYRIAD", "state": "skipped"}) != 1 ||
			value(fams, "sliced_backend_info", map[string]string{"backend": "cuda", "state": "skipped"}) != 1 {
			t.Error("sliced_backend_info does not say fullcnn loaded, openvino:MYRIAD and cuda skipped")
		}
		if value(fams, "sliced_source_up", map[string]string{"source": "cam"}) != 1 {
			t.Error("sliced_source_up{source=cam} != 1")
		}
		if code, _ := p.request("GET", "/v2/health/ready", "", nil); code != 200 {
			t.Errorf("ready: %d", code)
		}
		t.Logf("RSS while serving: %s", rss(p.cmd.Process.Pid))
		lintMetrics(p)
	})

	t.Run("sd_notify", func(t *testing.T) {
		p.t = t // helpers fail the running subtest
		if !poll(func() bool { return notes.count("READY=1") >= 1 && notes.count("WATCHDOG=1") >= 2 }) {
			t.Fatalf("READY %d, WATCHDOG %d", notes.count("READY=1"), notes.count("WATCHDOG=1"))
		}
	})

	t.Run("api", func(t *testing.T) {
		p.t = t // helpers fail the running subtest
		code, body := p.request("POST", "/v1/classify", "", pngBytes(t, 6))
		var a struct {
			Label string
			Index int
		}
		if err := json.Unmarshal([]byte(body), &a); code != 200 || err != nil || a.Label != "6" || a.Index != 6 {
			t.Fatalf("classify: %d %s", code, body)
		}
		// Requests are in the per-backend stage histograms too, by path.
		infer := fmt.Sprintf(`{"inputs":[{"name":"input","shape":[2,28,28],"datatype":"FP32","data":[%s0]}]}`, strings.Repeat("0,", 2*784-1))
		if code, body := p.request("POST", "/v2/models/fullcnn/infer", "", []byte(infer)); code != 200 {
			t.Fatalf("v2 infer: %d %s", code, body)
		}
		fams := p.metrics()
		for path, want := range map[string]float64{"classify": 1, "v2": 2} {
			if got := value(fams, "sliced_pipeline_stage_duration_seconds", map[string]string{"stage": "inference", "path": path}); got != want {
				t.Errorf("path=%s: %v inferences in the stage histogram, want %v", path, got, want)
			}
		}
		var e struct{ Error string }
		if code, body := p.request("GET", "/v1/nope", "", nil); code != 404 || json.Unmarshal([]byte(body), &e) != nil || e.Error == "" {
			t.Fatalf("an unknown route: %d %q, want a JSON 404", code, body)
		}
		if code, _ := p.request("POST", "/v1/classify", "", make([]byte, 1_200_000)); code != 413 {
			t.Fatalf("oversized body: %d, want 413", code)
		}
		if code, _ := p.request("POST", "/v1/classes/star/examples", "", pngBytes(t, 8)); code != 401 {
			t.Fatalf("enrol without token: %d, want 401", code)
		}
		if code, body := p.request("POST", "/v1/classes/star/examples", tok, pngBytes(t, 8)); code != 201 {
			t.Fatalf("enrol: %d %s", code, body)
		}
		code, page := p.request("GET", "/", "", nil)
		if code != 200 || !strings.Contains(page, "/stream.mjpg?source=cam") {
			t.Fatalf("live view page: %d", code)
		}
	})

	t.Run("restart keeps enrolment", func(t *testing.T) {
		p.t = t // helpers fail the running subtest
		p.stop()
		if notes.count("STOPPING=1") != 1 {
			t.Errorf("STOPPING=1 sent %d times", notes.count("STOPPING=1"))
		}
		p = start(outer, bin, env, "--config", f.config) // lives on after this subtest
		p.t = t
		code, body := p.request("GET", "/v1/classes", "", nil)
		if code != 200 || !strings.Contains(body, `"name": "star"`) {
			t.Fatalf("after restart: %d %s", code, body)
		}
	})

	t.Run("source goes away and comes back", func(t *testing.T) {
		p.t = t // helpers fail the running subtest
		p.waitMetric("source up", "sliced_source_up", map[string]string{"source": "cam"}, func(v float64) bool { return v == 1 })
		away := f.frames + ".away"
		os.Rename(f.frames, away)
		p.waitMetric("source down", "sliced_source_up", map[string]string{"source": "cam"}, func(v float64) bool { return v == 0 })
		p.waitMetric("reconnects", "sliced_source_reconnects_total", map[string]string{"source": "cam"}, func(v float64) bool { return v >= 2 })
		if code, _ := p.request("GET", "/v2/health/ready", "", nil); code != 503 {
			t.Errorf("ready while the source is away: %d, want 503", code)
		}
		// No progress: the watchdog pings must stop. They come every 100 ms
		// (half of WATCHDOG_USEC): none for 300 ms says they have stopped,
		// and then none may come for 500 ms.
		if !poll(func() bool { return notes.since("WATCHDOG=1") > 300*time.Millisecond }) {
			t.Fatalf("watchdog pings go on while the pipeline is stuck: %d in all", notes.count("WATCHDOG=1"))
		}
		before := notes.count("WATCHDOG=1")
		time.Sleep(500 * time.Millisecond) // a window that must stay empty
		if n := notes.count("WATCHDOG=1") - before; n != 0 {
			t.Errorf("%d watchdog pings while the pipeline was stuck", n)
		}
		os.Rename(away, f.frames)
		p.waitMetric("source back", "sliced_source_up", map[string]string{"source": "cam"}, func(v float64) bool { return v == 1 })
		before = notes.count("WATCHDOG=1")
		if !poll(func() bool { return notes.count("WATCHDOG=1") > before }) {
			t.Error("watchdog pings did not resume")
		}
	})

	t.Run("SIGHUP applies a new configuration", func(t *testing.T) {
		p.t = t
		cfg, _ := os.ReadFile(f.config)
		cfg = append(cfg, "  - {name: up, kind: upload}\n"...)
		os.WriteFile(f.config, cfg, 0o644)
		if code, _ := p.request("POST", "/v1/sources/up/frames", tok, pngBytes(t, 3)); code != 404 {
			t.Fatalf("upload before the reload: %d, want 404", code)
		}
		p.signal(syscall.SIGHUP)
		p.waitMetric("reload", "sliced_engine_reloads_total", map[string]string{"result": "ok"}, func(v float64) bool { return v == 1 })
		if code, body := p.request("POST", "/v1/sources/up/frames", tok, pngBytes(t, 3)); code != 202 {
			t.Fatalf("upload after the reload: %d %s", code, body)
		}
		p.waitMetric("uploaded frame", "sliced_pipeline_classifications_total", map[string]string{"source": "up", "label": "3"}, func(v float64) bool { return v == 1 })
		p.waitMetric("cam after the reload", "sliced_source_up", map[string]string{"source": "cam"}, func(v float64) bool { return v == 1 })
	})

	t.Run("SIGHUP with a corrupt engine", func(t *testing.T) {
		p.t = t // helpers fail the running subtest
		state := f.state + "/engine.slc"
		if err := os.WriteFile(state, []byte("SLICED but not really"), 0o644); err != nil {
			t.Fatal(err)
		}
		p.signal(syscall.SIGHUP)
		p.waitMetric("failed reload", "sliced_engine_reloads_total", map[string]string{"result": "error"}, func(v float64) bool { return v == 1 })
		if !p.waitLog("the old engine keeps serving") {
			t.Error("the log does not say the old engine keeps serving")
		}
		code, body := p.request("POST", "/v1/classify", "", pngBytes(t, 2))
		if code != 200 || !strings.Contains(body, `"label": "2"`) {
			t.Fatalf("classify after a failed reload: %d %s", code, body)
		}
		if _, body := p.request("GET", "/v1/classes", "", nil); !strings.Contains(body, "star") {
			t.Fatal("the old engine (with the enrolled class) is not serving")
		}
	})

	t.Run("SIGTERM", func(t *testing.T) {
		p.t = t
		p.stop()
	})
}

// Start-up without a source: the daemon is ready at once, and mutating
// endpoints are refused when no token is configured.
func TestDaemonNoSourceNoToken(t *testing.T) {
	bin := binary(t, "")
	f := writeFixture(t, 0, "  []\n")
	p := start(t, bin, nil, "--engine", f.engine, "--state-dir", f.state)
	t.Logf("no source: live view line after %v, RSS %s", p.ready, rss(p.cmd.Process.Pid))
	if code, _ := p.request("GET", "/v2/health/ready", "", nil); code != 200 {
		t.Fatalf("ready: %d", code)
	}
	if code, body := p.request("POST", "/v1/classes/x/examples", "anything", pngBytes(t, 1)); code != 403 || !strings.Contains(body, "no token configured") {
		t.Fatalf("enrol with no token configured: %d %s", code, body)
	}

	// SIGTERM while a request is half sent: it is answered, then the
	// daemon exits.
	img := pngBytes(t, 9)
	addr := strings.TrimPrefix(p.base, "http://")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /v1/classify HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", len(img))
	// 100 Continue comes when the handler starts reading the body: the
	// request is in flight.
	br := bufio.NewReader(conn)
	if resp, err := http.ReadResponse(br, nil); err != nil || resp.StatusCode != http.StatusContinue {
		t.Fatalf("want 100 Continue before the body: %v, %v", resp, err)
	}
	conn.Write(img[:len(img)/2])
	p.signal(syscall.SIGTERM)
	// The shutdown closes the listener first: a refused connection says
	// the daemon is draining.
	if !poll(func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err != nil
	}) {
		t.Fatal("connections still accepted 15 s after SIGTERM")
	}
	conn.Write(img[len(img)/2:])
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("in-flight request during shutdown: %v", err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("in-flight request: %d", resp.StatusCode)
	}
	resp.Body.Close()
	select {
	case err := <-p.exited:
		if err != nil {
			t.Fatalf("exit: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no exit after the drained request")
	}
}

// Bad configuration stops the start with an error naming the key.
func TestDaemonBadConfig(t *testing.T) {
	bin := binary(t, "")
	dir := t.TempDir()
	os.WriteFile(dir+"/c.yaml", []byte("listen: 127.0.0.1:0\nsources: [{name: a, kind: webcam, path: x}]\n"), 0o644)
	out, err := exec.Command(bin, "serve", "--config", dir+"/c.yaml").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "sources[0].kind") {
		t.Fatalf("err %v, output %s", err, out)
	}
	out, err = exec.Command(bin, "serve", "--check", "--config", dir+"/c.yaml", "--source", "a=dir:/srv/frames").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "configuration OK") {
		t.Fatalf("--check: err %v, output %s", err, out)
	}
}

// Sources a build without GoCV cannot open: a video file other than .avi
// (refused by kind) and a camera that is not there (read in pure Go, retried). The
// daemon serves the API but is not ready, and says why.
func TestDaemonCameraWithoutGoCV(t *testing.T) {
	bin := binary(t, "")
	f := writeFixture(t, 0, "  []\n")
	p := start(t, bin, nil, "--engine", f.engine, "--state-dir", f.state,
		"--source", "clip=video:/srv/clip.mp4", "--source", "cam=device:/dev/video99")
	if code, _ := p.request("GET", "/v2/health/ready", "", nil); code != 503 {
		t.Fatalf("ready: %d, want 503", code)
	}
	if code, _ := p.request("POST", "/v1/classify", "", pngBytes(t, 4)); code != 200 {
		t.Fatalf("classify: %d", code)
	}
	if !p.waitLog("built without the gocv tag") {
		t.Fatalf("the log does not name the missing GoCV:\n%s", p.stderr)
	}
	p.waitMetric("camera retries", "sliced_pipeline_errors_total", map[string]string{"source": "cam", "kind": "source_open"}, func(v float64) bool { return v >= 2 })
	if !p.waitLog("/dev/video99") {
		t.Fatalf("the log does not name the missing camera:\n%s", p.stderr)
	}
	p.stop()
}
