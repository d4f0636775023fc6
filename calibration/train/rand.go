package train

// fastRand is a SplitMix64 generator: cheap to seed per image and per
// layer, which keeps dropout masks independent of how a batch is split
// among workers.
type fastRand struct{ s uint64 }

func newFastRand(keys ...uint64) fastRand {
	r := fastRand{0x9e3779b97f4a7c15}
	for _, k := range keys {
		r.s ^= k
		r.next()
	}
	return r
}

func (r *fastRand) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// float32 is uniform in [0, 1).
func (r *fastRand) float32() float32 {
	return float32(r.next()>>40) / (1 << 24)
}
