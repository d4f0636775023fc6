package power

import (
	"fmt"

	"periph.io/x/conn/v3/i2c"
)

// INA219 registers and the configuration the driver sets: 32 V bus range,
// +-320 mV shunt range (gain /8), 12-bit conversions, shunt and bus continuous.
const (
	ina219Config  = 0x00
	ina219Shunt   = 0x01
	ina219Bus     = 0x02
	ina219Setting = 0x399f

	ina219ShuntLSB = 10e-6 // volts
	ina219BusLSB   = 4e-3  // volts, in bits 15..3
	ina219OVF      = 1 << 0
)

// INA219 is a single-rail monitor.
type INA219 struct {
	r    reg
	ohms float64
}

// NewINA219 configures the INA219 at addr and checks that it answers.
func NewINA219(bus i2c.Bus, addr uint16, shuntOhms float64) (*INA219, error) {
	if err := checkShunt("ina219", shuntOhms); err != nil {
		return nil, err
	}
	d := &INA219{r: reg{bus, addr}, ohms: shuntOhms}
	if err := d.r.write(ina219Config, ina219Setting); err != nil {
		return nil, fmt.Errorf("ina219: %w", err)
	}
	got, err := d.r.read(ina219Config)
	if err != nil {
		return nil, fmt.Errorf("ina219: %w", err)
	}
	if got != ina219Setting {
		return nil, fmt.Errorf("ina219 at %#02x: configuration reads back %#04x, want %#04x: not an INA219?", addr, got, ina219Setting)
	}
	return d, nil
}

// Read measures the rail.
func (d *INA219) Read() (Reading, error) {
	s, err := d.r.read(ina219Shunt)
	if err != nil {
		return Reading{}, fmt.Errorf("ina219: %w", err)
	}
	b, err := d.r.read(ina219Bus)
	if err != nil {
		return Reading{}, fmt.Errorf("ina219: %w", err)
	}
	if b&ina219OVF != 0 {
		return Reading{}, fmt.Errorf("ina219 at %#02x: overflow: current beyond the shunt range", d.r.addr)
	}
	return reading(float64(b>>3)*ina219BusLSB, float64(int16(s))*ina219ShuntLSB, d.ohms), nil
}

func (d *INA219) String() string { return fmt.Sprintf("ina219@%#02x", d.r.addr) }
