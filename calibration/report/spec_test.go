package report

import (
	"strings"
	"testing"
)

func TestSpecsCoverThePaper(t *testing.T) {
	specs := Specs()
	if len(specs) != len(Networks)*len(Protocols) {
		t.Fatalf("%d specs, want %d", len(specs), len(Networks)*len(Protocols))
	}
	seen := map[string]bool{}
	for _, s := range specs {
		if seen[s.ID()] {
			t.Errorf("duplicate row %s", s.ID())
		}
		seen[s.ID()] = true
		if _, ok := PaperAccuracy(s.Network.ID, s.Protocol.ID); !ok {
			t.Errorf("%s has no paper accuracy", s.ID())
		}
		if _, ok := paperSizes[s.Network.ID]; !ok {
			t.Errorf("%s has no paper size", s.Network.ID)
		}
	}
}

func TestFilter(t *testing.T) {
	got, err := Filter(Specs(), "^B8/4000-1000-5ep$")
	if err != nil || len(got) != 1 || got[0].ID() != "B8/4000-1000-5ep" {
		t.Fatalf("Filter = %v, %v", got, err)
	}
	got, err = Filter(Specs(), "cmaes|pso")
	if err != nil || len(got) != 2*len(Protocols) {
		t.Fatalf("sliced rows: %d, %v", len(got), err)
	}
	if _, err := Filter(Specs(), "("); err == nil {
		t.Error("a bad expression gave no error")
	}
	if _, err := Filter(Specs(), "C99"); err == nil || !strings.Contains(err.Error(), "no row id matches") {
		t.Errorf("no match: %v", err)
	}
}

func TestSizesMatchThePaper(t *testing.T) {
	sizes, err := Sizes()
	if err != nil {
		t.Fatal(err)
	}
	// Exact counts from PAPER.md's reconstruction of the topologies.
	want := map[string]int{"A128": 1199882, "B64": 121930, "B32": 70378, "B16": 44602, "B8": 31714, "sliced-cmaes": 18816, "sliced-pso": 18816}
	for _, s := range sizes {
		if s.Params != want[s.Network.ID] {
			t.Errorf("%s: %d params, want %d", s.Network.ID, s.Params, want[s.Network.ID])
		}
		if s.Float32 != 4*s.Params {
			t.Errorf("%s: float32 size %d", s.Network.ID, s.Float32)
		}
		if !s.Network.Sliced() && s.EngineBytes < s.Float32 {
			t.Errorf("%s: engine file %d bytes is smaller than its weights", s.Network.ID, s.EngineBytes)
		}
	}
}

func TestQuickSettingsDifferFromFull(t *testing.T) {
	full, err := NewRunner(Config{Out: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	quick, err := NewRunner(Config{Out: t.TempDir(), Quick: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Specs() {
		f, q := full.Settings(s), quick.Settings(s)
		if f == q {
			t.Errorf("%s: quick and full settings are equal, so a cached quick row would pass for a full one", s.ID())
		}
		if f.Train != s.Protocol.Train || f.Test != s.Protocol.Test {
			t.Errorf("%s: full run uses %d/%d images", s.ID(), f.Train, f.Test)
		}
		if !s.Network.Sliced() && f.Epochs != s.Protocol.Epochs {
			t.Errorf("%s: %d epochs", s.ID(), f.Epochs)
		}
	}
	if st := full.Settings(Spec{Networks[6], Protocols[0]}); st.Shifts != 8 || st.Metric != "cosine" {
		t.Errorf("PSO on 4000/1000: %+v, want 8 shifted copies and cosine", st)
	}
	sl := full.Settings(Spec{Networks[5], Protocols[1]})
	if sl.FitnessProtos != 3500 || sl.Generations != 30 || sl.Block != 1 || sl.Queries != 0 || sl.Init != "trained" || sl.Epochs != 5 || sl.K != 9 || sl.Shifts != 0 {
		t.Errorf("CMA-ES on 60000/10000: %+v", sl)
	}
}

func TestNewRunnerRejectsBadConfig(t *testing.T) {
	if _, err := NewRunner(Config{}); err == nil {
		t.Error("no output folder accepted")
	}
	if _, err := NewRunner(Config{Out: t.TempDir(), Threads: -1}); err == nil {
		t.Error("negative threads accepted")
	}
}
