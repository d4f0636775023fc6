package power

import "github.com/prometheus/client_golang/prometheus"

// Collectors returns the meter's metrics, labelled with the sensor, for a
// registry the caller owns:
//
//	sliced_power_watts                  latest power reading
//	sliced_power_energy_joules_total    energy since start
//	sliced_power_read_errors_total      failed sensor reads
//
// Joules per inference in PromQL:
// rate(sliced_power_energy_joules_total[1m]) / rate(sliced_pipeline_frames_total[1m]).
func (m *Meter) Collectors() []prometheus.Collector {
	labels := prometheus.Labels{"sensor": m.String()}
	return []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "sliced_power_watts", Help: "Power drawn on the measured rail, latest sample.", ConstLabels: labels,
		}, m.Watts),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "sliced_power_energy_joules_total", Help: "Energy drawn on the measured rail since start.", ConstLabels: labels,
		}, m.Joules),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "sliced_power_read_errors_total", Help: "Failed reads of the power sensor.", ConstLabels: labels,
		}, func() float64 { _, e, _ := m.Stats(); return float64(e) }),
	}
}
