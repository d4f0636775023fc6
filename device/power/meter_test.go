package power

import (
	"errors"
	"math"
	"testing"
	"time"
)

// fakeSensor returns the given watts in turn; NaN stands for a failed read.
type fakeSensor struct {
	watts []float64
	i     int
}

func (f *fakeSensor) Read() (Reading, error) {
	w := f.watts[f.i]
	f.i++
	if math.IsNaN(w) {
		return Reading{}, errors.New("bus error")
	}
	return Reading{BusVolts: 5, Amps: w / 5, Watts: w}, nil
}

func (f *fakeSensor) String() string { return "fake" }

func TestMeterIntegrates(t *testing.T) {
	s := &fakeSensor{watts: []float64{1, 3, math.NaN(), 5, 5}}
	m := NewMeter(s)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tick := 0
	m.now = func() time.Time { return base.Add(time.Duration(tick) * time.Second) }

	mark := m.Mark()
	want := []float64{0, 2, 2, 2, 7} // 1 W..3 W over 1 s; the failed read's gap is skipped
	for i, j := range want {
		tick = i
		_, err := m.Sample()
		if (err != nil) != (i == 2) {
			t.Fatalf("sample %d: error %v", i, err)
		}
		if !near(m.Joules(), j) {
			t.Fatalf("after sample %d: %v J, want %v", i, m.Joules(), j)
		}
	}
	if m.Watts() != 5 {
		t.Errorf("watts %v, want 5", m.Watts())
	}
	if got, ok := m.Since(mark, 7); !ok || !near(got, 1) {
		t.Errorf("joules per inference %v %v, want 1", got, ok)
	}
	if _, ok := m.Since(mark, 0); ok {
		t.Error("joules per inference with no inference")
	}
	if n, e, last := m.Stats(); n != 4 || e != 1 || last == nil {
		t.Errorf("stats %d samples %d errors %v", n, e, last)
	}
}
