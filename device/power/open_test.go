package power

import (
	"errors"
	"strings"
	"testing"

	"periph.io/x/conn/v3/i2c/i2ctest"
)

func TestConfigValidate(t *testing.T) {
	for key, c := range map[string]Config{
		"power.sensor":     {Sensor: "ina226"},
		"power.address":    {Sensor: "ina219", Address: 0x90},
		"power.channel":    {Sensor: "ina3221", Channel: 5},
		"power.shunt_ohms": {Sensor: "ina219", ShuntOhms: -1},
		"power.interval":   {Sensor: "ina219", Interval: 1},
	} {
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%+v: error %v does not name %s", c, err, key)
		}
	}
	if err := (Config{Sensor: "ina3221"}).Validate(); err != nil {
		t.Errorf("defaults rejected: %v", err)
	}
}

func TestNewSensorFromConfig(t *testing.T) {
	bus := &i2ctest.Playback{Ops: []i2ctest.IO{
		{Addr: 0x41, W: []byte{0xfe}, R: []byte{0x54, 0x49}},
		{Addr: 0x41, W: []byte{0xff}, R: []byte{0x32, 0x20}},
	}, DontPanic: true}
	s, err := NewSensor(Config{Sensor: "ina3221", Address: 0x41, Channel: 3, ShuntOhms: 0.005}, bus)
	if err != nil {
		t.Fatal(err)
	}
	if s.String() != "ina3221@0x41/ch3" {
		t.Errorf("sensor %s", s)
	}
}

// This machine has no such bus: Open reports it as missing hardware.
func TestOpenWithoutHardware(t *testing.T) {
	_, _, err := Open(Config{Sensor: "ina219", Bus: "sliced-no-such-bus"})
	if !errors.Is(err, ErrNoHardware) {
		t.Fatalf("error %v does not wrap ErrNoHardware", err)
	}
	t.Log(err)
}
