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

// A stuck pipeline (no progress) must stop the pings. The test says, tick
// by tick, whether the pipeline moved since the last one, and each tick's
// ping must come or not.
func TestWatchdogStopsWhenStuck(t *testing.T) {
	path, ch := listen(t)
	var frames atomic.Uint64
	steps, answers := make(chan bool), make(chan bool)
	healthy := Progress(frames.Load, func() bool { return false })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		New(path).Watchdog(ctx, time.Millisecond, func() bool {
			select {
			case moved := <-steps:
				if moved {
					frames.Add(1)
				}
			case <-ctx.Done():
				return false
			}
			ok := healthy()
			select {
			case answers <- ok:
			case <-ctx.Done():
			}
			return ok
		})
	}()
	within := func() <-chan time.Time { return time.After(15 * time.Second) }
	// tick runs one tick and reports whether it pinged.
	tick := func(moved bool) bool {
		t.Helper()
		select {
		case steps <- moved:
		case <-within():
			t.Fatal("no watchdog tick in 15 s")
		}
		ok := <-answers
		if ok {
			select {
			case got := <-ch:
				if got != "WATCHDOG=1" {
					t.Fatalf("sent %q", got)
				}
			case <-within():
				t.Fatal("a healthy tick sent no ping in 15 s")
			}
		}
		return ok
	}
	for i := range 3 {
		if !tick(true) {
			t.Fatalf("tick %d: no ping while progressing", i)
		}
	}
	for i := range 3 {
		if tick(false) {
			t.Fatalf("tick %d: a ping while stuck", i)
		}
	}
	for i := range 3 {
		if !tick(true) {
			t.Fatalf("tick %d: no ping after recovering", i)
		}
	}
	// Nothing else was sent: the next message is one sent after the
	// watchdog stopped.
	cancel()
	<-stopped
	New(path).Send("END")
	select {
	case got := <-ch:
		if got != "END" {
			t.Fatalf("%q sent besides the pings counted", got)
		}
	case <-within():
		t.Fatal("END not received")
	}
}
