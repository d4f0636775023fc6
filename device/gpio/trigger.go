package gpio

import (
	"context"
	"fmt"
	"sync"
	"time"

	"periph.io/x/conn/v3/gpio"
)

// pollInterval bounds how long Run waits on the pin before it looks at ctx:
// periph's WaitForEdge cannot be cancelled.
const pollInterval = 100 * time.Millisecond

// TriggerConfig sets up the input pin.
type TriggerConfig struct {
	Edge     gpio.Edge     // RisingEdge, FallingEdge or BothEdges
	Pull     gpio.Pull     // PullUp for a button to ground, PullDown for one to 3.3 V
	Debounce time.Duration // edges this soon after an accepted one are bounce
}

// Trigger calls back on each debounced edge of an input pin. Run it from one
// goroutine; Count is safe from any.
type Trigger struct {
	pin gpio.PinIO
	cfg TriggerConfig
	now func() time.Time

	mu       sync.Mutex
	last     time.Time
	accepted uint64
	bounced  uint64
}

// NewTrigger configures pin as an input with edge detection.
func NewTrigger(pin gpio.PinIO, cfg TriggerConfig) (*Trigger, error) {
	if pin == nil {
		return nil, fmt.Errorf("gpio trigger: nil pin")
	}
	if cfg.Edge == gpio.NoEdge {
		return nil, fmt.Errorf("gpio trigger %s: no edge selected", pin)
	}
	if cfg.Debounce < 0 {
		return nil, fmt.Errorf("gpio trigger %s: negative debounce %v", pin, cfg.Debounce)
	}
	if err := pin.In(cfg.Pull, cfg.Edge); err != nil {
		return nil, fmt.Errorf("gpio trigger %s: %w", pin, err)
	}
	return &Trigger{pin: pin, cfg: cfg, now: time.Now}, nil
}

// Run waits for edges until ctx ends and calls fire with the time of each one
// that is not bounce. It returns ctx's error.
func (t *Trigger) Run(ctx context.Context, fire func(at time.Time)) error {
	for ctx.Err() == nil {
		if !t.pin.WaitForEdge(pollInterval) {
			continue
		}
		if at, ok := t.edge(); ok {
			fire(at)
		}
	}
	return ctx.Err()
}

// edge decides whether an edge seen now is a press or bounce.
func (t *Trigger) edge() (time.Time, bool) {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.accepted > 0 && now.Sub(t.last) < t.cfg.Debounce {
		t.bounced++
		return now, false
	}
	t.last = now
	t.accepted++
	return now, true
}

// Count returns the edges accepted and those dropped as bounce so far.
func (t *Trigger) Count() (accepted, bounced uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.accepted, t.bounced
}

// Halt stops the pin's edge detection.
func (t *Trigger) Halt() error { return t.pin.Halt() }

// String names the pin.
func (t *Trigger) String() string { return t.pin.String() }
