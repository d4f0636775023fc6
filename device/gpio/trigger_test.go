package gpio

import (
	"context"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
)

// fakeClock returns the given instants one per call.
func fakeClock(t *testing.T, at ...time.Duration) func() time.Time {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	i := 0
	return func() time.Time {
		if i >= len(at) {
			t.Errorf("clock read %d times, only %d instants given", i+1, len(at))
			return base
		}
		i++
		return base.Add(at[i-1])
	}
}

func TestTriggerDebounce(t *testing.T) {
	pin := &gpiotest.Pin{N: "GPIO17", Num: 17, EdgesChan: make(chan gpio.Level, 16)}
	trig, err := NewTrigger(pin, TriggerConfig{Edge: gpio.FallingEdge, Pull: gpio.PullUp, Debounce: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if pin.Pull() != gpio.PullUp {
		t.Errorf("pull %v, want up", pin.Pull())
	}
	ms := time.Millisecond
	// A press that bounces twice, a clean press, and a bounce 20 ms after it.
	trig.now = fakeClock(t, 0, 5*ms, 30*ms, 100*ms, 120*ms)
	for range 5 {
		pin.EdgesChan <- gpio.Low
	}

	ctx, cancel := context.WithCancel(context.Background())
	fired := make(chan time.Time, 8)
	done := make(chan error)
	go func() { done <- trig.Run(ctx, func(at time.Time) { fired <- at }) }()

	deadline := time.After(5 * time.Second)
	for {
		a, b := trig.Count()
		if a+b == 5 {
			break
		}
		select {
		case <-deadline:
			t.Fatalf("edges handled: %d accepted, %d bounced, want 5 in all", a, b)
		case <-time.After(time.Millisecond):
		}
	}
	cancel()
	if err := <-done; err != context.Canceled {
		t.Fatalf("Run returned %v, want context.Canceled", err)
	}
	close(fired)
	var got []time.Duration
	for at := range fired {
		got = append(got, at.Sub(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	}
	if len(got) != 2 || got[0] != 0 || got[1] != 100*ms {
		t.Fatalf("fired at %v, want [0s 100ms]", got)
	}
	if a, b := trig.Count(); a != 2 || b != 3 {
		t.Fatalf("count %d accepted %d bounced, want 2 and 3", a, b)
	}
}

func TestTriggerRunStopsWithoutEdges(t *testing.T) {
	pin := &gpiotest.Pin{N: "GPIO5", EdgesChan: make(chan gpio.Level)}
	trig, err := NewTrigger(pin, TriggerConfig{Edge: gpio.BothEdges})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := trig.Run(ctx, func(time.Time) { t.Error("fired without an edge") }); err != context.DeadlineExceeded {
		t.Fatalf("Run: %v", err)
	}
	if d := time.Since(start); d > 2*pollInterval+time.Second {
		t.Fatalf("Run took %v to notice the cancelled context", d)
	}
}

func TestNewTriggerErrors(t *testing.T) {
	if _, err := NewTrigger(nil, TriggerConfig{Edge: gpio.RisingEdge}); err == nil {
		t.Error("nil pin accepted")
	}
	pin := &gpiotest.Pin{N: "GPIO4", EdgesChan: make(chan gpio.Level)}
	if _, err := NewTrigger(pin, TriggerConfig{}); err == nil {
		t.Error("no edge accepted")
	}
	if _, err := NewTrigger(pin, TriggerConfig{Edge: gpio.RisingEdge, Debounce: -time.Second}); err == nil {
		t.Error("negative debounce accepted")
	}
	// gpiotest refuses edge detection without an edge channel, as hardware
	// without interrupts does; the error names the pin.
	_, err := NewTrigger(&gpiotest.Pin{N: "GPIO9"}, TriggerConfig{Edge: gpio.RisingEdge})
	if err == nil || !contains(err.Error(), "GPIO9") {
		t.Errorf("error %v does not name the pin", err)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
