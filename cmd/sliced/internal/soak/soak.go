package soak

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Options say what to run and how hard.
type Options struct {
	Bin      string        // the sliced binary
	Demo     string        // the demo folder: demo.avi, index.tsv and its images
	Duration time.Duration // of the load
	Interval time.Duration // between samples
	FPS      float64       // of the video source
	Clients  int           // concurrent /v1/classify clients
	Rate     float64       // classify requests/s of all clients together; negative: as fast as answered
	Scrape   time.Duration // between /metrics scrapes of the load (the samples scrape too)
	Reads    time.Duration // between reads of /v1/classes, /v1/recent and /v2/health/ready
	Stream   time.Duration // between 3-second watches of /stream.mjpg
	Enrol    time.Duration // between enrolments of a class, removed again half-way to the next
	Reload   time.Duration // between SIGHUPs
	Limits   Limits
	Progress io.Writer // a line per sample; nil for none
}

// Defaults fills the zero fields of o with the values of `make soak`.
func (o Options) Defaults() Options {
	if o.Duration == 0 {
		o.Duration = 30 * time.Minute
	}
	if o.Interval == 0 {
		o.Interval = min(30*time.Second, max(time.Second, o.Duration/60))
	}
	if o.FPS == 0 {
		o.FPS = 30
	}
	if o.Clients == 0 {
		o.Clients = 4
	}
	if o.Rate == 0 {
		o.Rate = 50
	}
	if o.Scrape == 0 {
		o.Scrape = time.Second
	}
	if o.Reads == 0 {
		o.Reads = time.Second
	}
	if o.Stream == 0 {
		o.Stream = time.Minute
	}
	if o.Enrol == 0 {
		o.Enrol = time.Minute
	}
	if o.Reload == 0 {
		o.Reload = 30 * time.Second
	}
	if o.Limits == (Limits{}) {
		o.Limits = DefaultLimits()
		o.Limits.Warmup = min(time.Minute, o.Duration/10)
	}
	o.Limits.FPS = o.FPS
	return o
}

// Report is a finished run.
type Report struct {
	Options  Options
	Ready    time.Duration // from the daemon's listen line to its first ready answer
	Samples  []Sample
	Verdict  Verdict
	Ops      map[string]uint64 // what the load did, by kind
	Messages []string          // the first errors, in words
}

// maxMessages bounds the errors kept in words; all are counted.
const maxMessages = 20

// tally counts what the clients did and what went wrong.
type tally struct {
	mu       sync.Mutex
	errs     map[string]uint64
	ops      map[string]uint64
	msgs     []string
	ok       atomic.Uint64 // 2xx answers
	classify atomic.Uint64 // 2xx answers to /v1/classify
}

func newTally() *tally {
	return &tally{errs: map[string]uint64{}, ops: map[string]uint64{}}
}

func (t *tally) fail(kind, format string, args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.errs[kind]++
	if len(t.msgs) < maxMessages {
		t.msgs = append(t.msgs, kind+": "+fmt.Sprintf(format, args...))
	}
}

func (t *tally) op(kind string) {
	t.mu.Lock()
	t.ops[kind]++
	t.mu.Unlock()
}

func (t *tally) snapshot() (errs, ops map[string]uint64, msgs []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	errs, ops = make(map[string]uint64, len(t.errs)), make(map[string]uint64, len(t.ops))
	for k, v := range t.errs {
		errs[k] = v
	}
	for k, v := range t.ops {
		ops[k] = v
	}
	return errs, ops, append([]string(nil), t.msgs...)
}

// daemon is the running sliced serve.
type daemon struct {
	cmd    *exec.Cmd
	base   string
	exited chan struct{}
	err    error // of Wait, once exited is closed
}

const token = "soak-token"

var addrLine = regexp.MustCompile(`live view at http://([^/]+)/`)

