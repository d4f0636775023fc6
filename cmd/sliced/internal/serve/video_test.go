package serve

import (
	"bytes"
	"context"
	"fmt"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/sliced-ai/sliced/calibration/synth"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/config"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/pipeline"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

// writeMJPEG writes n camera-like 640x480 frames (digit i%10) as an MJPEG
// AVI in pure Go.
func writeMJPEG(t testing.TB, path string, n int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(21, 21))
	var frames [][]byte
	for i := 0; i < n; i++ {
		var b bytes.Buffer
		if err := jpeg.Encode(&b, fixture.Frame(i%10, 640, 480, rng), &jpeg.Options{Quality: 85}); err != nil {
			t.Fatal(err)
		}
		frames = append(frames, b.Bytes())
	}
	var b bytes.Buffer
	if err := synth.WriteAVI(&b, frames, 640, 480, 30); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDaemonAVISource runs the pure-Go binary (no OpenCV) on an MJPEG AVI
// source, scrapes /metrics, and removes and restores the file.
func TestDaemonAVISource(t *testing.T) {
	bin := binary(t, "")
	f := writeFixture(t, 0, "")
	video := filepath.Join(f.dir, "digits.avi")
	writeMJPEG(t, video, 20)
	cfg := fmt.Sprintf("engine: %s\nstate_dir: %s\nsources:\n  - {name: vid, kind: video, path: %s, loop: true, watchdog: 2s}\n", f.engine, f.state, video)
	os.WriteFile(f.config, []byte(cfg), 0o644)
	p := start(t, bin, nil, "--config", f.config)
	p.waitMetric("video frames", "sliced_pipeline_frames_total", map[string]string{"source": "vid"}, func(v float64) bool { return v >= 60 })
	checkDigits(t, p.metrics(), "vid")
	if code, body := p.request("GET", "/v2/health/ready", "", nil); code != 200 {
		t.Errorf("/v2/health/ready with a playing video: %d %s", code, body)
	}
	t.Logf("ready after %v; RSS with a video source: %s", p.ready, rss(p.cmd.Process.Pid))

	// A looping source notices the removal at the end of a pass, fails to
	// reopen while the file is away, and comes back with it.
	p.removeAndRestore(video, "vid")
	p.stop()
}

// checkDigits fails t unless the video source recognised at least nine of
// the ten digits its fixture video shows.
func checkDigits(t *testing.T, fams map[string]*dto.MetricFamily, source string) {
	t.Helper()
	labels := 0
	for d := 0; d < 10; d++ {
		if value(fams, "sliced_pipeline_classifications_total", map[string]string{"source": source, "label": fmt.Sprint(d)}) > 0 {
			labels++
		}
	}
	if labels < 9 {
		t.Errorf("only %d distinct digits recognised in a video of all ten", labels)
	}
}

// removeAndRestore takes a video source's file away until the source is
// down and has failed to reopen, then puts it back until it is up again.
func (p *proc) removeAndRestore(video, source string) {
	away := video + ".away"
	os.Rename(video, away)
	p.waitMetric("source down", "sliced_source_up", map[string]string{"source": source}, func(v float64) bool { return v == 0 })
	p.waitMetric("failed reopens", "sliced_pipeline_errors_total", map[string]string{"source": source, "kind": "source_open"}, func(v float64) bool { return v >= 1 })
	os.Rename(away, video)
	p.waitMetric("source back", "sliced_source_up", map[string]string{"source": source}, func(v float64) bool { return v == 1 })
}

// TestVideoKindByBuild: .avi files are read in pure Go; other containers
// need OpenCV, and a build without it says so.
func TestVideoKindByBuild(t *testing.T) {
	if _, err := openVideo(config.Source{Name: "v", Kind: "video", Path: "clip.AVI"}, 1<<20); err != nil {
		t.Errorf(".AVI file: %v", err)
	}
	_, err := openVideo(config.Source{Name: "v", Kind: "video", Path: "clip.mp4"}, 1<<20)
	if !openCVVideo && err == nil {
		t.Error("an .mp4 file was accepted without OpenCV")
	}
}

// BenchmarkAVIPipeline is one pipeline's work per frame from the demo
// video (640x480 MJPEG) in pure Go: read, decode to grey, preprocess and
// classify with the default engine. Run with -cpu 1 for one core.
func BenchmarkAVIPipeline(b *testing.B) {
	e, err := models.Default()
	if err != nil {
		b.Fatal(err)
	}
	route := &pipeline.Route{Primary: backend.NewSliced(func() *engine.Engine { return e })}
	path := filepath.Join("..", "..", "..", "..", "models", "demo", "demo.avi")
	src, err := openVideo(config.Source{Name: "bench", Kind: "video", Path: path, Loop: true}, 1<<24)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := src.Open(ctx); err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	var capture, pre time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		f, err := src.Next(ctx)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		in, _, err := prep.Frame(f.Image)
		if err != nil && err != prep.ErrNoInk {
			b.Fatal(err)
		}
		t2 := time.Now()
		capture, pre = capture+t1.Sub(t0), pre+t2.Sub(t1)
		if err == nil {
			if _, err := route.Classify(in, nil); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
	b.ReportMetric(float64(capture.Microseconds())/float64(b.N), "decode-µs/frame")
	b.ReportMetric(float64(pre.Microseconds())/float64(b.N), "prep-µs/frame")
}
