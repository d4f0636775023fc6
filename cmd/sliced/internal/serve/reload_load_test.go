package serve

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Classification under load while the daemon reloads 20 times (SIGHUP
// every 250 ms) answers every request, and the log gives its latency next
// to the same load without reloads (measured, not asserted: the machine is
// shared):
//
//	go test ./cmd/sliced/internal/serve -run TestClassifyDuringReloads -v
func TestClassifyDuringReloads(t *testing.T) {
	bin := binary(t, "")
	body, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "models", "demo", "00-mnist-6.png"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p := start(t, bin, nil, "--state-dir", filepath.Join(dir, "state"),
		"--source", "demo=dir:"+filepath.Join("..", "..", "..", "..", "models", "demo")+",fps=5,loop=true")
	run := func(reloads int) (lat []time.Duration, failed int) {
		var mu sync.Mutex
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := 0; w < 2; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := 0; n < 20000; n++ {
					select {
					case <-stop:
						return
					default:
					}
					t0 := time.Now()
					resp, err := http.Post(p.base+"/v1/classify", "image/png", bytes.NewReader(body))
					d := time.Since(t0)
					mu.Lock()
					if err != nil || resp.StatusCode != 200 {
						failed++
					} else {
						lat = append(lat, d)
					}
					mu.Unlock()
					if err == nil {
						resp.Body.Close()
					}
				}
			}()
		}
		for i := 0; i < 20; i++ {
			time.Sleep(250 * time.Millisecond)
			if i < reloads {
				p.signal(syscall.SIGHUP)
			}
		}
		close(stop)
		wg.Wait()
		slices.Sort(lat)
		return lat, failed
	}
	q := func(l []time.Duration, f float64) time.Duration { return l[int(f*float64(len(l)-1))] }
	for _, reloads := range []int{0, 20} {
		lat, failed := run(reloads)
		if failed > 0 || len(lat) == 0 {
			t.Fatalf("%d reloads: %d of %d requests failed", reloads, failed, failed+len(lat))
		}
		t.Logf("%2d reloads in 5 s: %d requests, p50 %v, p99 %v, max %v", reloads, len(lat), q(lat, 0.5), q(lat, 0.99), lat[len(lat)-1])
	}
	p.waitMetric("20 reloads", "sliced_engine_reloads_total", map[string]string{"result": "ok"}, func(v float64) bool { return v == 20 })
}
