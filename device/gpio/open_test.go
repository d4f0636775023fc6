package gpio

import (
	"errors"
	"strings"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
)

func fakeBoard(pins ...*gpiotest.Pin) Lookup {
	return func(name string) gpio.PinIO {
		for _, p := range pins {
			if p.N == name {
				return p
			}
		}
		return nil
	}
}

func TestOpen(t *testing.T) {
	in := &gpiotest.Pin{N: "GPIO17", EdgesChan: make(chan gpio.Level, 1)}
	out := &gpiotest.Pin{N: "GPIO27", L: gpio.High}
	c := Config{
		Trigger: &TriggerSpec{Pin: "GPIO17", Edge: "rising", Pull: "down"},
		Outputs: []OutputSpec{{Pin: "GPIO27", Class: "7", Mode: "pulse"}},
	}
	trig, outs, err := Open(c, fakeBoard(in, out))
	if err != nil {
		t.Fatal(err)
	}
	if trig == nil || trig.cfg.Edge != gpio.RisingEdge || trig.cfg.Debounce != 50*time.Millisecond {
		t.Fatalf("trigger %+v", trig)
	}
	if in.Pull() != gpio.PullDown {
		t.Errorf("trigger pull %v, want down", in.Pull())
	}
	if out.Read() != gpio.Low {
		t.Error("output not driven inactive at start")
	}
	if got := outs.outs[0]; got.Mode != Pulse || got.Hold != 500*time.Millisecond {
		t.Errorf("output %+v: want pulse with the 500ms default hold", got)
	}
}

func TestOpenMissingPin(t *testing.T) {
	c := Config{Outputs: []OutputSpec{{Pin: "GPIO99", Class: "1"}}}
	_, _, err := Open(c, fakeBoard())
	if !errors.Is(err, ErrNoHardware) {
		t.Fatalf("error %v does not wrap ErrNoHardware", err)
	}
	if !strings.Contains(err.Error(), `gpio.outputs[0].pin: pin "GPIO99"`) {
		t.Errorf("error %q does not name the key and pin", err)
	}
}

func TestConfigValidate(t *testing.T) {
	bad := Config{
		Trigger: &TriggerSpec{Pin: "GPIO17", Edge: "up"},
		Outputs: []OutputSpec{
			{Pin: "GPIO1", Class: "1", Mode: "blink"},
			{Pin: "", Class: "2"},
			{Pin: "GPIO3", Class: "3", MinScore: 2},
		},
	}
	err := bad.Validate()
	if err == nil {
		t.Fatal("bad config accepted")
	}
	for _, key := range []string{"gpio.trigger.edge", "gpio.outputs[0].mode", "gpio.outputs[1].pin", "gpio.outputs[2].min_score"} {
		if !strings.Contains(err.Error(), key) {
			t.Errorf("error does not name %s:\n%v", key, err)
		}
	}
	if (Config{}).Enabled() {
		t.Error("empty config enabled")
	}
}

// On a machine without GPIO the host drivers load and no pin is found.
func TestHostLookupWithoutHardware(t *testing.T) {
	lookup, err := HostLookup()
	if err != nil {
		t.Skipf("periph host drivers: %v", err)
	}
	_, _, err = Open(Config{Outputs: []OutputSpec{{Pin: "SLICED_NO_SUCH_PIN", Class: "1"}}}, lookup)
	if !errors.Is(err, ErrNoHardware) {
		t.Fatalf("error %v does not wrap ErrNoHardware", err)
	}
}
