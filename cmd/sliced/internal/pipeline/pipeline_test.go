package pipeline

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/metrics"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/source"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

func newMetrics(t testing.TB) *metrics.Metrics {
	m, err := metrics.New(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func slicedRoute() *Route {
	e := fixture.Engine(models.B, 1)
	return &Route{Primary: backend.NewSliced(func() *engine.Engine { return e })}
}

// writeDigits writes n camera-like frames, digit i%10 in file i.
func writeDigits(t testing.TB, dir string, n int) {
	rng := rand.New(rand.NewPCG(3, 3))
	for i := 0; i < n; i++ {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%03d.png", i)))
		if err != nil {
			t.Fatal(err)
		}
		png.Encode(f, fixture.Frame(i%10, 160, 120, rng))
		f.Close()
	}
}

func TestPipelineClassifiesFolderOnce(t *testing.T) {
	dir := t.TempDir()
	writeDigits(t, dir, 10)
	m := newMetrics(t)
	var mu sync.Mutex
	var got []Result
	p := New(Config{Name: "dir", Source: &source.Dir{Path: dir, MaxPixels: 1 << 20}, Once: true, Wait: true,
		Prep: prep.Frame, Route: func() *Route { return slicedRoute() }, Metrics: m,
		Sink: func(r Result) { mu.Lock(); got = append(got, r); mu.Unlock() }})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	p.Run(ctx)
	if ctx.Err() != nil {
		t.Fatal("Run did not return at the end of a folder read once")
	}
	if len(got) != 10 {
		t.Fatalf("%d results, want 10 frames", len(got))
	}
	right := 0
	for _, r := range got {
		if r.Err != nil {
			t.Fatalf("frame %d: %v", r.Frame.Seq, r.Err)
		}
		if r.Answer.Class == fmt.Sprint((r.Frame.Seq-1)%10) {
			right++
		}
		if r.Total <= 0 || r.Answer.Timing.Conv <= 0 {
			t.Fatalf("timings not set: %+v", r)
		}
		if len(r.Input) != 28*28 || r.Answer.Nearest == "" {
			t.Fatalf("frame %d: input of %d values, nearest %q", r.Frame.Seq, len(r.Input), r.Answer.Nearest)
		}
	}
	if right < len(got)*8/10 {
		t.Errorf("%d of %d right", right, len(got))
	}
	if n := testutil.ToFloat64(m.Frames.WithLabelValues("dir", "")); int(n) != len(got) {
		t.Errorf("frames_total %v, sink saw %d", n, len(got))
	}
	if c := testutil.CollectAndCount(m.StageSeconds); c < 4 {
		t.Errorf("%d stage series, want capture, preprocess, inference, conv and knn", c)
	}
}

type failing struct{ backend.Backend }

func (failing) Info() backend.Info { return backend.Info{Name: "broken", Device: "npu"} }
func (failing) Classify([]float32) (backend.Result, error) {
	return backend.Result{}, errors.New("device gone")
}

type slow struct{ backend.Backend }

func (s slow) Classify(in []float32) (backend.Result, error) {
	time.Sleep(20 * time.Millisecond)
	return s.Backend.Classify(in)
}

func TestRouteFallsBackAndCompares(t *testing.T) {
	m := newMetrics(t)
	sl := slicedRoute().Primary
	r := &Route{Primary: failing{}, Fallback: sl, Compare: sl, Every: 1}
	in := fixture.Tensor(fixture.Digit(4, 0, 0))
	a, err := r.Classify(in, m)
	if err != nil || !a.Fallback || a.Backend.Name != "sliced" || a.Class != "4" {
		t.Fatalf("answer %+v, err %v; want a fallback to sliced saying 4", a, err)
	}
	if v := testutil.ToFloat64(m.Fallbacks.WithLabelValues("broken")); v != 1 {
		t.Fatalf("fallbacks_total = %v", v)
	}
	if _, err := r.CompareWith(in, a, m); err != nil {
		t.Fatal(err)
	}
	if testutil.ToFloat64(m.CompareAgreements.WithLabelValues("sliced")) != 1 {
		t.Fatal("agreement not counted")
	}
}

// held holds every Classify until release is closed; entered hears of
// the first.
type held struct {
	backend.Backend
	entered, release chan struct{}
}

func (h held) Classify(in []float32) (backend.Result, error) {
	select {
	case h.entered <- struct{}{}:
	default:
	}
	<-h.release
	return h.Backend.Classify(in)
}

// Frames that come while the backend is busy replace each other: each
// replaced one is a drop.
func TestSlowBackendDropsFrames(t *testing.T) {
	m := newMetrics(t)
	u := source.NewUpload()
	rt := slicedRoute()
	h := held{rt.Primary, make(chan struct{}, 1), make(chan struct{})}
	rt.Primary = h
	p := New(Config{Name: "up", Source: u, Passive: true, Prep: prep.Frame, Route: func() *Route { return rt }, Metrics: m})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { p.Run(ctx); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for !p.Up() && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if !p.Up() {
		t.Fatal("an open upload source is not up before its first frame")
	}
	frame := fixture.Frame(3, 200, 150, rand.New(rand.NewPCG(1, 2)))
	u.Push(frame)
	select {
	case <-h.entered: // the backend is busy with it
	case <-time.After(15 * time.Second):
		t.Fatal("the backend got no frame")
	}
	pushed := 1
	dropped := func() float64 { return testutil.ToFloat64(m.Drops.WithLabelValues("up")) }
	for deadline := time.Now().Add(15 * time.Second); dropped() == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no drop after %d frames pushed while the backend was busy", pushed)
		}
		u.Push(frame)
		pushed++
	}
	close(h.release)
	// The held frame and the one that waited are classified.
	classified := func() float64 { return testutil.ToFloat64(m.Frames.WithLabelValues("up", "")) }
	for deadline := time.Now().Add(15 * time.Second); classified() < 2; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%v frames classified after the backend was released", classified())
		}
	}
	cancel()
	<-done
	drops, frames := dropped(), classified()
	if drops == 0 || frames == 0 || frames >= float64(pushed) {
		t.Fatalf("frames %v, drops %v of %d pushed: a slow backend should drop frames", frames, drops, pushed)
	}
}

