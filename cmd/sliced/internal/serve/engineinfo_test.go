package serve

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/metrics"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/store"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

// engineVersions are the version labels of sliced_engine_info.
func engineVersions(t *testing.T, reg *prometheus.Registry) []string {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, mf := range mfs {
		if mf.GetName() != "sliced_engine_info" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "version" {
					out = append(out, l.GetValue())
				}
			}
		}
	}
	return out
}

// The engine info metric follows every change of the engine version, one
// series at a time.
func TestEngineInfoVersion(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg)
	if err != nil {
		t.Fatal(err)
	}
	d := &daemon{metrics: m}
	st, err := store.Open(store.Sources{StateDir: t.TempDir(), Default: func() (*engine.Engine, error) { return fixture.Engine(models.B, 1), nil }})
	if err != nil {
		t.Fatal(err)
	}
	d.engineChanged(st.Engine(), st.From(), st.Version())
	st.OnChange = d.engineChanged
	check := func(want string) {
		t.Helper()
		if got := engineVersions(t, reg); len(got) != 1 || got[0] != want {
			t.Fatalf("version labels %v, want [%s]", got, want)
		}
	}
	check("1")
	if _, err := st.Add("x", [][]float32{fixture.Tensor(fixture.Digit(4, 0, 0))}); err != nil {
		t.Fatal(err)
	}
	check("2")
	if _, err := st.Rollback(); err != nil {
		t.Fatal(err)
	}
	check("3")
}
