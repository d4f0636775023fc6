package serve

import (
	"log/slog"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/config"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/metrics"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/pipeline"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/nn"
)

// backendSet is the loaded backends and the route they make.
type backendSet struct {
	byName map[string]backend.Backend
	route  *pipeline.Route
}

// loadBackends builds sliced, the configured extra backends, the primary
// and the compare backend. A primary that cannot load is replaced by
// sliced (logged and counted as a fallback); the daemon always serves.
func loadBackends(c config.Config, reg *backend.Registry, current func() *engine.Engine, m *metrics.Metrics, log *slog.Logger) *backendSet {
	sliced := backend.NewSliced(current)
	sliced.SetUnknownScale(c.UnknownScale)
	sliced.SetUnknownViews(c.UnknownViews)
	if algo, err := nn.ParseConvAlgo(c.Conv); err == nil { // Validate named a bad one
		sliced.SetConv(algo)
	}
	set := &backendSet{byName: map[string]backend.Backend{"sliced": sliced}}
	m.BackendInfo.Reset()
	m.BackendInfo.WithLabelValues("sliced", "cpu", current().Name, string(backend.Loaded)).Set(1)
	log.Info("backend", "name", "sliced", "state", backend.Loaded, "device", "cpu", "model", current().Name)

	wanted := append([]config.Backend(nil), c.Backends...)
	has := func(name string) bool {
		for _, b := range wanted {
			if b.Name == name {
				return true
			}
		}
		return name == "sliced"
	}
	for _, name := range []string{c.Backend, c.Compare.Backend} {
		if name != "" && !has(name) {
			wanted = append(wanted, config.Backend{Name: name})
		}
	}
	for _, bc := range wanted {
		if bc.Name == "sliced" {
			continue
		}
		b, err := reg.New(backend.Options{Name: bc.Name, Device: bc.Device, Model: bc.Model, Engine: current, LoadEngine: engine.Load})
		state := backend.StateOf(err)
		device, model := bc.Device, bc.Model
		if b != nil {
			info := b.Info()
			device, model = info.Device, info.Model
			set.byName[bc.Name] = b
		}
		m.BackendInfo.WithLabelValues(bc.Name, device, model, string(state)).Set(1)
		if err != nil {
			log.Warn("backend", "name", bc.Name, "state", state, "err", err)
		} else {
			log.Info("backend", "name", bc.Name, "state", state, "device", device, "model", model)
		}
	}
	route := &pipeline.Route{Primary: sliced}
	if p, ok := set.byName[c.Backend]; ok && c.Backend != "sliced" {
		route.Primary, route.Fallback = p, sliced
	} else if c.Backend != "sliced" {
		m.Fallbacks.WithLabelValues(c.Backend).Inc()
		log.Warn("primary backend unavailable, the sliced engine answers instead", "backend", c.Backend)
	}
	if cb, ok := set.byName[c.Compare.Backend]; ok {
		route.Compare, route.Every = cb, c.Compare.Every
	}
	set.route = route
	return set
}

func (s *backendSet) close() {
	for _, b := range s.byName {
		b.Close()
	}
}
