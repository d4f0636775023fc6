package source

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/config"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

// demoVideo is the bundled 640x480 MJPEG demo video.
var demoVideo = filepath.Join("..", "..", "..", "..", "models", "demo", "demo.avi")

// BenchmarkAVIPipeline is one pipeline's work per frame from the demo
// video in pure Go: read, decode to grey, preprocess and classify with the
// default engine. Run with -cpu 1 for one core.
func BenchmarkAVIPipeline(b *testing.B) {
	e, err := models.Default()
	if err != nil {
		b.Fatal(err)
	}
	src, err := Open(config.Source{Name: "bench", Kind: "video", Path: demoVideo, Loop: true}, 1<<24)
	if err != nil {
		b.Fatal(err)
	}
	benchPipeline(b, src, e)
}

// benchPipeline times capture, preprocessing and classification of src's
// frames, all on the calling goroutine.
func benchPipeline(b *testing.B, src Source, e *engine.Engine) {
	b.Helper()
	sliced := backend.NewSliced(func() *engine.Engine { return e })
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
		if err != nil && !errors.Is(err, prep.ErrNoInk) {
			b.Fatal(err)
		}
		t2 := time.Now()
		capture, pre = capture+t1.Sub(t0), pre+t2.Sub(t1)
		if err == nil {
			if _, err := sliced.Classify(in); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
	b.ReportMetric(float64(capture.Microseconds())/float64(b.N), "decode-µs/frame")
	b.ReportMetric(float64(pre.Microseconds())/float64(b.N), "prep-µs/frame")
}
