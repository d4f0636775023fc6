package candidates

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/pipeline"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/source"
	"github.com/sliced-ai/sliced/engine"
)

func result(src string, at time.Time, known bool, score float32) pipeline.Result {
	class := "unknown"
	if known {
		class = "3"
	}
	return pipeline.Result{Source: src, Frame: source.Frame{Time: at}, Input: input(1),
		Answer: pipeline.Answer{Result: backend.Result{Class: class, Known: known, Score: score, Label: 3}, Nearest: "3"}}
}

func TestWatchPacesEachSource(t *testing.T) {
	now := time.Unix(5000, 0)
	k := open(t, t.TempDir(), Options{Keep: 50, Below: 0.5, Now: func() time.Time { return now }})
	k.Watch(result("cam", now, true, 0.9)) // sure: not a candidate, and no pause either
	k.Watch(result("cam", now, false, 0.2))
	k.Watch(result("cam", now, false, 0.2)) // too soon after the last
	k.Watch(result("door", now, true, 0.3)) // another source
	k.Watch(pipeline.Result{Source: "x", Err: errors.New("no object")})
	if k.Len() != 2 {
		t.Fatalf("%d kept, want 2 (one per source)", k.Len())
	}
	now = now.Add(DefaultGap)
	k.Watch(result("cam", now, false, 0.2))
	l := k.List()
	if len(l) != 3 || l[0].Source != "cam" || l[0].Class != "unknown" || l[0].Nearest != "3" || l[1].Source != "door" || !l[1].Known {
		t.Fatalf("kept %+v", l)
	}
}

// A region of an RGB roi engine is kept as the region's own 3x32x32 input
// (what enrolling the candidate enrols), with its shape, a colour
// thumbnail of the region and the region in its source name; it is read
// back so after a restart. Without the engine's shape such an input is
// refused, not taken for a digit's.
func TestWatchKeepsRegionInputs(t *testing.T) {
	e := fixture.Scene(3)
	dir := t.TempDir()
	k := open(t, dir, Options{Keep: 5, Below: 0.5, Engine: func() *engine.Engine { return e }})
	frame := fixture.SceneFrame(0, 320, 240, image.Rect(0, 0, 320, 240), rand.New(rand.NewPCG(1, 1)))
	door := image.Rect(20, 20, 100, 100)
	in, _, err := prep.Engine(e, func(image.Rectangle) image.Rectangle { return door }, frame)
	if err != nil {
		t.Fatal(err)
	}
	r := result("cam", time.Unix(10, 0), false, 0.1)
	r.Region, r.Input = "door", in
	k.Watch(r)
	l := k.List()
	if len(l) != 1 || l[0].Source != "cam/door" || !slices.Equal(l[0].Input, in) || l[0].InputShape() != e.Stack.In {
		t.Fatalf("kept %+v", l)
	}
	th, err := png.Decode(bytes.NewReader(l[0].Thumbnail))
	if err != nil {
		t.Fatal(err)
	}
	// The region was red: the thumbnail undoes the engine's normalisation.
	if red, ok := th.(*image.RGBA); !ok || th.Bounds().Dx() != 32*ThumbScale || red.RGBAAt(30, 30).R < 150 || red.RGBAAt(30, 30).B > 90 {
		t.Fatalf("thumbnail %T %v, centre %v", th, th.Bounds(), th.At(30, 30))
	}
	again := open(t, dir, Options{Keep: 5, Below: 0.5})
	if l := again.List(); len(l) != 1 || l[0].InputShape() != e.Stack.In || !slices.Equal(l[0].Input, in) {
		t.Fatalf("after a restart: %+v", l)
	}
	if _, err := again.Offer(Frame{Time: time.Unix(11, 0), Answer: Answer{Class: "unknown"}, Input: in}); err == nil {
		t.Fatal("a 3x32x32 input was kept as a digit's")
	}
}