// Run starts the daemon, loads it for o.Duration, samples it every
// o.Interval and judges the samples. It returns an error only when the
// run could not be made; a run that fails its limits returns a Report
// whose Verdict says why.
func Run(ctx context.Context, o Options) (*Report, error) {
	o = o.Defaults()
	images, err := demoImages(o.Demo)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "sliced-soak-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	cfg := filepath.Join(dir, "sliced.yaml")
	video, err := filepath.Abs(filepath.Join(o.Demo, "demo.avi"))
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "token"), []byte(token+"\n"), 0o600); err != nil {
		return nil, err
	}
	// The embedded default engine; JSON logs, so that levels are read, not
	// guessed.
	yaml := fmt.Sprintf(`listen: 127.0.0.1:0
state_dir: %s
token_file: %s
log: {format: json, level: info}
sources:
  - {name: video, kind: video, path: %s, loop: true, fps: %g, watchdog: 5s}
`, filepath.Join(dir, "state"), filepath.Join(dir, "token"), video, o.FPS)
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		return nil, err
	}

	t := newTally()
	d, err := startDaemon(o.Bin, cfg, t)
	if err != nil {
		return nil, err
	}
	defer d.cmd.Process.Kill()
	// Idle connections are dropped well before the daemon's idle timeout
	// (2 minutes): one it closes just as a POST reuses it fails the POST,
	// which is not retried, and that is the client's doing, not the
	// daemon's.
	tr := &http.Transport{MaxIdleConnsPerHost: o.Clients + 8, IdleConnTimeout: 30 * time.Second}
	r := &runner{o: o, d: d, t: t, images: images, client: &http.Client{Timeout: 30 * time.Second, Transport: tr}}
	t0 := time.Now()
	if err := r.waitReady(30 * time.Second); err != nil {
		return nil, err
	}
	rep := &Report{Options: o, Ready: time.Since(t0)}

	load, stop := context.WithTimeout(ctx, o.Duration)
	defer stop()
	start := time.Now()
	var samples []Sample
	sample := func() {
		s, err := r.sample(time.Since(start))
		if err != nil {
			t.fail("sample", "%v", err)
			return
		}
		samples = append(samples, s)
		if o.Progress != nil {
			fmt.Fprintln(o.Progress, progressLine(s))
		}
	}
	sample()
	var wg sync.WaitGroup
	r.launch(load, &wg)
	tick := time.NewTicker(o.Interval)
sampling:
	for {
		select {
		case <-load.Done():
			break sampling
		case <-d.exited:
			t.fail("daemon exited", "%v", d.err)
			break sampling
		case <-tick.C:
			sample()
		}
	}
	tick.Stop()
	stop()
	wg.Wait() // requests in flight are answered before the last sample
	r.checkReloads()
	// The last tick may have come with the end: the final sample replaces
	// one that leaves too short an interval to read rates from.
	if n := len(samples); n > 1 && time.Since(start)-samples[n-1].At < o.Interval/2 {
		samples = samples[:n-1]
	}
	sample()
	r.shutdown()

	rep.Samples = samples
	if n := len(samples); n > 0 {
		// What went wrong after the last sample (the shutdown) counts too.
		errs, _, _ := t.snapshot()
		last := &samples[n-1]
		for k, v := range errs {
			last.Errors[k] = max(last.Errors[k], v)
		}
	}
	_, rep.Ops, rep.Messages = t.snapshot()
	rep.Verdict = Analyse(samples, o.Limits)
	return rep, nil
}

func startDaemon(bin, cfg string, t *tally) (*daemon, error) {
	d := &daemon{exited: make(chan struct{})}
	d.cmd = exec.Command(bin, "serve", "--config", cfg)
	// The daemon goes with the soak, even one killed.
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdout, err := d.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := d.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := d.cmd.Start(); err != nil {
		return nil, err
	}
	addr := make(chan string, 1)
	var logs sync.WaitGroup
	logs.Add(2)
	go func() {
		defer logs.Done()
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := addrLine.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
	}()
	go func() {
		defer logs.Done()
		readLog(stderr, t)
	}()
	go func() {
		logs.Wait() // Wait closes the pipes: read them to the end first
		d.err = d.cmd.Wait()
		close(d.exited)
	}()
	select {
	case a := <-addr:
		d.base = "http://" + a
		return d, nil
	case <-d.exited:
		return nil, fmt.Errorf("the daemon exited at start: %v", d.err)
	case <-time.After(30 * time.Second):
		d.cmd.Process.Kill()
		return nil, errors.New("the daemon did not say where it listens within 30 s")
	}
}

