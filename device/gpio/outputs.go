package gpio

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"periph.io/x/conn/v3/gpio"
)

// Mode says how an output follows results.
type Mode int

const (
	// Level: active while the latest result is the class.
	Level Mode = iota
	// Pulse: active for Hold after each result of the class.
	Pulse
)

func (m Mode) String() string {
	switch m {
	case Level:
		return "level"
	case Pulse:
		return "pulse"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// Output is one pin driven by results.
type Output struct {
	Pin       gpio.PinOut
	Class     string        // the label that activates the pin
	Mode      Mode          // Level or Pulse
	Hold      time.Duration // how long a Pulse stays active
	MinScore  float32       // results scored below this do not count
	ActiveLow bool          // drive Low for active
}

// Outputs drives a set of pins from results. It is safe for concurrent use.
type Outputs struct {
	mu    sync.Mutex
	outs  []Output
	until []time.Time // end of the current pulse, per output
	now   func() time.Time
}

// NewOutputs checks the outputs and drives every pin inactive.
func NewOutputs(outs []Output) (*Outputs, error) {
	for i, o := range outs {
		switch {
		case o.Pin == nil:
			return nil, fmt.Errorf("gpio output %d: nil pin", i)
		case o.Class == "":
			return nil, fmt.Errorf("gpio output %s: no class", o.Pin)
		case o.Mode != Level && o.Mode != Pulse:
			return nil, fmt.Errorf("gpio output %s: unknown mode %v", o.Pin, o.Mode)
		case o.Mode == Pulse && o.Hold <= 0:
			return nil, fmt.Errorf("gpio output %s: pulse needs a hold time > 0", o.Pin)
		}
	}
	o := &Outputs{outs: outs, until: make([]time.Time, len(outs)), now: time.Now}
	if err := o.drive(func(int) bool { return false }); err != nil {
		return nil, err
	}
	return o, nil
}

// Set applies one result: level outputs follow it, pulse outputs of its class
// start (or extend) their pulse.
func (o *Outputs) Set(label string, score float32) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.now()
	return o.drive(func(i int) bool {
		out := o.outs[i]
		hit := label == out.Class && score >= out.MinScore
		if out.Mode == Level {
			return hit
		}
		if hit {
			o.until[i] = now.Add(out.Hold)
		}
		return now.Before(o.until[i])
	})
}

// Tick ends the pulses whose time is up. Run calls it; call it yourself only
// without Run.
func (o *Outputs) Tick() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.now()
	var errs []error
	for i, out := range o.outs {
		if out.Mode == Pulse && !o.until[i].IsZero() && !now.Before(o.until[i]) {
			o.until[i] = time.Time{}
			errs = append(errs, o.write(i, false))
		}
	}
	return errors.Join(errs...)
}

// Run ends pulses on time until ctx ends, then drives every pin inactive.
func (o *Outputs) Run(ctx context.Context, every time.Duration) error {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return o.Close()
		case <-tick.C:
			if err := o.Tick(); err != nil {
				return err
			}
		}
	}
}

// Close drives every pin inactive. It may be called more than once.
func (o *Outputs) Close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := range o.until {
		o.until[i] = time.Time{}
	}
	return o.drive(func(int) bool { return false })
}

// drive sets each pin to active(i); the caller holds mu or owns o.
func (o *Outputs) drive(active func(i int) bool) error {
	var errs []error
	for i := range o.outs {
		errs = append(errs, o.write(i, active(i)))
	}
	return errors.Join(errs...)
}

func (o *Outputs) write(i int, active bool) error {
	out := o.outs[i]
	l := gpio.Level(active != out.ActiveLow)
	if err := out.Pin.Out(l); err != nil {
		return fmt.Errorf("gpio output %s: %w", out.Pin, err)
	}
	return nil
}
