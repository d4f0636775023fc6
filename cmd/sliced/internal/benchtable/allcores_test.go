package benchtable

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// Every worker of a burst runs at least once and runs concurrently with
// the others; the calls counted are the calls made.
func TestRunBurst(t *testing.T) {
	var calls, inside, most atomic.Int64
	work := func() error {
		calls.Add(1)
		now := inside.Add(1)
		for {
			m := most.Load()
			if now <= m || most.CompareAndSwap(m, now) {
				break
			}
		}
		time.Sleep(2 * time.Millisecond)
		inside.Add(-1)
		return nil
	}
	n, d, err := runBurst([]func() error{work, work, work}, 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if n != calls.Load() || n < 3 {
		t.Errorf("%d calls counted, %d made, want >= 3", n, calls.Load())
	}
	if d < 10*time.Millisecond {
		t.Errorf("burst of %v, want >= 10ms", d)
	}
	if most.Load() < 2 {
		t.Errorf("at most %d workers at once, want them concurrent", most.Load())
	}
}

// A failing worker fails the burst with its error.
func TestRunBurstError(t *testing.T) {
	bad := errors.New("broken")
	ok := func() error { return nil }
	_, _, err := runBurst([]func() error{ok, func() error { return bad }}, time.Millisecond)
	if !errors.Is(err, bad) {
		t.Errorf("error %v, want %v", err, bad)
	}
}

// The speed-up is the all-cores rate over the one-thread rate.
func TestSpeedup(t *testing.T) {
	r := &Row{OneSec: 2000, PerSec: 3000}
	if got := r.Speedup(); got != 1.5 {
		t.Errorf("speed-up %v, want 1.5", got)
	}
	if got := (&Row{OneSec: 2000}).Speedup(); got != 0 {
		t.Errorf("speed-up without an all-cores figure %v, want 0", got)
	}
}
