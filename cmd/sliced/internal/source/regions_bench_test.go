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
	"github.com/sliced-ai/sliced/cmd/sliced/internal/store"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
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
// and its four regions are cut, resized to 3x32x32 and classified by an
// RGB scene engine, all on the calling goroutine: the tests' fixture
// engine, and the embedded scene engine with the four colours enrolled
// from five frames each. Run with -cpu 1 for one core; regions/s is the
// target's number.
func BenchmarkVideoRegionsRGB(b *testing.B) {
	path := filepath.Join(b.TempDir(), "regions.avi")
	states := writeRegionsVideo(b, path, 16)
	b.Run("fixture", func(b *testing.B) { benchRegionsRGB(b, path, states, fixture.Scene(3)) })
	b.Run("embedded", func(b *testing.B) { benchRegionsRGB(b, path, states, enrolledScene(b, path, states)) })
}

// enrolledScene is the embedded scene engine with each region colour of
// the video's first frames enrolled as a state.
func enrolledScene(b *testing.B, path string, states [][]int) *engine.Engine {
	e, err := models.Scene()
	if err != nil {
		b.Fatal(err)
	}
	src := &Video{Path: path, MaxPixels: 1 << 24}
	ctx := context.Background()
	if err := src.Open(ctx); err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	examples := map[string][][]float32{}
	for i := range 5 {
		f, err := src.Next(ctx)
		if err != nil {
			b.Fatal(err)
		}
		for k, r := range benchRegions {
			in, _, err := prep.Engine(e, func(image.Rectangle) image.Rectangle { return r }, f.Image)
			if err != nil {
				b.Fatal(err)
			}
			name := fixture.SceneColors[states[i][k]].Name
			examples[name] = append(examples[name], in)
		}
	}
	for _, c := range fixture.SceneColors {
		vecs, err := store.Features(e, examples[c.Name])
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.KNN.Add(c.Name, vecs); err != nil {
			b.Fatal(err)
		}
	}
	return e
}

func benchRegionsRGB(b *testing.B, path string, states [][]int, e *engine.Engine) {
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
