package gpio

import (
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
)

func levels(pins ...*gpiotest.Pin) []gpio.Level {
	var l []gpio.Level
	for _, p := range pins {
		l = append(l, p.Read())
	}
	return l
}

func sameLevels(t *testing.T, step string, got []gpio.Level, want ...gpio.Level) {
	t.Helper()
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s: levels %v, want %v", step, got, want)
		}
	}
}

func TestOutputsLevelPerClass(t *testing.T) {
	p1 := &gpiotest.Pin{N: "GPIO1", L: gpio.High}
	p2 := &gpiotest.Pin{N: "GPIO2", L: gpio.High}
	p3 := &gpiotest.Pin{N: "GPIO3"}
	o, err := NewOutputs([]Output{
		{Pin: p1, Class: "1"},
		{Pin: p2, Class: "2", MinScore: 0.5},
		{Pin: p3, Class: "3", ActiveLow: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	H, L := gpio.High, gpio.Low
	sameLevels(t, "start", levels(p1, p2, p3), L, L, H)
	if err := o.Set("2", 0.9); err != nil {
		t.Fatal(err)
	}
	sameLevels(t, "2 seen", levels(p1, p2, p3), L, H, H)
	if err := o.Set("2", 0.4); err != nil {
		t.Fatal(err)
	}
	sameLevels(t, "2 below min score", levels(p1, p2, p3), L, L, H)
	if err := o.Set("3", 0.1); err != nil {
		t.Fatal(err)
	}
	sameLevels(t, "3 seen", levels(p1, p2, p3), L, L, L)
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	sameLevels(t, "closed", levels(p1, p2, p3), L, L, H)
}

func TestOutputsPulse(t *testing.T) {
	pin := &gpiotest.Pin{N: "GPIO22"}
	o, err := NewOutputs([]Output{{Pin: pin, Class: "7", Mode: Pulse, Hold: 500 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	ms := time.Millisecond
	o.now = fakeClock(t, 0, 100*ms, 400*ms, 800*ms, 950*ms)
	steps := []struct {
		name string
		do   func() error
		want gpio.Level
	}{
		{"7 seen at 0", func() error { return o.Set("7", 1) }, gpio.High},
		{"other class at 100ms", func() error { return o.Set("1", 1) }, gpio.High},
		{"7 again at 400ms extends to 900ms", func() error { return o.Set("7", 1) }, gpio.High},
		{"tick at 800ms", o.Tick, gpio.High},
		{"tick at 950ms ends it", o.Tick, gpio.Low},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := pin.Read(); got != s.want {
			t.Fatalf("%s: pin %v, want %v", s.name, got, s.want)
		}
	}
}

func TestNewOutputsErrors(t *testing.T) {
	pin := &gpiotest.Pin{N: "GPIO6"}
	for name, outs := range map[string][]Output{
		"nil pin":       {{Class: "1"}},
		"no class":      {{Pin: pin}},
		"bad mode":      {{Pin: pin, Class: "1", Mode: Mode(9)}},
		"pulse no hold": {{Pin: pin, Class: "1", Mode: Pulse}},
	} {
		if _, err := NewOutputs(outs); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
