package pipeline

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/source"
	"github.com/sliced-ai/sliced/engine"
)

// A folder source through a 32x32 RGB roi engine: every frame's region is
// cut out, resized to 3x32x32 and classified by its colour.
func TestPipelineSceneROI(t *testing.T) {
	dir := t.TempDir()
	roi := image.Rect(200, 60, 280, 140)
	rng := rand.New(rand.NewPCG(4, 4))
	n := 2 * len(fixture.SceneColors)
	for i := 0; i < n; i++ {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%03d.png", i)))
		if err != nil {
			t.Fatal(err)
		}
		png.Encode(f, fixture.SceneFrame(i%len(fixture.SceneColors), 320, 240, roi, rng))
		f.Close()
	}
	e := fixture.Scene(3)
	cur := func() *engine.Engine { return e }
	rt := &Route{Primary: backend.NewSliced(cur)}
	var mu sync.Mutex
	var got []Result
	p := New(Config{Name: "belt", Source: &source.Dir{Path: dir, MaxPixels: 1 << 20}, Once: true, Wait: true,
		Prep:  prep.For(cur, func(image.Rectangle) image.Rectangle { return roi }),
		Route: func() *Route { return rt }, Metrics: newMetrics(t),
		Sink: func(r Result) { mu.Lock(); got = append(got, r); mu.Unlock() }})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	p.Run(ctx)
	mu.Lock()
	defer mu.Unlock()
	if len(got) != n {
		t.Fatalf("%d results, want %d", len(got), n)
	}
	for _, r := range got {
		want := fixture.SceneColors[(r.Frame.Seq-1)%uint64(len(fixture.SceneColors))].Name
		if r.Err != nil || r.Answer.Class != want || r.Box != roi || len(r.Input) != 3*32*32 {
			t.Fatalf("frame %d: %q (want %q), box %v, %d values, %v", r.Frame.Seq, r.Answer.Class, want, r.Box, len(r.Input), r.Err)
		}
	}
}