// readLog counts the daemon's WARN and ERROR lines, and lines that are
// not JSON at all (a panic, the race detector), as errors.
func readLog(r io.Reader, t *tally) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var rec struct {
			Level string `json:"level"`
		}
		if err := json.Unmarshal(line, &rec); err != nil {
			t.fail("log: not JSON", "%s", line)
			continue
		}
		if rec.Level == "WARN" || rec.Level == "ERROR" {
			t.fail("log: "+rec.Level, "%s", line)
		}
	}
}

type runner struct {
	o      Options
	d      *daemon
	t      *tally
	client *http.Client
	images []image
	sent   atomic.Uint64 // SIGHUPs
}

// image is one demo image.
type image struct {
	name, ctype string
	data        []byte
}

// demoImages reads the images index.tsv lists.
func demoImages(dir string) ([]image, error) {
	idx, err := os.ReadFile(filepath.Join(dir, "index.tsv"))
	if err != nil {
		return nil, err
	}
	var out []image
	for _, line := range strings.Split(strings.TrimSpace(string(idx)), "\n") {
		name, _, _ := strings.Cut(line, "\t")
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		ctype := map[string]string{".png": "image/png", ".jpg": "image/jpeg", ".pgm": "image/x-portable-graymap"}[filepath.Ext(name)]
		out = append(out, image{name, ctype, b})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no images", dir)
	}
	return out, nil
}

// request sends one request and counts it: want is the status expected, 0
// for any 2xx. It returns the body, or nil when the request failed.
func (r *runner) request(ctx context.Context, method, path, ctype string, body []byte, auth bool, want int) []byte {
	route, _, _ := strings.Cut(path, "?")
	req, err := http.NewRequestWithContext(ctx, method, r.d.base+path, bytes.NewReader(body))
	if err != nil {
		r.t.fail(method+" "+route, "%v", err)
		return nil
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if auth {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		r.t.fail(method+" "+route, "%v", err)
		return nil
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		r.t.fail(method+" "+route, "reading the answer: %v", err)
		return nil
	}
	if (want == 0 && resp.StatusCode/100 != 2) || (want != 0 && resp.StatusCode != want) {
		r.t.fail(fmt.Sprintf("%s %s %d", method, route, resp.StatusCode), "%.200s", b)
		return nil
	}
	r.t.ok.Add(1)
	if route == "/v1/classify" {
		r.t.classify.Add(1)
	}
	if b == nil {
		b = []byte{}
	}
	return b
}

func (r *runner) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		req, _ := http.NewRequest("GET", r.d.base+"/v2/health/ready", nil)
		if resp, err := r.client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the daemon was not ready within %v", limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// every runs f every d until ctx is done, the first time after d.
func every(ctx context.Context, wg *sync.WaitGroup, d time.Duration, f func()) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(d)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				f()
			}
		}
	}()
}

// launch starts the load; it stops when ctx is done.
func (r *runner) launch(ctx context.Context, wg *sync.WaitGroup) {
	o := r.o
	// The rate is shared out by one ticker, so it holds whatever the
	// clients' latency.
	var tokens chan struct{}
	if o.Rate > 0 {
		tokens = make(chan struct{})
		every(ctx, wg, time.Duration(float64(time.Second)/o.Rate), func() {
			select {
			case tokens <- struct{}{}:
			case <-ctx.Done():
			}
		})
	}
	var next atomic.Uint64
	for c := 0; c < o.Clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				if tokens != nil {
					select {
					case <-tokens:
					case <-ctx.Done():
						return
					}
				} else if ctx.Err() != nil {
					return
				}
				img := r.images[next.Add(1)%uint64(len(r.images))]
				// Not under ctx: a request under way when the run ends is
				// answered, not cut.
				if b := r.request(context.Background(), "POST", "/v1/classify", img.ctype, img.data, false, 200); b != nil && !json.Valid(b) {
					r.t.fail("POST /v1/classify", "%s: not JSON: %.200s", img.name, b)
				}
			}
		}()
	}
	every(ctx, wg, o.Scrape, func() {
		if b := r.request(context.Background(), "GET", "/metrics", "", nil, false, 200); b != nil {
			if _, err := parseMetrics(b); err != nil {
				r.t.fail("GET /metrics: parse", "%v", err)
			}
			r.t.op("scrape")
		}
	})
	reads := []string{"/v1/classes", "/v1/recent", "/v2/health/ready"}
	var nread int
	every(ctx, wg, o.Reads, func() {
		path := reads[nread%len(reads)]
		nread++
		if b := r.request(context.Background(), "GET", path, "", nil, false, 200); b != nil {
			if !json.Valid(b) {
				r.t.fail("GET "+path, "not JSON: %.200s", b)
			}
			r.t.op("read")
		}
	})
	every(ctx, wg, o.Stream, func() { r.watchStream(ctx) })
	every(ctx, wg, o.Enrol, func() {
		parts, ctype, err := enrolBody(r.images[:5])
		if err != nil {
			r.t.fail("enrol", "%v", err)
			return
		}
		if r.request(context.Background(), "POST", "/v1/classes/soak/examples", ctype, parts, true, http.StatusCreated) != nil {
			r.t.op("enrol")
		}
		// Removed half-way to the next enrolment, unless the run ends
		// first: the last one then stays, which is as good.
		select {
		case <-ctx.Done():
			return
		case <-time.After(o.Enrol / 2):
		}
		if r.request(context.Background(), "DELETE", "/v1/classes/soak", "", nil, true, http.StatusNoContent) != nil {
			r.t.op("remove")
		}
	})
	// SIGHUPs are offset by half their period: with the default periods
	// they fall between the enrolments and removals, so that what each
	// costs shows apart.
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case <-ctx.Done():
			return
		case <-time.After(o.Reload / 2):
		}
		r.hangUp()
		every(ctx, wg, o.Reload, r.hangUp)
	}()
}

