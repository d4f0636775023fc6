//go:build gocv

package serve

import (
	"math/rand/v2"
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
// source written by OpenCV: the file played to its end is reopened;
// removed, it cannot be.
func TestDaemonVideoSource(t *testing.T) {
	playVideo(t, binary(t, "gocv"), false, func(path string) { writeVideo(t, path, 30) })
}
