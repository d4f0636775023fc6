package metrics

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

type fakeMeter struct{}

func (fakeMeter) String() string                 { return "fake" }
func (fakeMeter) Watts() float64                 { return 4 }
func (fakeMeter) Joules() float64                { return 1.5 }
func (fakeMeter) Stats() (uint64, uint64, error) { return 2, 1, nil }
func trigger() (accepted, bounced uint64)        { return 3, 7 }

// Names, help, labels and values of the board metrics, and only those of
// the features that work.
func TestHardware(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	h := NewHardware(reg)
	h.Available.WithLabelValues("gpio").Set(1)
	if n, err := testutil.GatherAndCount(reg); err != nil || n != 1 {
		t.Fatalf("%d metrics before any feature, %v; want the available gauge only", n, err)
	}
	h.GPIO(trigger)
	h.Power(fakeMeter{})
	h.Available.WithLabelValues("power").Set(1)
	h.Gated.WithLabelValues("cam").Add(2)
	h.InferenceJoules.Set(0.25)
	want := `
# HELP sliced_gpio_gated_frames_total Frames captured while no trigger edge was pending, not classified.
# TYPE sliced_gpio_gated_frames_total counter
sliced_gpio_gated_frames_total{source="cam"} 2
# HELP sliced_gpio_output_errors_total Failed writes to GPIO output pins.
# TYPE sliced_gpio_output_errors_total counter
sliced_gpio_output_errors_total 0
# HELP sliced_gpio_trigger_bounces_total Edges of the trigger input dropped as contact bounce.
# TYPE sliced_gpio_trigger_bounces_total counter
sliced_gpio_trigger_bounces_total 7
# HELP sliced_gpio_trigger_edges_total Accepted edges of the trigger input.
# TYPE sliced_gpio_trigger_edges_total counter
sliced_gpio_trigger_edges_total 3
# HELP sliced_hardware_available 1 when a configured board feature (gpio, power) is working, 0 when it is off for want of hardware.
# TYPE sliced_hardware_available gauge
sliced_hardware_available{feature="gpio"} 1
sliced_hardware_available{feature="power"} 1
# HELP sliced_power_energy_joules_total Energy drawn on the measured rail since start.
# TYPE sliced_power_energy_joules_total counter
sliced_power_energy_joules_total{sensor="fake"} 1.5
# HELP sliced_power_inference_joules Energy per classified frame over the last window that had any.
# TYPE sliced_power_inference_joules gauge
sliced_power_inference_joules 0.25
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
