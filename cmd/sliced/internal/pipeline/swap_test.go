package pipeline

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/calibration/synth"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/source"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

// A video source's frames (the decoded YCbCr) feed a gray digit engine
// and, after a swap, an RGB scene engine with no reopen: the digit
// engine reads the luma, the scene engine the region's colour.
func TestVideoEngineSwapGrayToRGB(t *testing.T) {
	roi := image.Rect(40, 40, 120, 120)
	rng := rand.New(rand.NewPCG(8, 8))
	var frames [][]byte
	for i := range 4 {
		var b bytes.Buffer
		if err := jpeg.Encode(&b, fixture.SceneFrame(i%len(fixture.SceneColors), 160, 160, roi, rng), &jpeg.Options{Quality: 90}); err != nil {
			t.Fatal(err)
		}
		frames = append(frames, b.Bytes())
	}
	var avi bytes.Buffer
	if err := synth.WriteAVI(&avi, frames, 160, 160, 10); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "scene.avi")
	os.WriteFile(path, avi.Bytes(), 0o644)

	digits, scene := fixture.Engine(models.B, 1), fixture.Scene(3)
	var cur atomic.Pointer[engine.Engine]
	cur.Store(digits)
	rt := &Route{Primary: backend.NewSliced(cur.Load)}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var mu sync.Mutex
	var gray, rgb []Result
	p := New(Config{Name: "cam", Source: &source.Video{Path: path, Loop: true, MaxPixels: 1 << 20}, Wait: true,
		Prep:  prep.For(cur.Load, func(image.Rectangle) image.Rectangle { return roi }),
		Route: func() *Route { return rt }, Metrics: newMetrics(t),
		Sink: func(r Result) {
			mu.Lock()
			defer mu.Unlock()
			switch {
			case len(r.Input) == 28*28 && len(gray) < 8:
				gray = append(gray, r)
				if len(gray) == 8 {
					cur.Store(scene)
				}
			case len(r.Input) == 3*32*32 || (r.Err != nil && len(gray) == 8):
				rgb = append(rgb, r)
				if len(rgb) == 8 {
					cancel()
				}
			}
		}})
	p.Run(ctx)
	mu.Lock()
	defer mu.Unlock()
	if len(gray) != 8 || len(rgb) < 8 {
		t.Fatalf("%d results on the digit engine, %d on the scene engine", len(gray), len(rgb))
	}
	for _, r := range gray {
		if r.Err != nil && !errors.Is(r.Err, prep.ErrNoInk) {
			t.Fatalf("digit engine on a colour video: %v", r.Err)
		}
	}
	for _, r := range rgb[:8] {
		want := fixture.SceneColors[(r.Frame.Seq-1)%4].Name
		if r.Err != nil || r.Answer.Class != want {
			t.Fatalf("frame %d after the swap: %q %v, want %q", r.Frame.Seq, r.Answer.Class, r.Err, want)
		}
	}
}
