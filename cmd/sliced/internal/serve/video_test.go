package serve

import (
	"bytes"
	"fmt"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	dto "github.com/prometheus/client_model/go"

	"github.com/sliced-ai/sliced/calibration/synth"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
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

// TestDaemonAVISource runs the pure-Go binary (no OpenCV) on a looping
// MJPEG AVI source: it notices the removal at the end of a pass, fails to
// reopen while the file is away, and comes back with it.
func TestDaemonAVISource(t *testing.T) {
	playVideo(t, binary(t, ""), true, func(path string) { writeMJPEG(t, path, 20) })
}

// playVideo runs bin on one video source, vid, of the file write makes,
// looping or played at 100 fps to its end and reopened: the daemon
// recognises the digits (and, looping, is ready), and the source goes down
// and comes back with its file.
func playVideo(t *testing.T, bin string, loop bool, write func(path string)) {
	t.Helper()
	f := writeFixture(t, 0, "")
	video := filepath.Join(f.dir, "digits.avi")
	write(video)
	opts := "fps: 100"
	if loop {
		opts = "loop: true"
	}
	cfg := fmt.Sprintf("engine: %s\nstate_dir: %s\nsources:\n  - {name: vid, kind: video, path: %s, %s, watchdog: 2s}\n", f.engine, f.state, video, opts)
	os.WriteFile(f.config, []byte(cfg), 0o644)
	p := start(t, bin, nil, "--config", f.config)
	p.waitMetric("video frames", "sliced_pipeline_frames_total", map[string]string{"source": "vid"}, func(v float64) bool { return v >= 60 })
	checkDigits(t, p.metrics(), "vid")
	if loop { // a video played to its end is down until it reopens
		if code, body := p.request("GET", "/v2/health/ready", "", nil); code != 200 {
			t.Errorf("/v2/health/ready with a playing video: %d %s", code, body)
		}
	}
	t.Logf("ready after %v; RSS with a video source: %s", p.ready, rss(p.cmd.Process.Pid))
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
