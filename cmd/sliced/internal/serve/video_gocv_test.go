//go:build gocv

package serve

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"gocv.io/x/gocv"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
)

// writeVideo writes n camera-like 640x480 frames (digit i%10) as MJPEG AVI.
func writeVideo(t testing.TB, path string, n int) {
	t.Helper()
	vw, err := gocv.VideoWriterFile(path, "MJPG", 30, 640, 480, true)
	if err != nil {
		t.Fatal(err)
	}
	defer vw.Close()
	rng := rand.New(rand.NewPCG(21, 21))
	bgr := gocv.NewMat()
	defer bgr.Close()
	for i := 0; i < n; i++ {
		g, err := gocv.ImageGrayToMatGray(fixture.Frame(i%10, 640, 480, rng))
		if err != nil {
			t.Fatal(err)
		}
		gocv.CvtColor(g, &bgr, gocv.ColorGrayToBGR)
		g.Close()
		if err := vw.Write(bgr); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDaemonVideoSource runs the gocv build of the binary on a video file
// source, scrapes /metrics, and removes and restores the file.
func TestDaemonVideoSource(t *testing.T) {
	bin := binary(t, "gocv")
	f := writeFixture(t, 0, "")
	video := filepath.Join(f.dir, "digits.avi")
	writeVideo(t, video, 30)
	cfg := fmt.Sprintf("engine: %s\nstate_dir: %s\nsources:\n  - {name: vid, kind: video, path: %s, fps: 100, watchdog: 2s}\n", f.engine, f.state, video)
	os.WriteFile(f.config, []byte(cfg), 0o644)
	p := start(t, bin, nil, "--config", f.config)
	p.waitMetric("video frames", "sliced_pipeline_frames_total", map[string]string{"source": "vid"}, func(v float64) bool { return v >= 60 })
	checkDigits(t, p.metrics(), "vid")
	t.Logf("RSS with a video source: %s", rss(p.cmd.Process.Pid))

	// The file played to its end is reopened; removed, it cannot be.
	p.removeAndRestore(video, "vid")
	p.stop()
}
