package gpio

import (
	"errors"
	"fmt"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpioreg"
	"periph.io/x/host/v3"
)

// ErrNoHardware is wrapped by Open's errors when the board has no GPIO driver
// or not the named pin: the daemon turns the feature off and says why.
var ErrNoHardware = errors.New("no such GPIO on this machine")

// Lookup finds a pin by name; nil means there is none.
type Lookup func(name string) gpio.PinIO

// HostLookup loads periph's host drivers once and looks pins up in its
// registry (gpioreg.ByName).
func HostLookup() (Lookup, error) {
	if _, err := host.Init(); err != nil {
		return nil, fmt.Errorf("gpio: periph host drivers: %w", err)
	}
	return gpioreg.ByName, nil
}

// Open resolves the pins of c with lookup and sets them up. The trigger is nil
// when c has none. On error nothing is left driven.
func Open(c Config, lookup Lookup) (*Trigger, *Outputs, error) {
	if err := c.Validate(); err != nil {
		return nil, nil, err
	}
	find := func(key, name string) (gpio.PinIO, error) {
		p := lookup(name)
		if p == nil {
			return nil, fmt.Errorf("%s: pin %q: %w (check /dev/gpiochip* and `gpioinfo`)", key, name, ErrNoHardware)
		}
		return p, nil
	}
	var trig *Trigger
	if c.Trigger != nil {
		pin, err := find("gpio.trigger.pin", c.Trigger.Pin)
		if err != nil {
			return nil, nil, err
		}
		cfg, _ := c.Trigger.config()
		if trig, err = NewTrigger(pin, cfg); err != nil {
			return nil, nil, err
		}
	}
	outs := make([]Output, len(c.Outputs))
	for i, s := range c.Outputs {
		pin, err := find(fmt.Sprintf("gpio.outputs[%d].pin", i), s.Pin)
		if err != nil {
			return nil, nil, haltTrigger(trig, err)
		}
		outs[i], _ = s.output(i, pin)
	}
	o, err := NewOutputs(outs)
	if err != nil {
		return nil, nil, haltTrigger(trig, err)
	}
	return trig, o, nil
}

func haltTrigger(t *Trigger, err error) error {
	if t != nil {
		return errors.Join(err, t.Halt())
	}
	return err
}
