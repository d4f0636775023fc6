package gemm

// NextAtMost returns the index of the first value of d that is at most
// thr, or len(d) if none is: a vector scan, 16 values a compare, for
// selections such as the k nearest prototypes where most values fail one
// threshold and the few that pass are handled one by one.
func NextAtMost(d []float32, thr float32) int {
	i := 0
	if hasScan && len(d) >= 16 {
		blocks := len(d) / 16
		if j := nextAtMost(&d[0], blocks, thr); j < blocks*16 {
			return j
		}
		i = blocks * 16
	}
	for ; i < len(d); i++ {
		if d[i] <= thr {
			return i
		}
	}
	return len(d)
}
