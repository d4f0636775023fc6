package power

import (
	"errors"
	"fmt"
	"io"
	"time"

	"periph.io/x/conn/v3/i2c"
	"periph.io/x/conn/v3/i2c/i2creg"
	"periph.io/x/host/v3"
)

// ErrNoHardware is wrapped by Open's errors when the bus does not exist or no
// chip answers: the daemon runs without power figures and says why.
var ErrNoHardware = errors.New("no power sensor on this machine")

// Config is the power: section of the daemon's configuration.
type Config struct {
	Sensor    string        `yaml:"sensor"`     // ina219 or ina3221
	Bus       string        `yaml:"bus"`        // periph I2C bus name or number; empty: the first
	Address   uint16        `yaml:"address"`    // default 0x40
	Channel   int           `yaml:"channel"`    // INA3221 channel, default 1
	ShuntOhms float64       `yaml:"shunt_ohms"` // default 0.1
	Interval  time.Duration `yaml:"interval"`   // sampling period, default 10ms
}

// Enabled reports whether a sensor is configured.
func (c Config) Enabled() bool { return c.Sensor != "" }

// withDefaults fills the unset keys and checks the rest, naming bad keys.
func (c Config) withDefaults() (Config, error) {
	if c.Address == 0 {
		c.Address = 0x40
	}
	if c.Channel == 0 {
		c.Channel = 1
	}
	if c.ShuntOhms == 0 {
		c.ShuntOhms = 0.1
	}
	if c.Interval == 0 {
		c.Interval = 10 * time.Millisecond
	}
	switch {
	case c.Sensor != "ina219" && c.Sensor != "ina3221":
		return c, fmt.Errorf("power.sensor: %q is not ina219 or ina3221", c.Sensor)
	case c.Address < 0x03 || c.Address > 0x77:
		return c, fmt.Errorf("power.address: %#x is not a 7-bit I2C device address", c.Address)
	case c.Channel < 1 || c.Channel > 3:
		return c, fmt.Errorf("power.channel: %d: want 1, 2 or 3", c.Channel)
	case !(c.ShuntOhms > 0 && c.ShuntOhms < 100):
		return c, fmt.Errorf("power.shunt_ohms: %v: want a value in (0, 100)", c.ShuntOhms)
	case c.Interval < time.Millisecond:
		return c, fmt.Errorf("power.interval: %v: want at least 1ms", c.Interval)
	}
	return c, nil
}

// Validate checks the keys.
func (c Config) Validate() error {
	_, err := c.withDefaults()
	return err
}

// NewSensor sets up the configured chip on bus.
func NewSensor(c Config, bus i2c.Bus) (Sensor, error) {
	c, err := c.withDefaults()
	if err != nil {
		return nil, err
	}
	if c.Sensor == "ina219" {
		return NewINA219(bus, c.Address, c.ShuntOhms)
	}
	return NewINA3221(bus, c.Address, c.Channel, c.ShuntOhms)
}

// Open opens the configured bus through periph's host drivers and returns a
// Meter on its sensor, and the bus to close when done. Run the meter with
// c.IntervalOrDefault().
func Open(c Config) (*Meter, io.Closer, error) {
	c, err := c.withDefaults()
	if err != nil {
		return nil, nil, err
	}
	if _, err := host.Init(); err != nil {
		return nil, nil, fmt.Errorf("power: periph host drivers: %w", err)
	}
	bus, err := i2creg.Open(c.Bus)
	if err != nil {
		return nil, nil, fmt.Errorf("power.bus %q: %w: %v (is i2c-dev loaded, /dev/i2c-* present?)", c.Bus, ErrNoHardware, err)
	}
	s, err := NewSensor(c, bus)
	if err != nil {
		_ = bus.Close()
		return nil, nil, fmt.Errorf("power: %w: %v", ErrNoHardware, err)
	}
	return NewMeter(s), bus, nil
}

// IntervalOrDefault is the sampling period with the default applied.
func (c Config) IntervalOrDefault() time.Duration {
	c, _ = c.withDefaults()
	return c.Interval
}
