package gpio

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"periph.io/x/conn/v3/gpio"
)

// Config is the gpio: section of the daemon's configuration.
type Config struct {
	Trigger *TriggerSpec `yaml:"trigger"`
	Outputs []OutputSpec `yaml:"outputs"`
}

// TriggerSpec names the capture trigger input.
type TriggerSpec struct {
	Pin      string        `yaml:"pin"`
	Edge     string        `yaml:"edge"`     // rising, falling (default) or both
	Pull     string        `yaml:"pull"`     // up (default), down or none
	Debounce time.Duration `yaml:"debounce"` // default 50ms
	// Sources names the daemon's frame sources the trigger gates; empty:
	// every source that reads frames on its own (not uploads).
	Sources []string `yaml:"sources"`
}

// OutputSpec names one result output.
type OutputSpec struct {
	Pin       string        `yaml:"pin"`
	Class     string        `yaml:"class"`
	Mode      string        `yaml:"mode"` // level (default) or pulse
	Hold      time.Duration `yaml:"hold"` // pulse length, default 500ms
	MinScore  float32       `yaml:"min_score"`
	ActiveLow bool          `yaml:"active_low"`
}

// Enabled reports whether the section asks for any pin.
func (c Config) Enabled() bool { return c.Trigger != nil || len(c.Outputs) > 0 }

// Validate checks every key and names the bad ones.
func (c Config) Validate() error {
	var errs []error
	if c.Trigger != nil {
		if _, err := c.Trigger.config(); err != nil {
			errs = append(errs, err)
		}
	}
	for i, o := range c.Outputs {
		if _, err := o.output(i, nil); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (s TriggerSpec) config() (TriggerConfig, error) {
	cfg := TriggerConfig{Edge: gpio.FallingEdge, Pull: gpio.PullUp, Debounce: 50 * time.Millisecond}
	if strings.TrimSpace(s.Pin) == "" {
		return cfg, fmt.Errorf("gpio.trigger.pin: empty")
	}
	switch s.Edge {
	case "", "falling":
	case "rising":
		cfg.Edge = gpio.RisingEdge
	case "both":
		cfg.Edge = gpio.BothEdges
	default:
		return cfg, fmt.Errorf("gpio.trigger.edge: %q is not rising, falling or both", s.Edge)
	}
	switch s.Pull {
	case "", "up":
	case "down":
		cfg.Pull = gpio.PullDown
	case "none":
		cfg.Pull = gpio.Float
	default:
		return cfg, fmt.Errorf("gpio.trigger.pull: %q is not up, down or none", s.Pull)
	}
	switch {
	case s.Debounce < 0:
		return cfg, fmt.Errorf("gpio.trigger.debounce: %v is negative", s.Debounce)
	case s.Debounce > 0:
		cfg.Debounce = s.Debounce
	}
	return cfg, nil
}

func (s OutputSpec) output(i int, pin gpio.PinOut) (Output, error) {
	key := fmt.Sprintf("gpio.outputs[%d]", i)
	o := Output{Pin: pin, Class: s.Class, Hold: 500 * time.Millisecond, MinScore: s.MinScore, ActiveLow: s.ActiveLow}
	switch {
	case strings.TrimSpace(s.Pin) == "":
		return o, fmt.Errorf("%s.pin: empty", key)
	case s.Class == "":
		return o, fmt.Errorf("%s.class: empty", key)
	case s.Hold < 0:
		return o, fmt.Errorf("%s.hold: %v is negative", key, s.Hold)
	case s.MinScore < 0 || s.MinScore > 1:
		return o, fmt.Errorf("%s.min_score: %v is not in [0, 1]", key, s.MinScore)
	}
	if s.Hold > 0 {
		o.Hold = s.Hold
	}
	switch s.Mode {
	case "", "level":
		o.Mode = Level
	case "pulse":
		o.Mode = Pulse
	default:
		return o, fmt.Errorf("%s.mode: %q is not level or pulse", key, s.Mode)
	}
	return o, nil
}
