package power

import (
	"encoding/binary"
	"fmt"

	"periph.io/x/conn/v3/i2c"
)

// Reading is one measurement of a rail.
type Reading struct {
	BusVolts   float64 // load side of the shunt, to ground
	ShuntVolts float64 // across the shunt resistor
	Amps       float64 // ShuntVolts / shunt resistance
	Watts      float64 // BusVolts * Amps
}

// Sensor reads one supply rail. Implementations are not safe for concurrent
// use; a Meter serialises its calls.
type Sensor interface {
	Read() (Reading, error)
	String() string
}

func reading(bus, shunt, ohms float64) Reading {
	amps := shunt / ohms
	return Reading{BusVolts: bus, ShuntVolts: shunt, Amps: amps, Watts: bus * amps}
}

// reg talks 16-bit big-endian registers, as both INA chips do.
type reg struct {
	bus  i2c.Bus
	addr uint16
}

func (r reg) read(n byte) (uint16, error) {
	var b [2]byte
	if err := r.bus.Tx(r.addr, []byte{n}, b[:]); err != nil {
		return 0, fmt.Errorf("read register %#02x at %#02x: %w", n, r.addr, err)
	}
	return binary.BigEndian.Uint16(b[:]), nil
}

func (r reg) write(n byte, v uint16) error {
	w := []byte{n, byte(v >> 8), byte(v)}
	if err := r.bus.Tx(r.addr, w, nil); err != nil {
		return fmt.Errorf("write register %#02x at %#02x: %w", n, r.addr, err)
	}
	return nil
}

func checkShunt(chip string, ohms float64) error {
	if !(ohms > 0 && ohms < 100) {
		return fmt.Errorf("%s: shunt resistance %v ohm: want a value in (0, 100)", chip, ohms)
	}
	return nil
}
