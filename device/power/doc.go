// Package power measures a board's power draw with a TI INA219 or INA3221
// current/voltage monitor on I2C (periph.io), so that sliced can export watts
// and the energy each inference costs.
//
// A Sensor reads one supply rail: bus voltage, shunt voltage, and from the
// shunt resistor the current and power. A Meter samples a Sensor and
// integrates power over time into joules (trapezoid rule), so that
//
//	joules per inference = energy used in a window / inferences in it
//
// which Meter.Since gives in-process, and Prometheus gives as
// rate(sliced_power_energy_joules_total[1m]) / rate(sliced_pipeline_frames_total[1m]).
// Sampling runs in its own goroutine (Meter.Run), at 10 ms by default: an
// inference is shorter than a sample, so per-inference energy is an average
// over many frames, never one frame's.
//
// Sensors:
//
//   - INA219 (breakout boards, usually 0.1 ohm shunt at 0x40): the driver
//     writes the configuration register (32 V range, +-320 mV shunt range,
//     12-bit, continuous) and checks it reads back.
//   - INA3221 (three channels; the Jetson Nano has one at 0x40 on I2C bus 6 for
//     its 5 V input, GPU and CPU rails): the driver checks the manufacturer
//     and die IDs and only reads, because on the Nano the kernel's ina3221x
//     driver owns the configuration. Take the shunt value from the board's
//     device tree (ti,shunt-resistor-mohm).
//
// Drivers take an i2c.Bus and never open hardware themselves; tests replay
// register traffic with periph's i2ctest.Playback. Open opens the configured
// bus through periph's host drivers; a missing bus or a chip that does not
// answer gives an error wrapping ErrNoHardware, and the daemon runs without
// power figures.
//
// Configuration (the power: key of sliced.yaml):
//
//	power:
//	  sensor: ina3221     # or ina219
//	  bus: "6"            # periph bus name or number (/dev/i2c-6)
//	  address: 0x40
//	  channel: 1          # INA3221 only: 1..3
//	  shunt_ohms: 0.005
//	  interval: 10ms
package power
