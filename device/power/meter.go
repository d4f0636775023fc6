package power

import (
	"context"
	"sync"
	"time"
)

// Meter samples a Sensor and integrates its power into energy. Its methods are
// safe for concurrent use: Run samples in one goroutine while the daemon reads
// Watts and Joules from others.
type Meter struct {
	s   Sensor
	now func() time.Time

	mu      sync.Mutex
	last    Reading
	lastAt  time.Time
	joules  float64
	samples uint64
	errs    uint64
	lastErr error
}

// NewMeter wraps s. Nothing is read until Sample or Run.
func NewMeter(s Sensor) *Meter { return &Meter{s: s, now: time.Now} }

// Sample reads the sensor once and adds the energy since the previous sample:
// the mean of the two power readings times the time between them.
func (m *Meter) Sample() (Reading, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, err := m.s.Read()
	now := m.now()
	if err != nil {
		m.errs++
		m.lastErr = err
		// The gap is not integrated: the next good sample starts afresh.
		m.lastAt = time.Time{}
		return r, err
	}
	if !m.lastAt.IsZero() {
		m.joules += (m.last.Watts + r.Watts) / 2 * now.Sub(m.lastAt).Seconds()
	}
	m.last, m.lastAt = r, now
	m.samples++
	return r, nil
}

// Run samples every interval until ctx ends. Read errors are counted (see
// Stats), not returned: a loose wire should not stop the daemon.
func (m *Meter) Run(ctx context.Context, every time.Duration) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		_, _ = m.Sample()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Watts is the latest power reading.
func (m *Meter) Watts() float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.last.Watts
}

// Joules is the energy measured since the first sample.
func (m *Meter) Joules() float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.joules
}

// Stats returns the good samples, the failed reads and the last read error.
func (m *Meter) Stats() (samples, errors uint64, last error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.samples, m.errs, m.lastErr
}

// Mark is a point on the energy counter.
type Mark struct {
	Joules float64
	At     time.Time
}

// Mark returns the energy counter now.
func (m *Meter) Mark() Mark {
	m.mu.Lock()
	defer m.mu.Unlock()
	return Mark{Joules: m.joules, At: m.now()}
}

// Since returns the energy used since mark divided by the inferences run in
// that time, and false when there were none or no energy was measured.
func (m *Meter) Since(mark Mark, inferences uint64) (joulesPerInference float64, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	used := m.joules - mark.Joules
	if inferences == 0 || used <= 0 {
		return 0, false
	}
	return used / float64(inferences), true
}

// String names the sensor.
func (m *Meter) String() string { return m.s.String() }
