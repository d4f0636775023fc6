package prototypes

import (
	"math/rand/v2"
)

// KMeans clusters the n rows of x (n x d) into k centroids with k-means++
// seeding and Lloyd iterations; deterministic for a seed. With n <= k every
// row is its own centroid.
func KMeans(x []float32, n, d, k, iters int, seed uint64) []float32 {
	if n <= k {
		return append([]float32(nil), x[:n*d]...)
	}
	rng := rand.New(rand.NewPCG(seed, 0xc105e5))
	cent := make([]float32, 0, k*d)
	first := rng.IntN(n)
	cent = append(cent, x[first*d:(first+1)*d]...)
	dist := make([]float64, n)
	for i := range dist {
		dist[i] = sqDist(x[i*d:(i+1)*d], cent[:d])
	}
	for len(cent) < k*d {
		var total float64
		for _, v := range dist {
			total += v
		}
		pick := n - 1
		r := rng.Float64() * total
		for i, v := range dist {
			if r -= v; r <= 0 {
				pick = i
				break
			}
		}
		c := x[pick*d : (pick+1)*d]
		cent = append(cent, c...)
		for i := range dist {
			dist[i] = min(dist[i], sqDist(x[i*d:(i+1)*d], c))
		}
	}
	assign := make([]int, n)
	sums := make([]float64, k*d)
	counts := make([]int, k)
	for it := 0; it < iters; it++ {
		changed := 0
		for i := 0; i < n; i++ {
			row := x[i*d : (i+1)*d]
			best, bd := 0, sqDist(row, cent[:d])
			for c := 1; c < k; c++ {
				if dd := sqDist(row, cent[c*d:(c+1)*d]); dd < bd {
					best, bd = c, dd
				}
			}
			if assign[i] != best || it == 0 {
				changed++
			}
			assign[i] = best
		}
		clear(sums)
		clear(counts)
		for i := 0; i < n; i++ {
			c := assign[i]
			counts[c]++
			for j, v := range x[i*d : (i+1)*d] {
				sums[c*d+j] += float64(v)
			}
		}
		for c := 0; c < k; c++ {
			if counts[c] == 0 {
				continue // keep an empty cluster's centroid where it was
			}
			for j := 0; j < d; j++ {
				cent[c*d+j] = float32(sums[c*d+j] / float64(counts[c]))
			}
		}
		if changed == 0 {
			break
		}
	}
	return cent
}

func sqDist(a, b []float32) float64 {
	var s float32
	for i, v := range a {
		e := v - b[i]
		s += e * e
	}
	return float64(s)
}