// hangUp sends the daemon SIGHUP.
func (r *runner) hangUp() {
	if err := r.d.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		r.t.fail("SIGHUP", "%v", err)
		return
	}
	r.sent.Add(1)
	r.t.op("reload")
}

// watchStream reads the live view's MJPEG stream for 3 seconds, or until
// the load ends: a stream has no end of its own to wait for.
func (r *runner) watchStream(load context.Context) {
	ctx, cancel := context.WithTimeout(load, 3*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", r.d.base+"/stream.mjpg?source=video", nil)
	resp, err := (&http.Client{}).Do(req)
	if err != nil {
		if load.Err() == nil {
			r.t.fail("GET /stream.mjpg", "%v", err)
		}
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		r.t.fail(fmt.Sprintf("GET /stream.mjpg %d", resp.StatusCode), "")
		return
	}
	n, _ := io.Copy(io.Discard, resp.Body) // ends at the deadline
	if n == 0 && load.Err() == nil {
		r.t.fail("GET /stream.mjpg", "no frame in 3 s")
		return
	}
	r.t.ok.Add(1)
	r.t.op("stream")
}

func enrolBody(imgs []image) ([]byte, string, error) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, img := range imgs {
		part, err := w.CreateFormFile("example", img.name)
		if err != nil {
			return nil, "", err
		}
		part.Write(img.data)
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return b.Bytes(), w.FormDataContentType(), nil
}

// checkReloads waits for the daemon to have counted every SIGHUP.
func (r *runner) checkReloads() {
	sent := r.sent.Load()
	var ok float64
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if b := r.get("/metrics"); b != nil {
			if fams, err := parseMetrics(b); err == nil {
				if ok = sum(fams["sliced_engine_reloads_total"], "result", "ok"); ok >= float64(sent) {
					return
				}
			}
		}
		if time.Now().After(deadline) {
			r.t.fail("reloads", "%d SIGHUPs sent, %g reloads counted", sent, ok)
			return
		}
	}
}

// get is a GET outside the tally (the checks of the sampler).
func (r *runner) get(path string) []byte {
	resp, err := r.client.Get(r.d.base + path)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		return nil
	}
	return b
}

// shutdown stops the daemon with SIGTERM; it must exit cleanly.
func (r *runner) shutdown() {
	r.d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.d.exited:
		if r.d.err != nil {
			r.t.fail("shutdown", "exit after SIGTERM: %v", r.d.err)
		}
	case <-time.After(20 * time.Second):
		r.t.fail("shutdown", "no exit 20 s after SIGTERM")
	}
}

