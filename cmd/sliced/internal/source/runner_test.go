package source

import (
	"context"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

type record struct {
	mu         sync.Mutex
	ups, downs int
	reasons    []string
	frames     int
	bad        int
}

func (r *record) Up(up bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if up {
		r.ups++
	} else {
		r.downs++
	}
}
func (r *record) Reconnect(reason string, err error) {
	r.mu.Lock()
	r.reasons = append(r.reasons, reason)
	r.mu.Unlock()
}
func (r *record) Frame(Frame, time.Duration) { r.mu.Lock(); r.frames++; r.mu.Unlock() }
func (r *record) FrameError(error)           { r.mu.Lock(); r.bad++; r.mu.Unlock() }
func (r *record) get() record {
	r.mu.Lock()
	defer r.mu.Unlock()
	return record{ups: r.ups, downs: r.downs, reasons: append([]string(nil), r.reasons...), frames: r.frames, bad: r.bad}
}

func writePNG(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestBackoffCapped(t *testing.T) {
	b := Backoff{Min: time.Second, Max: 5 * time.Second}
	var got []time.Duration
	for i := 0; i < 5; i++ {
		got = append(got, b.Next())
	}
	want := []time.Duration{1, 2, 4, 5, 5}
	for i := range want {
		if got[i] != want[i]*time.Second {
			t.Fatalf("delays %v, want %v seconds", got, want)
		}
	}
	b.Reset()
	if d := b.Next(); d != time.Second {
		t.Fatalf("after Reset: %v", d)
	}
}

// The folder disappears and comes back: the runner reports down,
// reconnects with backoff, and delivers frames again.
func TestRunnerReconnectsDir(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "frames")
	os.Mkdir(dir, 0o755)
	writePNG(t, filepath.Join(dir, "a.png"))
	os.WriteFile(filepath.Join(dir, "b.png"), []byte("not a png"), 0o644)
	obs := &record{}
	r := &Runner{Source: &Dir{Path: dir, Loop: true, FPS: 200, MaxPixels: 1 << 20}, Observer: obs,
		Backoff: Backoff{Min: 10 * time.Millisecond, Max: 40 * time.Millisecond}, Emit: func(Frame) {}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	waitFor(t, "frames", func() bool { g := obs.get(); return g.frames > 3 && g.bad > 0 && g.ups == 1 })

	os.RemoveAll(dir)
	waitFor(t, "a failed reopen", func() bool { g := obs.get(); return g.downs >= 1 && len(g.reasons) >= 2 })
	os.Mkdir(dir, 0o755)
	writePNG(t, filepath.Join(dir, "c.png"))
	waitFor(t, "frames after restore", func() bool { return obs.get().ups == 2 })
	cancel()
	<-done
	g := obs.get()
	if g.reasons[len(g.reasons)-1] != "open" {
		t.Errorf("reasons %v, want the last to be a failed open", g.reasons)
	}
}

type stuck struct{ opens int }

func (s *stuck) Open(context.Context) error { s.opens++; return nil }
func (s *stuck) Next(ctx context.Context) (Frame, error) {
	if s.opens == 1 {
		<-ctx.Done()
		return Frame{}, ctx.Err()
	}
	return Frame{Image: image.NewGray(image.Rect(0, 0, 1, 1))}, nil
}
func (s *stuck) Close() error { return nil }

func TestRunnerWatchdogReopensSilentSource(t *testing.T) {
	obs := &record{}
	src := &stuck{}
	r := &Runner{Source: src, Watchdog: 30 * time.Millisecond, Observer: obs,
		Backoff: Backoff{Min: time.Millisecond, Max: time.Millisecond}, Emit: func(Frame) {}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.Run(ctx)
	waitFor(t, "frames after the watchdog", func() bool { return obs.get().frames > 0 })
	if g := obs.get(); len(g.reasons) == 0 || g.reasons[0] != "silent" {
		t.Fatalf("reasons %v, want silent first", g.reasons)
	}
}

func TestUploadKeepsNewest(t *testing.T) {
	u := NewUpload()
	a, b := image.NewGray(image.Rect(0, 0, 1, 1)), image.NewGray(image.Rect(0, 0, 2, 2))
	if !u.Push(a) || u.Push(b) {
		t.Fatal("second push should report a replaced frame")
	}
	f, err := u.Next(context.Background())
	if err != nil || f.Image != b {
		t.Fatalf("got %v, %v; want the newest frame", f.Image.Bounds(), err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := u.Next(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

type hangingOpen struct{ stuck }

func (h *hangingOpen) Open(ctx context.Context) error {
	h.opens++
	if h.opens == 1 {
		<-ctx.Done() // a camera that never answers
		return ctx.Err()
	}
	return nil
}

func TestRunnerAbandonsHangingOpen(t *testing.T) {
	obs := &record{}
	// The first Open hangs; after the second, stuck.Next delivers at once.
	src := &hangingOpen{}
	r := &Runner{Source: src, OpenTimeout: 30 * time.Millisecond, Observer: obs,
		Backoff: Backoff{Min: time.Millisecond, Max: time.Millisecond}, Emit: func(Frame) {}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.Run(ctx)
	waitFor(t, "frames after the hanging open", func() bool { return obs.get().frames > 0 })
	if g := obs.get(); len(g.reasons) == 0 || g.reasons[0] != "open" {
		t.Fatalf("reasons %v, want a failed open first", g.reasons)
	}
}
