package sdnotify

import (
	"context"
	"net"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// listen opens a fake notify socket and returns what arrives on it.
func listen(t *testing.T) (string, <-chan string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "notify")
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	ch := make(chan string, 100)
	go func() {
		buf := make([]byte, 256)
		for {
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			ch <- string(buf[:n])
		}
	}()
	return path, ch
}

func TestSend(t *testing.T) {
	path, ch := listen(t)
	n := New(path)
	if err := n.Send("READY=1"); err != nil {
		t.Fatal(err)
	}
	if got := <-ch; got != "READY=1" {
		t.Fatalf("got %q", got)
	}
	if err := New("").Send("READY=1"); err != nil {
		t.Fatalf("no socket should be a no-op: %v", err)
	}
}

func TestWatchdogInterval(t *testing.T) {
	if d := watchdogInterval("4000000", "", 1); d != 2*time.Second {
		t.Fatalf("got %v, want half of 4 s", d)
	}
	if d := watchdogInterval("4000000", "99", 1); d != 0 {
		t.Fatalf("another process's watchdog: %v", d)
	}
	if d := watchdogInterval("", "", 1); d != 0 {
		t.Fatalf("unset: %v", d)
	}
}

// A stuck pipeline (no progress) must stop the pings.
func TestWatchdogStopsWhenStuck(t *testing.T) {
	path, ch := listen(t)
	var frames atomic.Uint64
	moving := atomic.Bool{}
	moving.Store(true)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { // the pipeline: progresses while moving
		for ctx.Err() == nil {
			if moving.Load() {
				frames.Add(1)
			}
			time.Sleep(time.Millisecond)
		}
	}()
	go New(path).Watchdog(ctx, 10*time.Millisecond, Progress(frames.Load, func() bool { return false }))
	count := func(d time.Duration) int {
		n := 0
		end := time.After(d)
		for {
			select {
			case <-ch:
				n++
			case <-end:
				return n
			}
		}
	}
	if n := count(100 * time.Millisecond); n < 3 {
		t.Fatalf("%d pings while progressing", n)
	}
	moving.Store(false)
	count(30 * time.Millisecond) // pings already in flight
	if n := count(100 * time.Millisecond); n != 0 {
		t.Fatalf("%d pings while stuck, want none", n)
	}
	moving.Store(true)
	if n := count(100 * time.Millisecond); n < 3 {
		t.Fatalf("%d pings after recovering", n)
	}
}
