package serve

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/config"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/metrics"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/pipeline"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/source"
	"github.com/sliced-ai/sliced/device/gpio"
	"github.com/sliced-ai/sliced/device/power"
)

// Board I/O is opened through these, so that tests put periph's fakes
// (gpiotest pins, an i2ctest.Playback bus) behind the daemon's wiring.
var (
	gpioLookup = gpio.HostLookup
	openPower  = power.Open
)

// joulesWindow is how often the energy per inference is recomputed.
var joulesWindow = 10 * time.Second

// outputTick ends pulses of pulse-mode outputs on time.
const outputTick = 10 * time.Millisecond

// hardware is the daemon's board I/O: the GPIO trigger and outputs and the
// power meter. Each part is nil when not configured or not present; the
// methods work on a nil part (and a nil *hardware) by doing nothing.
type hardware struct {
	log    *slog.Logger
	trig   *gpio.Trigger
	gates  []string // sources the trigger gates; empty: all but uploads
	outs   *gpio.Outputs
	meter  *power.Meter
	bus    io.Closer
	powerC power.Config

	edge       atomic.Int64  // unix nanos of the latest accepted trigger edge
	inferences atomic.Uint64 // pipeline results with a label

	m *metrics.Hardware

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// openHardware opens what the gpio: and power: sections ask for. A missing
// board, pin or sensor is logged and leaves that feature off; it never
// stops the daemon.
func openHardware(cfg config.Config, reg prometheus.Registerer, log *slog.Logger) *hardware {
	h := &hardware{log: log, powerC: cfg.Power, m: metrics.NewHardware(reg)}
	if cfg.GPIO.Enabled() {
		h.openGPIO(cfg.GPIO)
	}
	if cfg.Power.Enabled() {
		h.openPower(cfg.Power)
	}
	return h
}

func (h *hardware) openGPIO(c gpio.Config) {
	lookup, err := gpioLookup()
	var trig *gpio.Trigger
	var outs *gpio.Outputs
	if err == nil {
		trig, outs, err = gpio.Open(c, lookup)
	}
	if err != nil {
		h.m.Available.WithLabelValues("gpio").Set(0)
		if errors.Is(err, gpio.ErrNoHardware) {
			h.log.Warn("gpio: hardware absent, trigger and outputs off; gated sources classify every frame", "err", err)
		} else {
			h.log.Error("gpio: not started, trigger and outputs off; gated sources classify every frame", "err", err)
		}
		return
	}
	h.m.Available.WithLabelValues("gpio").Set(1)
	h.trig, h.outs = trig, outs
	if trig == nil {
		h.m.GPIO(nil)
	} else {
		h.m.GPIO(trig.Count)
		h.gates = c.Trigger.Sources
		h.log.Info("gpio: trigger", "pin", trig.String(), "sources", gateNames(h.gates))
	}
	h.log.Info("gpio: outputs", "pins", len(c.Outputs))
}

func gateNames(g []string) any {
	if len(g) == 0 {
		return "all but uploads"
	}
	return g
}

func (h *hardware) openPower(c power.Config) {
	m, bus, err := openPower(c)
	if err != nil {
		h.m.Available.WithLabelValues("power").Set(0)
		if errors.Is(err, power.ErrNoHardware) {
			h.log.Warn("power: sensor absent, power figures off", "err", err)
		} else {
			h.log.Error("power: not started, power figures off", "err", err)
		}
		return
	}
	h.m.Available.WithLabelValues("power").Set(1)
	h.meter, h.bus = m, bus
	h.m.Power(m)
	h.log.Info("power: measuring", "sensor", m.String(), "interval", c.IntervalOrDefault())
}

// start runs the trigger, the output pulses and the meter until stop.
func (h *hardware) start(ctx context.Context) {
	ctx, h.cancel = context.WithCancel(ctx)
	run := func(f func()) {
		h.wg.Add(1)
		go func() { defer h.wg.Done(); f() }()
	}
	if h.trig != nil {
		run(func() {
			_ = h.trig.Run(ctx, func(at time.Time) { h.edge.Store(at.UnixNano()) })
		})
	}
	if h.outs != nil {
		run(func() {
			if err := h.outs.Run(ctx, outputTick); err != nil && ctx.Err() == nil {
				h.m.OutputErrors.Inc()
				h.log.Error("gpio: outputs stopped", "err", err)
			}
		})
	}
	if h.meter != nil {
		run(func() { _ = h.meter.Run(ctx, h.powerC.IntervalOrDefault()) })
		run(func() { h.joulesPerInference(ctx) })
	}
}

// stop ends the goroutines, drives the outputs inactive and frees the pins
// and the bus.
func (h *hardware) stop() {
	if h.cancel == nil {
		return
	}
	h.cancel()
	h.wg.Wait()
	if h.trig != nil {
		_ = h.trig.Halt()
	}
	if h.outs != nil {
		_ = h.outs.Close()
	}
	if h.bus != nil {
		_ = h.bus.Close()
	}
}

// joulesPerInference sets the gauge every window from the energy the meter
// integrated and the pipeline results in that window.
func (h *hardware) joulesPerInference(ctx context.Context) {
	t := time.NewTicker(joulesWindow)
	defer t.Stop()
	mark, n := h.meter.Mark(), h.inferences.Load()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := h.inferences.Load()
		if j, ok := h.meter.Since(mark, now-n); ok {
			h.m.InferenceJoules.Set(j)
		}
		mark, n = h.meter.Mark(), now
	}
}

// result is the pipelines' sink: outputs follow every labelled result.
func (h *hardware) result(r pipeline.Result) {
	if r.Err != nil || r.Answer.Class == "" {
		return
	}
	h.inferences.Add(1)
	if h.outs == nil {
		return
	}
	if err := h.outs.Set(r.Answer.Class, r.Answer.Score); err != nil {
		h.m.OutputErrors.Inc()
		h.log.Debug("gpio: output", "err", err)
	}
}

// gate returns the trigger's gate for one source, or nil when the source
// runs free: a gated source keeps streaming (its watchdog and readiness see
// every frame), but only the first frame captured at or after each edge
// goes on to be classified.
func (h *hardware) gate(sc config.Source) func(source.Frame) bool {
	if h == nil || h.trig == nil || sc.Kind == "upload" {
		return nil
	}
	if len(h.gates) > 0 && !slices.Contains(h.gates, sc.Name) {
		return nil
	}
	skipped := h.m.Gated.WithLabelValues(sc.Name)
	// Edges before this pipeline started were served by its predecessor.
	served := h.edge.Load()
	return func(f source.Frame) bool {
		e := h.edge.Load()
		if e == served || f.Time.UnixNano() < e {
			skipped.Inc()
			return false
		}
		served = e
		return true
	}
}
