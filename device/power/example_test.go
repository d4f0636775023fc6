package power_test

import (
	"fmt"

	"periph.io/x/conn/v3/i2c/i2ctest"

	"github.com/sliced-ai/sliced/device/power"
)

// On a board the bus comes from power.Open; here a playback of an INA219 that
// reads 5 V and 20 mV across a 0.1 ohm shunt.
func ExampleNewINA219() {
	bus := &i2ctest.Playback{Ops: []i2ctest.IO{
		{Addr: 0x40, W: []byte{0x00, 0x39, 0x9f}},
		{Addr: 0x40, W: []byte{0x00}, R: []byte{0x39, 0x9f}},
		{Addr: 0x40, W: []byte{0x01}, R: []byte{0x07, 0xd0}},
		{Addr: 0x40, W: []byte{0x02}, R: []byte{0x27, 0x12}},
	}}
	d, err := power.NewINA219(bus, 0x40, 0.1)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := d.Read()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s: %.2f V %.3f A %.2f W\n", d, r.BusVolts, r.Amps, r.Watts)
	// Output: ina219@0x40: 5.00 V 0.200 A 1.00 W
}
