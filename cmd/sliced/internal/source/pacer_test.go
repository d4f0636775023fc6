package source

import (
	"testing"
	"time"
)

func TestPacer(t *testing.T) {
	p := NewPacer(100)
	t0 := time.Now()
	for range 4 {
		if !p.Wait(nil) {
			t.Fatal("Wait refused with done open")
		}
	}
	// The first frame is due at once, each next one 10 ms later.
	if d := time.Since(t0); d < 30*time.Millisecond {
		t.Errorf("4 frames at 100 fps in %v, want at least 30 ms", d)
	}
	done := make(chan struct{})
	close(done)
	if p.Wait(done) {
		t.Error("Wait went on after done closed")
	}
	free := NewPacer(0)
	t0 = time.Now()
	for range 1000 {
		free.Wait(done)
	}
	if d := time.Since(t0); d > 100*time.Millisecond {
		t.Errorf("an unpaced source waited %v", d)
	}
}