// A folder read without pacing waits for a slow backend: no frame is
// decoded only to be dropped.
func TestWaitModeKeepsEveryFrame(t *testing.T) {
	dir := t.TempDir()
	writeDigits(t, dir, 8)
	m := newMetrics(t)
	rt := slicedRoute()
	rt.Primary = slow{rt.Primary}
	p := New(Config{Name: "files", Source: &source.Dir{Path: dir, MaxPixels: 1 << 20}, Once: true, Wait: true,
		Prep: prep.Frame, Route: func() *Route { return rt }, Metrics: m})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p.Run(ctx)
	if d, n := testutil.ToFloat64(m.Drops.WithLabelValues("files")), testutil.ToFloat64(m.Frames.WithLabelValues("files", "")); d != 0 || n != 8 {
		t.Fatalf("%v frames, %v drops; want 8 and 0", n, d)
	}
}

// BenchmarkFrame is the per-frame work of a pipeline on a 640x480 camera
// frame: preprocessing and the sliced engine (topology A, the paper's).
func BenchmarkFrame(b *testing.B) {
	for _, topo := range []models.Topology{models.A, models.B} {
		b.Run(string(topo), func(b *testing.B) {
			e := fixture.Engine(topo, 1)
			r := &Route{Primary: backend.NewSliced(func() *engine.Engine { return e })}
			rng := rand.New(rand.NewPCG(5, 5))
			var frames []image.Image
			for i := 0; i < 10; i++ {
				frames = append(frames, fixture.Frame(i, 640, 480, rng))
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				in, _, err := prep.Frame(frames[i%10])
				if err != nil {
					b.Fatal(err)
				}
				if _, err := r.Classify(in, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
		})
	}
}
