package power

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestCollectors(t *testing.T) {
	m := NewMeter(&fakeSensor{watts: []float64{2, 4, math.NaN()}})
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tick := 0
	m.now = func() time.Time { return base.Add(time.Duration(tick) * 500 * time.Millisecond) }
	for tick = range 3 {
		_, _ = m.Sample()
	}
	reg := prometheus.NewPedanticRegistry()
	for _, c := range m.Collectors() {
		if err := reg.Register(c); err != nil {
			t.Fatal(err)
		}
	}
	want := `
# HELP sliced_power_energy_joules_total Energy drawn on the measured rail since start.
# TYPE sliced_power_energy_joules_total counter
sliced_power_energy_joules_total{sensor="fake"} 1.5
# HELP sliced_power_read_errors_total Failed reads of the power sensor.
# TYPE sliced_power_read_errors_total counter
sliced_power_read_errors_total{sensor="fake"} 1
# HELP sliced_power_watts Power drawn on the measured rail, latest sample.
# TYPE sliced_power_watts gauge
sliced_power_watts{sensor="fake"} 4
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want)); err != nil {
		t.Fatal(err)
	}
	if problems, err := testutil.GatherAndLint(reg); err != nil || len(problems) > 0 {
		t.Fatalf("lint: %v %v", problems, err)
	}
}
