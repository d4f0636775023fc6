package gemm

import "time"

// peak is a loop of independent multiply-adds that measures the most
// floating-point work one core can do per second with one kernel set's
// instructions.
type peak struct {
	name  string
	run   func(rounds int)
	flops int // per round
}

// Peak measures the one-core ceiling of the instructions Sgemm runs on: a
// loop of independent vector multiply-adds and nothing else, timed in short
// runs over about d, the fastest kept (so that time slices taken by other
// work do not count). It returns GFLOP/s and the kernel set's name. Divide
// a measured rate by it to state a share of the machine's peak.
func Peak(d time.Duration) (gflops float64, kernel string) {
	p := peak{"go", peakGo, 8 * 2}
	for _, q := range peaks() {
		if q.name == active.name {
			p = q
		}
	}
	return measurePeak(p, d), p.name
}

func measurePeak(p peak, d time.Duration) float64 {
	rounds := 1 << 12
	best := time.Duration(1 << 62)
	for end := time.Now().Add(d); ; {
		t0 := time.Now()
		p.run(rounds)
		best = min(best, time.Since(t0))
		if t0.After(end) {
			break
		}
	}
	return float64(rounds*p.flops) / best.Seconds() / 1e9
}

// peakGo is the pure-Go kernel's ceiling: eight independent multiply-add
// chains, as many as the Go tile keeps in flight per value of B.
func peakGo(rounds int) {
	var s0, s1, s2, s3, s4, s5, s6, s7 float32
	x, y := float32(0.999), float32(1e-3)
	for range rounds {
		s0 = s0*x + y
		s1 = s1*x + y
		s2 = s2*x + y
		s3 = s3*x + y
		s4 = s4*x + y
		s5 = s5*x + y
		s6 = s6*x + y
		s7 = s7*x + y
	}
	sink = s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7
}

// sink keeps peakGo's result alive so that the loop is not removed.
var sink float32