// sample reads the daemon's memory and scrapes its metrics.
func (r *runner) sample(at time.Duration) (Sample, error) {
	s := Sample{At: at, Errors: map[string]uint64{}, Stages: map[string]Hist{}}
	rss, err := vmRSS(r.d.cmd.Process.Pid)
	if err != nil {
		return s, err
	}
	s.RSS = rss
	b := r.get("/metrics")
	if b == nil {
		return s, errors.New("scraping /metrics failed")
	}
	fams, err := parseMetrics(b)
	if err != nil {
		return s, err
	}
	s.Goroutines = int(sum(fams["go_goroutines"], "", ""))
	s.Frames = uint64(sum(fams["sliced_pipeline_frames_total"], "", ""))
	if f := fams["sliced_pipeline_errors_total"]; f != nil {
		for _, m := range f.GetMetric() {
			if kind := label(m, "kind"); kind != "no_object" && m.GetCounter().GetValue() > 0 {
				s.Errors["pipeline: "+kind] += uint64(m.GetCounter().GetValue())
			}
		}
	}
	s.Dropped = uint64(sum(fams["sliced_pipeline_dropped_frames_total"], "", ""))
	if v := sum(fams["sliced_backend_fallbacks_total"], "", ""); v > 0 {
		s.Errors["backend fallbacks"] = uint64(v)
	}
	if v := sum(fams["sliced_engine_reloads_total"], "result", "error"); v > 0 {
		s.Errors["failed reloads"] = uint64(v)
	}
	errs, _, _ := r.t.snapshot()
	for k, v := range errs {
		s.Errors[k] += v
	}
	s.Requests, s.Classified = r.t.ok.Load(), r.t.classify.Load()
	// The pipeline's stages; requests are timed by the same histogram
	// under another path, and as a whole below.
	for _, m := range fams["sliced_pipeline_stage_duration_seconds"].GetMetric() {
		if p := label(m, "path"); p == "pipeline" || p == "" {
			st := label(m, "stage")
			s.Stages[st] = addHist(s.Stages[st], m.GetHistogram())
		}
	}
	for _, m := range fams["sliced_pipeline_frame_duration_seconds"].GetMetric() {
		s.Stages["frame"] = addHist(s.Stages["frame"], m.GetHistogram())
	}
	for _, m := range fams["sliced_http_request_duration_seconds"].GetMetric() {
		if label(m, "handler") == "classify" {
			s.Stages["classify"] = addHist(s.Stages["classify"], m.GetHistogram())
		}
	}
	return s, nil
}

func parseMetrics(b []byte) (map[string]*dto.MetricFamily, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	return p.TextToMetricFamilies(bytes.NewReader(b))
}

func label(m *dto.Metric, name string) string {
	for _, lp := range m.GetLabel() {
		if lp.GetName() == name {
			return lp.GetValue()
		}
	}
	return ""
}

// sum adds the counter or gauge values of f's series whose label key is
// value (all series for an empty key).
func sum(f *dto.MetricFamily, key, value string) float64 {
	var v float64
	for _, m := range f.GetMetric() {
		if key != "" && label(m, key) != value {
			continue
		}
		v += m.GetCounter().GetValue() + m.GetGauge().GetValue()
	}
	return v
}

// addHist adds a series to h; all series of a family share the buckets.
// The +Inf bucket is left out: Count holds it.
func addHist(h Hist, m *dto.Histogram) Hist {
	var finite []*dto.Bucket
	for _, b := range m.GetBucket() {
		if !math.IsInf(b.GetUpperBound(), 1) {
			finite = append(finite, b)
		}
	}
	if h.Bounds == nil {
		for _, b := range finite {
			h.Bounds = append(h.Bounds, b.GetUpperBound())
		}
		h.Counts = make([]uint64, len(h.Bounds))
	}
	for i, b := range finite {
		if i < len(h.Counts) {
			h.Counts[i] += b.GetCumulativeCount()
		}
	}
	h.Count += m.GetSampleCount()
	return h
}

func vmRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmRSS in /proc/PID/status")
}

func progressLine(s Sample) string {
	line := fmt.Sprintf("%8v  RSS %6.1f MiB  goroutines %3d  frames %7d  dropped %d  requests %7d  errors %d",
		s.At.Round(time.Second), float64(s.RSS)/(1<<20), s.Goroutines, s.Frames, s.Dropped, s.Requests, s.ErrorCount())
	if len(s.Errors) > 0 {
		line += " (" + counts(s.Errors) + ")"
	}
	return line
}
