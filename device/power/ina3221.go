package power

import (
	"fmt"

	"periph.io/x/conn/v3/i2c"
)

// INA3221 registers: channel n (1..3) has its shunt voltage at 2n-1 and its bus
// voltage at 2n; both hold a signed value in bits 15..3.
const (
	ina3221Manufacturer = 0xfe
	ina3221Die          = 0xff
	ina3221TI           = 0x5449 // "TI"
	ina3221DieID        = 0x3220

	ina3221ShuntLSB = 40e-6 // volts
	ina3221BusLSB   = 8e-3  // volts
)

// INA3221 reads one channel of a three-channel monitor.
type INA3221 struct {
	r       reg
	channel int
	ohms    float64
}

// NewINA3221 checks the chip's IDs at addr. It does not write the
// configuration: on a Jetson the kernel driver owns it.
func NewINA3221(bus i2c.Bus, addr uint16, channel int, shuntOhms float64) (*INA3221, error) {
	if channel < 1 || channel > 3 {
		return nil, fmt.Errorf("ina3221: channel %d: want 1, 2 or 3", channel)
	}
	if err := checkShunt("ina3221", shuntOhms); err != nil {
		return nil, err
	}
	d := &INA3221{r: reg{bus, addr}, channel: channel, ohms: shuntOhms}
	m, err := d.r.read(ina3221Manufacturer)
	if err != nil {
		return nil, fmt.Errorf("ina3221: %w", err)
	}
	die, err := d.r.read(ina3221Die)
	if err != nil {
		return nil, fmt.Errorf("ina3221: %w", err)
	}
	if m != ina3221TI || die != ina3221DieID {
		return nil, fmt.Errorf("ina3221 at %#02x: ids %#04x/%#04x, want %#04x/%#04x: not an INA3221?", addr, m, die, ina3221TI, ina3221DieID)
	}
	return d, nil
}

// Read measures the channel.
func (d *INA3221) Read() (Reading, error) {
	base := byte(2*d.channel - 1)
	s, err := d.r.read(base)
	if err != nil {
		return Reading{}, fmt.Errorf("ina3221: %w", err)
	}
	b, err := d.r.read(base + 1)
	if err != nil {
		return Reading{}, fmt.Errorf("ina3221: %w", err)
	}
	return reading(float64(int16(b)>>3)*ina3221BusLSB, float64(int16(s)>>3)*ina3221ShuntLSB, d.ohms), nil
}

func (d *INA3221) String() string {
	return fmt.Sprintf("ina3221@%#02x/ch%d", d.r.addr, d.channel)
}
