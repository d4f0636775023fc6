// Package gpio connects sliced to a board's GPIO pins through periph.io: an
// input pin that triggers a capture, and output pins that follow the results.
//
// A Trigger watches one input for an edge (rising, falling or both) and calls
// back once per press; edges closer together than the debounce time after an
// accepted one are contact bounce and are dropped.
//
// Outputs drive pins from results. Each Output names a class and a mode:
//
//   - level: the pin is active while the latest result is that class (a pin
//     per class: a row of LEDs, a relay that sorts parts);
//   - pulse: the pin goes active for Hold each time the class is seen (a
//     buzzer or a counter input: "class X seen").
//
// Results below an output's MinScore do not count. ActiveLow inverts a pin for
// LEDs wired to the supply.
//
// Drivers take a periph gpio.PinIO (or gpio.PinOut) and never open hardware
// themselves, so tests use periph's gpiotest fakes. Open resolves the names
// of a Config on the board (periph host drivers, /dev/gpiochip*). A board
// without GPIO, or a pin name it does not have, gives an error wrapping
// ErrNoHardware: the daemon logs it and runs with the feature off.
//
// Configuration (the gpio: key of sliced.yaml):
//
//	gpio:
//	  trigger: {pin: GPIO17, edge: falling, pull: up, debounce: 50ms, sources: [cam0]}
//	  outputs:
//	    - {pin: GPIO27, class: "7", mode: level}
//	    - {pin: GPIO22, class: "3", mode: pulse, hold: 500ms, min_score: 0.8}
//
// With a trigger, the gated sources (sources:, default every camera and folder
// source) keep streaming, but only the first frame captured after each edge is
// classified; the others are counted in sliced_gpio_gated_frames_total.
//
// Pin names are periph's: GPIO17 on a Raspberry Pi, or a line name of a
// /dev/gpiochip* (gpioinfo lists them; on a Jetson Nano the header pins are
// named after their SoC lines). The service's user needs the gpio group, which
// the systemd unit gives it.
package gpio
