package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/prep"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/source"
	"github.com/sliced-ai/sliced/engine"
)

func TestSmootherHoldsFlicker(t *testing.T) {
	res := func(class string) Result {
		return Result{Answer: Answer{Result: backend.Result{Class: class, Known: true}}}
	}
	s := smoother{n: 3}
	var got []string
	for _, c := range strings.Fields("a a b a a b b b c a") {
		r := s.apply(res(c))
		l, _ := r.State()
		if r.Held != (l != c) || (r.Held && r.Own.Class != c) {
			t.Fatalf("%s: reported %s, held %v, own %q", c, l, r.Held, r.Own.Class)
		}
		got = append(got, l)
	}
	// b once is flicker; b three times is a change; c then a break the run.
	if want := "a a a a a a a b b b"; strings.Join(got, " ") != want {
		t.Errorf("reported %q, want %q", strings.Join(got, " "), want)
	}
	// A failed inference says nothing: it neither breaks nor extends a run.
	s = smoother{n: 2}
	s.apply(res("a"))
	s.apply(res("b"))
	if r := s.apply(Result{Err: errors.New("device gone")}); r.Held || r.Err == nil {
		t.Errorf("an error result changed: %+v", r)
	}
	if l, _ := s.apply(res("b")).State(); l != "b" {
		t.Errorf("state %s after b, error, b; want b", l)
	}
	// Nothing in view is a state like any other.
	s = smoother{n: 2}
	s.apply(res("a"))
	if r := s.apply(Result{Err: prep.ErrNoInk}); !r.Held || r.Err != nil || r.Answer.Class != "a" || !errors.Is(r.OwnErr, prep.ErrNoInk) {
		t.Errorf("one empty frame: %+v", r)
	}
	if l, _ := s.apply(Result{Err: prep.ErrNoInk}).State(); l != StateNone {
		t.Errorf("state %s after two empty frames", l)
	}
	// smooth 1 reports every answer.
	s = smoother{n: 1}
	s.apply(res("a"))
	if r := s.apply(res("b")); r.Held || r.Answer.Class != "b" {
		t.Errorf("smooth 1 held: %+v", r)
	}
}

// One folder source, three regions of each frame: two classified from
// the one decoded frame with their own answers, metrics and smoothing,
// and one outside the frame, which is an error logged once and counted,
// never a panic.
func TestPipelineRegions(t *testing.T) {
	dir := t.TempDir()
	door, led := image.Rect(10, 10, 70, 70), image.Rect(200, 40, 260, 100)
	// door: red, one blue flicker, then green for good; led: blue, white.
	doors := []int{0, 0, 0, 2, 0, 0, 1, 1, 1, 1}
	leds := []int{2, 2, 2, 2, 2, 3, 3, 3, 3, 3}
	rng := rand.New(rand.NewPCG(6, 6))
	for i := range doors {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%03d.png", i)))
		if err != nil {
			t.Fatal(err)
		}
		png.Encode(f, fixture.SceneRegions(320, 240, []image.Rectangle{door, led}, []int{doors[i], leds[i]}, rng))
		f.Close()
	}
	e := fixture.Scene(3)
	cur := func() *engine.Engine { return e }
	at := func(r image.Rectangle) prep.Func {
		return prep.For(cur, func(image.Rectangle) image.Rectangle { return r })
	}
	rt := &Route{Primary: backend.NewSliced(cur)}
	m := newMetrics(t)
	var logs bytes.Buffer
	var mu sync.Mutex
	got := map[string][]Result{}
	p := New(Config{Name: "cam", Source: &source.Dir{Path: dir, MaxPixels: 1 << 20}, Once: true, Wait: true,
		Regions: []Region{{Name: "door", Prep: at(door), Smooth: 3}, {Name: "led", Prep: at(led)},
			{Name: "off", Prep: at(image.Rect(300, 200, 400, 300))}},
		Route: func() *Route { return rt }, Metrics: m, Log: slog.New(slog.NewTextHandler(&logs, nil)),
		Sink: func(r Result) { mu.Lock(); got[r.Region] = append(got[r.Region], r); mu.Unlock() }})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	p.Run(ctx)
	if p.Processed() != uint64(len(doors)) {
		t.Errorf("%d frames processed, want %d", p.Processed(), len(doors))
	}
	name := func(c int) string { return fixture.SceneColors[c].Name }
	// Reported door states: the flicker held, green after three greens.
	wantDoor := []int{0, 0, 0, 0, 0, 0, 0, 0, 1, 1}
	for i, r := range got["door"] {
		if r.Err != nil || r.Answer.Class != name(wantDoor[i]) || r.Held != (doors[i] != wantDoor[i]) || r.Box != door {
			t.Errorf("door frame %d: %q held %v box %v (own %q), want %q", i, r.Answer.Class, r.Held, r.Box, r.Own.Class, name(wantDoor[i]))
		}
	}
	for i, r := range got["led"] {
		if r.Err != nil || r.Answer.Class != name(leds[i]) || r.Held || r.Box != led {
			t.Errorf("led frame %d: %q held %v box %v, want %q", i, r.Answer.Class, r.Held, r.Box, name(leds[i]))
		}
	}
	if len(got["door"]) != len(doors) || len(got["led"]) != len(doors) || len(got["off"]) != len(doors) {
		t.Fatalf("results per region: %d door, %d led, %d off; want %d each", len(got["door"]), len(got["led"]), len(got["off"]), len(doors))
	}
	for _, r := range got["off"] {
		if !errors.Is(r.Err, prep.ErrOutside) {
			t.Fatalf("a region outside the frame: %v", r.Err)
		}
	}
	// Raw counts: every frame's own answer, the flicker included.
	if v := testutil.ToFloat64(m.Classifications.WithLabelValues("cam", "door", "sliced", "blue")); v != 1 {
		t.Errorf("door's blue flicker counted %v times, want 1", v)
	}
	if v := testutil.ToFloat64(m.Frames.WithLabelValues("cam", "led")); v != float64(len(leds)) {
		t.Errorf("led frames %v", v)
	}
	if v := testutil.ToFloat64(m.Smoothed.WithLabelValues("cam", "door")); v != 3 {
		t.Errorf("door answers smoothed %v, want 3 (the flicker and two greens)", v)
	}
	if v := testutil.ToFloat64(m.Errors.WithLabelValues("cam", "off", "region_outside")); v != float64(len(doors)) {
		t.Errorf("region_outside errors %v", v)
	}
	if n := strings.Count(logs.String(), "region does not fit the frame"); n != 1 {
		t.Errorf("the region outside was logged %d times, want once:\n%s", n, logs.String())
	}
}
