package serve

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	dto "github.com/prometheus/client_model/go"
)

// The in-process daemon under classification, enrolment, reloads (SIGHUP,
// as systemd sends it, each applying a changed source) and /metrics
// scrapes, all at once: every answer is a success or the 4xx the request
// deserves, and what was enrolled is what is served, before and after a
// last reload. Run under -race by `make test`.
func TestDaemonConcurrentRequests(t *testing.T) {
	const (
		classifiers, classifications = 3, 12 // workers, requests each
		enrollers, enrolments        = 3, 4
		reloads                      = 4
		scrapers                     = 2
	)
	classes := []string{"ring", "cross", "dot"}

	// A SIGHUP reaching the process once the daemon has stopped listening
	// for it would end the test binary.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	t.Cleanup(func() { signal.Stop(hup) })

	token := filepath.Join(t.TempDir(), "token")
	os.WriteFile(token, []byte(tok+"\n"), 0o600)
	p := serveInProcess(t, 5, fmt.Sprintf(`token_file: %s
sources:
  - {name: cam, kind: dir, path: FRAMES, loop: true, fps: 20, watchdog: 2s}
`, token))

	client := &http.Client{Timeout: 60 * time.Second}
	// do sends one request; it never fails the test, so that the workers
	// may call it.
	do := func(method, path, token string, body []byte) (int, []byte, error) {
		req, err := http.NewRequest(method, p.base+path, bytes.NewReader(body))
		if err != nil {
			return 0, nil, err
		}
		if body != nil {
			req.Header.Set("Content-Type", "image/png")
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, b, err
	}
	scrape := func() (map[string]*dto.MetricFamily, error) {
		code, body, err := do("GET", "/metrics", "", nil)
		if err != nil {
			return nil, err
		}
		if code != 200 {
			return nil, fmt.Errorf("/metrics: %d", code)
		}
		parser := expfmt.NewTextParser(model.UTF8Validation)
		return parser.TextToMetricFamilies(bytes.NewReader(body))
	}
	served := func() (map[string]int, error) {
		code, body, err := do("GET", "/v1/classes", "", nil)
		if err != nil || code != 200 {
			return nil, fmt.Errorf("/v1/classes: %d %v", code, err)
		}
		var list struct {
			Classes []struct {
				Name     string `json:"name"`
				Examples int    `json:"examples"`
			} `json:"classes"`
		}
		if err := json.Unmarshal(body, &list); err != nil {
			return nil, err
		}
		out := map[string]int{}
		for _, c := range list.Classes {
			out[c.Name] = c.Examples
		}
		return out, nil
	}
	versionOf := func(fams map[string]*dto.MetricFamily) string {
		for _, m := range fams["sliced_engine_info"].GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "version" {
					return l.GetValue()
				}
			}
		}
		return ""
	}
	reloadsOK := func(fams map[string]*dto.MetricFamily) float64 {
		return value(fams, "sliced_engine_reloads_total", map[string]string{"result": "ok"})
	}

	base, err := served()
	if err != nil {
		t.Fatal(err)
	}
	fams, err := scrape()
	if err != nil {
		t.Fatal(err)
	}
	var version0 int
	fmt.Sscan(versionOf(fams), &version0)
	classes0 := value(fams, "sliced_engine_classes", nil)
	if version0 < 1 {
		t.Fatalf("engine version %q before enrolment", versionOf(fams))
	}
	images := make([][]byte, 10)
	for d := range images {
		images[d] = pngBytes(t, d)
	}

	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		enrolled = map[string]int{}    // class -> examples answered 201
		stop     = make(chan struct{}) // the scrapers' end
	)
	// check reports an answer that is neither success nor the 4xx
	// expected; it says whether the worker goes on.
	check := func(what string, code int, body []byte, err error, want int) bool {
		if err != nil {
			t.Errorf("%s: %v", what, err)
			return false
		}
		if code != want {
			t.Errorf("%s: %d, want %d: %s", what, code, want, body)
			return false
		}
		return true
	}

	for w := range classifiers {
		wg.Go(func() {
			for i := range classifications {
				what := fmt.Sprintf("classifier %d request %d", w, i)
				if i%4 == 3 { // not an image: 415, whatever else goes on
					code, body, err := do("POST", "/v1/classify", "", []byte("not an image"))
					if !check(what, code, body, err, http.StatusUnsupportedMediaType) {
						return
					}
					continue
				}
				code, body, err := do("POST", "/v1/classify", "", images[(w+i)%10])
				if !check(what, code, body, err, http.StatusOK) {
					return
				}
				var a struct {
					Label string `json:"label"`
					Known bool   `json:"known"`
				}
				if err := json.Unmarshal(body, &a); err != nil {
					t.Errorf("%s: %v: %s", what, err, body)
					return
				}
				if _, ok := base[a.Label]; a.Known && !ok && !slices.Contains(classes, a.Label) {
					t.Errorf("%s: answered %q, a class never enrolled", what, a.Label)
				}
			}
		})
	}
	for w := range enrollers {
		wg.Go(func() {
			for i := range enrolments {
				class := classes[(w+i)%len(classes)]
				what := fmt.Sprintf("enroller %d: %s", w, class)
				path := "/v1/classes/" + class + "/examples"
				if i == 1 { // refused without the token, changing nothing
					code, body, err := do("POST", path, "", images[i])
					if !check(what+" without the token", code, body, err, http.StatusUnauthorized) {
						return
					}
				}
				code, body, err := do("POST", path, tok, images[(w*enrolments+i)%10])
				if !check(what, code, body, err, http.StatusCreated) {
					return
				}
				mu.Lock()
				enrolled[class]++
				mu.Unlock()
			}
		})
	}
	wg.Go(func() {
		for i := range reloads {
			// Each reload applies a changed source, so the pipelines restart.
			cfg, err := os.ReadFile(p.config)
			if err == nil {
				from, to := "fps: 20,", "fps: 25,"
				if i%2 == 1 {
					from, to = to, from
				}
				err = os.WriteFile(p.config, bytes.Replace(cfg, []byte(from), []byte(to), 1), 0o644)
			}
			if err != nil {
				t.Errorf("reload %d: %v", i, err)
				return
			}
			syscall.Kill(os.Getpid(), syscall.SIGHUP)
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
				fams, err := scrape()
				if err != nil {
					t.Errorf("reload %d: %v", i, err)
					return
				}
				if n := reloadsOK(fams); n == float64(i+1) {
					break
				} else if n > float64(i+1) || time.Now().After(deadline) {
					t.Errorf("reload %d: sliced_engine_reloads_total{result=ok} %v, want %d\n%s", i, n, i+1, p.stderr)
					return
				}
			}
		}
	})
	var scraped sync.WaitGroup
	var scrapes atomic.Int64
	for range scrapers {
		scraped.Go(func() {
			var classesSeen, reloadsSeen float64
			for n := 0; ; n++ {
				fams, err := scrape()
				if err != nil {
					t.Errorf("scrape %d: %v", n, err)
					return
				}
				// What only grows may not be seen going back.
				c, r := value(fams, "sliced_engine_classes", nil), reloadsOK(fams)
				if c < classesSeen || r < reloadsSeen {
					t.Errorf("scrape %d: %v classes and %v reloads after %v and %v", n, c, r, classesSeen, reloadsSeen)
					return
				}
				classesSeen, reloadsSeen = c, r
				scrapes.Add(1)
				select {
				case <-stop:
					return
				default:
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	scraped.Wait()
	if t.Failed() {
		return
	}

	// What was enrolled is served, before and after another reload.
	total := 0
	for _, n := range enrolled {
		total += n
	}
	if total != enrollers*enrolments {
		t.Fatalf("%d enrolments answered 201 of %d", total, enrollers*enrolments)
	}
	consistent := func(when string) {
		t.Helper()
		got, err := served()
		if err != nil {
			t.Fatal(err)
		}
		for name, n := range base {
			if got[name] != n {
				t.Errorf("%s: class %q has %d examples, %d before", when, name, got[name], n)
			}
		}
		for name, n := range got {
			if _, ok := base[name]; !ok && enrolled[name] != n {
				t.Errorf("%s: class %q served with %d examples, %d enrolled", when, name, n, enrolled[name])
			}
		}
		for name, n := range enrolled {
			if got[name] != n {
				t.Errorf("%s: class %q enrolled %d times, served with %d examples", when, name, n, got[name])
			}
		}
		fams, err := scrape()
		if err != nil {
			t.Fatal(err)
		}
		if v, want := versionOf(fams), fmt.Sprint(version0+total); v != want {
			t.Errorf("%s: engine version %s, want %s (%d enrolments after version %d)", when, v, want, total, version0)
		}
		if n, want := value(fams, "sliced_engine_classes", nil), classes0+float64(len(enrolled)); n != want {
			t.Errorf("%s: sliced_engine_classes %v, want %v", when, n, want)
		}
	}
	t.Logf("%d classifications, enrolled %v, %d reloads, %d scrapes", classifiers*classifications, enrolled, reloads, scrapes.Load())
	consistent("after the requests")
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	p.waitMetric("the last reload", "sliced_engine_reloads_total", map[string]string{"result": "ok"}, func(v float64) bool { return v == reloads+1 })
	consistent("after the last reload")
	if log := p.stderr.String(); strings.Contains(log, "level=ERROR") {
		t.Errorf("errors logged:\n%s", log)
	}
}
