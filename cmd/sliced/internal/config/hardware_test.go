package config

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/device/gpio"
	"github.com/sliced-ai/sliced/device/power"
)

func TestHardwareSections(t *testing.T) {
	c, err := Parse([]byte(`
sources: [{name: cam0, kind: device, path: /dev/video0}]
gpio:
  trigger: {pin: GPIO17, edge: rising, debounce: 20ms, sources: [cam0]}
  outputs:
    - {pin: GPIO27, class: "7"}
    - {pin: GPIO22, class: "3", mode: pulse, hold: 200ms, min_score: 0.8}
power: {sensor: ina3221, bus: "6", address: 0x40, channel: 1, shunt_ohms: 0.005}
`))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	want := gpio.TriggerSpec{Pin: "GPIO17", Edge: "rising", Debounce: 20 * time.Millisecond, Sources: []string{"cam0"}}
	if tr := c.GPIO.Trigger; tr == nil || tr.Pin != want.Pin || tr.Edge != want.Edge || tr.Debounce != want.Debounce || len(tr.Sources) != 1 {
		t.Errorf("trigger %+v, want %+v", c.GPIO.Trigger, want)
	}
	if len(c.GPIO.Outputs) != 2 || c.GPIO.Outputs[1].Mode != "pulse" || c.GPIO.Outputs[1].MinScore != 0.8 {
		t.Errorf("outputs %+v", c.GPIO.Outputs)
	}
	if c.Power != (power.Config{Sensor: "ina3221", Bus: "6", Address: 0x40, Channel: 1, ShuntOhms: 0.005}) {
		t.Errorf("power %+v", c.Power)
	}
}

func TestHardwareValidateNamesKey(t *testing.T) {
	c, err := Parse([]byte(`
gpio:
  trigger: {pin: GPIO17, edge: sideways, sources: [nowhere]}
  outputs: [{pin: GPIO27}]
power: {sensor: ina999}
`))
	if err != nil {
		t.Fatal(err)
	}
	err = c.Validate()
	for _, key := range []string{"gpio.trigger.edge", "gpio.trigger.sources[0]", "gpio.outputs[0].class", "power.sensor"} {
		if err == nil || !strings.Contains(err.Error(), "config: "+key+":") {
			t.Errorf("err = %v, want it to name %s", err, key)
		}
	}
	if _, err := Parse([]byte("gpio: {trigger: {pin: GPIO17, edgy: rising}}\n")); err == nil || !strings.Contains(err.Error(), "edgy") {
		t.Errorf("unknown gpio key: %v", err)
	}
}

func TestHardwareFlags(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sliced.yaml")
	os.WriteFile(path, []byte("gpio: {trigger: {pin: GPIO4, debounce: 10ms}}\npower: {sensor: ina219, bus: \"1\"}\n"), 0o644)
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	f := NewFlags(fs)
	err := fs.Parse([]string{"--config", path, "--gpio-trigger", "GPIO17", "--gpio-trigger-edge", "both",
		"--gpio-output", "GPIO27=7", "--gpio-output", "GPIO22=3,mode=pulse,hold=300ms,min_score=0.9,active_low=true",
		"--power-sensor", "ina3221", "--power-address", "0x41", "--power-channel", "2", "--power-shunt-ohms", "0.005", "--power-interval", "20ms"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.LoadWithFlags()
	if err != nil {
		t.Fatal(err)
	}
	if tr := c.GPIO.Trigger; tr.Pin != "GPIO17" || tr.Edge != "both" || tr.Debounce != 10*time.Millisecond {
		t.Errorf("trigger %+v: the flags should win, the file's debounce stay", tr)
	}
	want := gpio.OutputSpec{Pin: "GPIO22", Class: "3", Mode: "pulse", Hold: 300 * time.Millisecond, MinScore: 0.9, ActiveLow: true}
	if len(c.GPIO.Outputs) != 2 || c.GPIO.Outputs[0] != (gpio.OutputSpec{Pin: "GPIO27", Class: "7"}) || c.GPIO.Outputs[1] != want {
		t.Errorf("outputs %+v", c.GPIO.Outputs)
	}
	if c.Power != (power.Config{Sensor: "ina3221", Bus: "1", Address: 0x41, Channel: 2, ShuntOhms: 0.005, Interval: 20 * time.Millisecond}) {
		t.Errorf("power %+v", c.Power)
	}
	fs = flag.NewFlagSet("serve", flag.ContinueOnError)
	f = NewFlags(fs)
	fs.Parse([]string{"--gpio-output", "GPIO27"})
	if _, err := f.LoadWithFlags(); err == nil || !strings.Contains(err.Error(), "--gpio-output") {
		t.Errorf("bad --gpio-output: %v", err)
	}
}
