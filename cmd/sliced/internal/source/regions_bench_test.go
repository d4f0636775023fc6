package source

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/calibration/synth"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
	"github.com/sliced-ai/sliced/engine"
)

// benchRegions are four regions of a 640x480 frame, as a camera watching
// a door, a led, a display and a shelf would have them.
var benchRegions = []image.Rectangle{
	image.Rect(40, 40, 200, 200), image.Rect(420, 30, 500, 90),
	image.Rect(300, 260, 460, 380), image.Rect(60, 300, 260, 460),
}

// writeRegionsVideo writes n 640x480 MJPEG frames whose regions are filled
// with scene colours that change from frame to frame.
func writeRegionsVideo(b *testing.B, path string, n int) [][]int {
	rng := rand.New(rand.NewPCG(9, 9))
	var frames [][]byte
	var states [][]int
	for i := range n {
		cs := []int{i % 4, (i + 1) % 4, (i + 2) % 4, (i + 3) % 4}
		var j bytes.Buffer
		if err := jpeg.Encode(&j, fixture.SceneRegions(640, 480, benchRegions, cs, rng), &jpeg.Options{Quality: 85}); err != nil {
			b.Fatal(err)
		}
		frames, states = append(frames, j.Bytes()), append(states, cs)
	}
	var out bytes.Buffer
	if err := synth.WriteAVI(&out, frames, 640, 480, 30); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	return states
}

// BenchmarkVideoRegionsRGB is per-region classification from one video
// source: each 640x480 MJPEG frame is read and decoded once (to YCbCr)
// and its four regions are cut, resized to 3x32x32 and classified by the
// RGB scene engine, all on the calling goroutine. Run with -cpu 1 for one
// core; regions/s is the target's number.
func BenchmarkVideoRegionsRGB(b *testing.B) {
	path := filepath.Join(b.TempDir(), "regions.avi")
	states := writeRegionsVideo(b, path, 16)
	e := fixture.Scene(3)
	sliced := backend.NewSliced(func() *engine.Engine { return e })
	src := &Video{Path: path, Loop: true, MaxPixels: 1 << 24}
	ctx := context.Background()
	if err := src.Open(ctx); err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	var decode, pre, classify time.Duration
	wrong := 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		f, err := src.Next(ctx)
		if err != nil {
			b.Fatal(err)
		}
		decode += time.Since(t0)
		for k, r := range benchRegions {
			t1 := time.Now()
			in, _, err := prep.Engine(e, func(image.Rectangle) image.Rectangle { return r }, f.Image)
			if err != nil {
				b.Fatal(err)
			}
			t2 := time.Now()
			res, err := sliced.Classify(in)
			if err != nil {
				b.Fatal(err)
			}
			pre, classify = pre+t2.Sub(t1), classify+time.Since(t2)
			if res.Class != fixture.SceneColors[states[i%len(states)][k]].Name {
				wrong++
			}
		}
	}
	n := float64(b.N * len(benchRegions))
	b.ReportMetric(n/b.Elapsed().Seconds(), "regions/s")
	b.ReportMetric(float64(decode.Microseconds())/float64(b.N), "decode-µs/frame")
	b.ReportMetric(float64(pre.Microseconds())/n, "prep-µs/region")
	b.ReportMetric(float64(classify.Microseconds())/n, "classify-µs/region")
	b.ReportMetric(float64(wrong)/n, "wrong/region")
}
