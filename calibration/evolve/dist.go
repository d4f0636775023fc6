package evolve

import (
	"math"

	"github.com/sliced-ai/sliced/engine/gemm"
)

// pairs is one query set against the prototypes: the squared L2 distance
// of every query to every prototype over all current feature channels.
// Images are indexed in one combined list (prototypes first), so a channel
// array chans[c][i*d:] serves every set.
type pairs struct {
	qOff, nq int   // queries are images qOff .. qOff+nq-1
	np       int   // prototypes are images 0 .. np-1
	qLabels  []int // nq
	pLabels  []int // np
	D        []float32
}

// distBuf is one worker's scratch for blockDist.
type distBuf struct {
	q, p, qn, pn []float32
}

// blockDist writes into dst (nq x np) the squared distances over the
// channels in chans only: |q|^2 + |p|^2 - 2 q.p, with the dot products as
// one matrix multiply.
func (pr *pairs) blockDist(dst []float32, chans [][]float32, d int, b *distBuf) {
	L := len(chans) * d
	b.q = grow(b.q, pr.nq*L)
	b.p = grow(b.p, pr.np*L)
	b.qn = grow(b.qn, pr.nq)
	b.pn = grow(b.pn, pr.np)
	gather := func(m, norms []float32, off, n int) {
		for i := 0; i < n; i++ {
			row := m[i*L : (i+1)*L]
			for j, ch := range chans {
				copy(row[j*d:(j+1)*d], ch[(off+i)*d:(off+i+1)*d])
			}
			var s float32
			for _, v := range row {
				s += v * v
			}
			norms[i] = s
		}
	}
	gather(b.q, b.qn, pr.qOff, pr.nq)
	gather(b.p, b.pn, 0, pr.np)
	gemm.Sgemm(false, true, pr.nq, pr.np, L, -2, b.q, L, b.p, L, 0, dst, pr.np)
	for i := 0; i < pr.nq; i++ {
		row := dst[i*pr.np : (i+1)*pr.np]
		qn := b.qn[i]
		for j, v := range row {
			v += qn + b.pn[j]
			if v < 0 { // rounding; true squared distances are never negative
				v = 0
			}
			row[j] = v
		}
	}
}

// knnScore classifies every query by the k nearest prototypes under the
// distances base + delta (delta may be nil) and returns the accuracy and
// the mean share of the k votes that went to the true class. A tie in
// votes goes to the class whose tied voters are nearer in total, as in
// engine/knn.
func (pr *pairs) knnScore(base, delta []float32, k, classes int) (acc, share float64) {
	k = min(k, pr.np)
	type nb struct {
		d     float32
		label int
	}
	near := make([]nb, 0, k)
	votes := make([]int, classes)
	sums := make([]float64, classes)
	correct, shares := 0, 0
	for i := 0; i < pr.nq; i++ {
		near = near[:0]
		row := base[i*pr.np : (i+1)*pr.np]
		var drow []float32
		if delta != nil {
			drow = delta[i*pr.np : (i+1)*pr.np]
		}
		for j, v := range row {
			if drow != nil {
				v += drow[j]
			}
			if len(near) == k && v >= near[k-1].d {
				continue
			}
			if len(near) < k {
				near = append(near, nb{})
			}
			m := len(near) - 1
			for m > 0 && near[m-1].d > v {
				near[m] = near[m-1]
				m--
			}
			near[m] = nb{v, pr.pLabels[j]}
		}
		clear(votes)
		clear(sums)
		for _, n := range near {
			votes[n.label]++
			sums[n.label] += math.Sqrt(float64(max(n.d, 0)))
		}
		best := near[0].label
		for c, v := range votes {
			if v > votes[best] || (v == votes[best] && v > 0 && sums[c] < sums[best]) {
				best = c
			}
		}
		want := pr.qLabels[i]
		if best == want {
			correct++
		}
		shares += votes[want]
	}
	return float64(correct) / float64(pr.nq), float64(shares) / float64(pr.nq*k)
}

// sub subtracts b from a in place (a -= b).
func sub(a, b []float32) {
	for i, v := range b {
		a[i] -= v
	}
}

// add adds b to a in place.
func add(a, b []float32) {
	for i, v := range b {
		a[i] += v
	}
}

func grow(b []float32, n int) []float32 {
	if cap(b) < n {
		return make([]float32, n)
	}
	return b[:n]
}
