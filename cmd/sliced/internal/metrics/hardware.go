package metrics

import "github.com/prometheus/client_golang/prometheus"

// Hardware holds the board I/O metrics. The features' gauge is registered
// at once; a feature's metrics only once it works (GPIO, Power), so that a
// board without it exports none of them.
type Hardware struct {
	Available       *prometheus.GaugeVec   // feature
	Gated           *prometheus.CounterVec // source
	OutputErrors    prometheus.Counter
	InferenceJoules prometheus.Gauge

	reg prometheus.Registerer
}

// NewHardware builds the board I/O metrics and registers the features'
// gauge on reg.
func NewHardware(reg prometheus.Registerer) *Hardware {
	h := &Hardware{
		Available: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "sliced_hardware_available",
			Help: "1 when a configured board feature (gpio, power) is working, 0 when it is off for want of hardware."}, []string{"feature"}),
		Gated: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "sliced_gpio_gated_frames_total",
			Help: "Frames captured while no trigger edge was pending, not classified."}, []string{"source"}),
		OutputErrors: prometheus.NewCounter(prometheus.CounterOpts{Name: "sliced_gpio_output_errors_total",
			Help: "Failed writes to GPIO output pins."}),
		InferenceJoules: prometheus.NewGauge(prometheus.GaugeOpts{Name: "sliced_power_inference_joules",
			Help: "Energy per classified frame over the last window that had any."}),
		reg: reg,
	}
	reg.MustRegister(h.Available)
	return h
}

// GPIO registers the output errors and, when there is a trigger, its
// counts: accepted edges and edges dropped as bounce.
func (h *Hardware) GPIO(trigger func() (accepted, bounced uint64)) {
	h.reg.MustRegister(h.OutputErrors)
	if trigger == nil {
		return
	}
	h.reg.MustRegister(h.Gated,
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "sliced_gpio_trigger_edges_total",
			Help: "Accepted edges of the trigger input."}, func() float64 { a, _ := trigger(); return float64(a) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "sliced_gpio_trigger_bounces_total",
			Help: "Edges of the trigger input dropped as contact bounce."}, func() float64 { _, b := trigger(); return float64(b) }))
}

// PowerMeter is what the power metrics read (a device/power Meter).
type PowerMeter interface {
	String() string  // the sensor, for the sensor label
	Watts() float64  // latest sample
	Joules() float64 // since start
	Stats() (samples, errors uint64, last error)
}

// Power registers m's readings, labelled with its sensor, and the energy
// per inference. Joules per inference in PromQL:
// rate(sliced_power_energy_joules_total[1m]) / rate(sliced_pipeline_frames_total[1m]).
func (h *Hardware) Power(m PowerMeter) {
	labels := prometheus.Labels{"sensor": m.String()}
	h.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "sliced_power_watts", Help: "Power drawn on the measured rail, latest sample.", ConstLabels: labels,
		}, m.Watts),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "sliced_power_energy_joules_total", Help: "Energy drawn on the measured rail since start.", ConstLabels: labels,
		}, m.Joules),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "sliced_power_read_errors_total", Help: "Failed reads of the power sensor.", ConstLabels: labels,
		}, func() float64 { _, e, _ := m.Stats(); return float64(e) }),
		h.InferenceJoules)
}
