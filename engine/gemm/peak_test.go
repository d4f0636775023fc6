package gemm

import (
	"testing"
	"time"
)

func TestPeak(t *testing.T) {
	g, name := Peak(20 * time.Millisecond)
	if name != Kernel() || !(g > 0.1) {
		t.Errorf("Peak = %g GFLOP/s on %q, want a positive rate on %q", g, name, Kernel())
	}
	t.Logf("%s peak %.1f GFLOP/s", name, g)
	if g, _ := Peak(0); !(g > 0) {
		t.Errorf("Peak(0) = %g, want one measured run", g)
	}
}
