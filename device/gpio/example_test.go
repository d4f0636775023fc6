package gpio_test

import (
	"fmt"

	"periph.io/x/conn/v3/gpio/gpiotest"

	slicedgpio "github.com/sliced-ai/sliced/device/gpio"
)

// A pin per class: on a board the pins come from gpio.Open with HostLookup.
func ExampleOutputs() {
	seven := &gpiotest.Pin{N: "GPIO27"}
	three := &gpiotest.Pin{N: "GPIO22"}
	outs, err := slicedgpio.NewOutputs([]slicedgpio.Output{
		{Pin: seven, Class: "7"},
		{Pin: three, Class: "3", MinScore: 0.8},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer outs.Close()
	for _, r := range []struct {
		label string
		score float32
	}{{"7", 0.95}, {"3", 0.6}, {"3", 0.9}} {
		_ = outs.Set(r.label, r.score)
		fmt.Printf("%s %.2f: GPIO27=%v GPIO22=%v\n", r.label, r.score, seven.Read(), three.Read())
	}
	// Output:
	// 7 0.95: GPIO27=High GPIO22=Low
	// 3 0.60: GPIO27=Low GPIO22=Low
	// 3 0.90: GPIO27=Low GPIO22=High
}
