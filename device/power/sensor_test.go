package power

import (
	"math"
	"strings"
	"testing"

	"periph.io/x/conn/v3/i2c/i2ctest"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func sameReading(t *testing.T, got, want Reading) {
	t.Helper()
	if !near(got.BusVolts, want.BusVolts) || !near(got.ShuntVolts, want.ShuntVolts) ||
		!near(got.Amps, want.Amps) || !near(got.Watts, want.Watts) {
		t.Fatalf("reading %+v, want %+v", got, want)
	}
}

// ina219Init is the traffic of NewINA219 at 0x40: write the configuration,
// read it back.
var ina219Init = []i2ctest.IO{
	{Addr: 0x40, W: []byte{0x00, 0x39, 0x9f}},
	{Addr: 0x40, W: []byte{0x00}, R: []byte{0x39, 0x9f}},
}

func TestINA219(t *testing.T) {
	bus := &i2ctest.Playback{Ops: append(append([]i2ctest.IO{}, ina219Init...),
		// 2000 * 10 uV = 20 mV; bus 1250 * 4 mV = 5 V with the conversion-ready bit.
		i2ctest.IO{Addr: 0x40, W: []byte{0x01}, R: []byte{0x07, 0xd0}},
		i2ctest.IO{Addr: 0x40, W: []byte{0x02}, R: []byte{0x27, 0x12}},
		// -2000 * 10 uV: current flowing back.
		i2ctest.IO{Addr: 0x40, W: []byte{0x01}, R: []byte{0xf8, 0x30}},
		i2ctest.IO{Addr: 0x40, W: []byte{0x02}, R: []byte{0x27, 0x10}},
	), DontPanic: true}
	d, err := NewINA219(bus, 0x40, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	r, err := d.Read()
	if err != nil {
		t.Fatal(err)
	}
	sameReading(t, r, Reading{BusVolts: 5, ShuntVolts: 0.02, Amps: 0.2, Watts: 1})
	r, err = d.Read()
	if err != nil {
		t.Fatal(err)
	}
	sameReading(t, r, Reading{BusVolts: 5, ShuntVolts: -0.02, Amps: -0.2, Watts: -1})
	if err := bus.Close(); err != nil {
		t.Fatal(err)
	}
	if d.String() != "ina219@0x40" {
		t.Errorf("name %q", d.String())
	}
}

func TestINA219Overflow(t *testing.T) {
	bus := &i2ctest.Playback{Ops: append(append([]i2ctest.IO{}, ina219Init...),
		i2ctest.IO{Addr: 0x40, W: []byte{0x01}, R: []byte{0x7f, 0xff}},
		i2ctest.IO{Addr: 0x40, W: []byte{0x02}, R: []byte{0x27, 0x13}},
	), DontPanic: true}
	d, err := NewINA219(bus, 0x40, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Read(); err == nil || !strings.Contains(err.Error(), "overflow") {
		t.Fatalf("overflow not reported: %v", err)
	}
}

func TestINA219Absent(t *testing.T) {
	// Something else at 0x40 that ignores the configuration write.
	bus := &i2ctest.Playback{Ops: []i2ctest.IO{
		{Addr: 0x40, W: []byte{0x00, 0x39, 0x9f}},
		{Addr: 0x40, W: []byte{0x00}, R: []byte{0x00, 0x00}},
	}, DontPanic: true}
	if _, err := NewINA219(bus, 0x40, 0.1); err == nil || !strings.Contains(err.Error(), "not an INA219") {
		t.Fatalf("wrong chip accepted: %v", err)
	}
	// Nothing at all: the bus transaction fails.
	if _, err := NewINA219(&i2ctest.Playback{DontPanic: true}, 0x41, 0.1); err == nil {
		t.Fatal("silent bus accepted")
	}
	if _, err := NewINA219(&i2ctest.Playback{DontPanic: true}, 0x40, 0); err == nil {
		t.Fatal("zero shunt accepted")
	}
}

var ina3221IDs = []i2ctest.IO{
	{Addr: 0x40, W: []byte{0xfe}, R: []byte{0x54, 0x49}},
	{Addr: 0x40, W: []byte{0xff}, R: []byte{0x32, 0x20}},
}

func TestINA3221(t *testing.T) {
	bus := &i2ctest.Playback{Ops: append(append([]i2ctest.IO{}, ina3221IDs...),
		// Channel 2: shunt 250 * 40 uV = 10 mV, bus 635 * 8 mV = 5.08 V, both << 3.
		i2ctest.IO{Addr: 0x40, W: []byte{0x03}, R: []byte{0x07, 0xd0}},
		i2ctest.IO{Addr: 0x40, W: []byte{0x04}, R: []byte{0x13, 0xd8}},
	), DontPanic: true}
	d, err := NewINA3221(bus, 0x40, 2, 0.005)
	if err != nil {
		t.Fatal(err)
	}
	r, err := d.Read()
	if err != nil {
		t.Fatal(err)
	}
	sameReading(t, r, Reading{BusVolts: 5.08, ShuntVolts: 0.01, Amps: 2, Watts: 10.16})
	if err := bus.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestINA3221WrongChip(t *testing.T) {
	bus := &i2ctest.Playback{Ops: []i2ctest.IO{
		{Addr: 0x40, W: []byte{0xfe}, R: []byte{0xff, 0xff}},
		{Addr: 0x40, W: []byte{0xff}, R: []byte{0xff, 0xff}},
	}, DontPanic: true}
	if _, err := NewINA3221(bus, 0x40, 1, 0.005); err == nil || !strings.Contains(err.Error(), "not an INA3221") {
		t.Fatalf("wrong chip accepted: %v", err)
	}
	if _, err := NewINA3221(bus, 0x40, 4, 0.005); err == nil {
		t.Fatal("channel 4 accepted")
	}
}
