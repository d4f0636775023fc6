package evolve

import (
	"math"

	"github.com/sliced-ai/sliced/engine/gemm"
	"github.com/sliced-ai/sliced/engine/knn"
)

// pairs is one query set against the prototypes. Images are indexed in
// one combined list (prototypes first), so a channel array chans[c][i*d:]
// serves every set.
type pairs struct {
	qOff, nq int   // queries are images qOff .. qOff+nq-1
	np       int   // prototypes are images 0 .. np-1
	qLabels  []int // nq
	pLabels  []int // np
	metric   knn.Metric
	// self marks leave-one-out: the queries are the prototypes (qOff 0,
	// nq == np) and no query counts itself as a neighbour.
	self bool
	all  stats // over every current channel
}

// stats is what the k-NN needs to know about a set of channels, and all of
// it adds up over channels: M holds the squared L2 distances (L2) or the
// dot products (cosine) of every query (row) with every prototype; QN and
// PN the squared norms of queries and prototypes.
type stats struct {
	M, QN, PN []float32
}

func newStats(nq, np int) stats {
	return stats{M: make([]float32, nq*np), QN: make([]float32, nq), PN: make([]float32, np)}
}

func (s stats) clone() stats {
	return stats{M: append([]float32(nil), s.M...), QN: append([]float32(nil), s.QN...), PN: append([]float32(nil), s.PN...)}
}

// view is s cut to nq queries and np prototypes (a worker's buffers serve
// both the fitness and the validation queries).
func (s stats) view(nq, np int) stats {
	return stats{M: s.M[:nq*np], QN: s.QN[:nq], PN: s.PN[:np]}
}

// sub subtracts o from s in place.
func (s stats) sub(o stats) {
	subf(s.M, o.M)
	subf(s.QN, o.QN)
	subf(s.PN, o.PN)
}

// add adds o to s in place.
func (s stats) add(o stats) {
	addf(s.M, o.M)
	addf(s.QN, o.QN)
	addf(s.PN, o.PN)
}

// distBuf is one worker's scratch for block.
type distBuf struct {
	q, p []float32
}

// block writes into dst the stats over the channels in chans only. The dot
// products are one matrix multiply; L2 distances follow as
// |q|^2 + |p|^2 - 2 q.p.
func (pr *pairs) block(dst stats, chans [][]float32, d int, b *distBuf) {
	L := len(chans) * d
	if !pr.self {
		b.q = grow(b.q, pr.nq*L)
	}
	b.p = grow(b.p, pr.np*L)
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
	gather(b.p, dst.PN, 0, pr.np)
	q := b.p
	if !pr.self {
		gather(b.q, dst.QN, pr.qOff, pr.nq)
		q = b.q
	} else {
		copy(dst.QN, dst.PN)
	}
	if pr.metric == knn.Cosine {
		gemm.Sgemm(false, true, pr.nq, pr.np, L, 1, q, L, b.p, L, 0, dst.M, pr.np)
		return
	}
	gemm.Sgemm(false, true, pr.nq, pr.np, L, -2, q, L, b.p, L, 0, dst.M, pr.np)
	for i := 0; i < pr.nq; i++ {
		row := dst.M[i*pr.np : (i+1)*pr.np]
		qn := dst.QN[i]
		for j, v := range row {
			v += qn + dst.PN[j]
			if v < 0 { // rounding; true squared distances are never negative
				v = 0
			}
			row[j] = v
		}
	}
}

// knnScore classifies every query by the k nearest prototypes under the
// stats base + delta (delta may be nil) and returns the accuracy and the
// mean share of the k votes that went to the true class. Distances and
// the tie rule (more votes, then the smaller summed distance) are those of
// engine/knn.
func (pr *pairs) knnScore(base stats, delta *stats, k, classes int) (acc, share float64) {
	if pr.self {
		k = min(k, pr.np-1)
	} else {
		k = min(k, pr.np)
	}
	type nb struct {
		d     float32
		label int
	}
	near := make([]nb, 0, k)
	votes := make([]int, classes)
	sums := make([]float64, classes)
	cosine := pr.metric == knn.Cosine
	// For cosine, inverse norms (0 for a zero vector, whose distance to
	// anything is then 1).
	var ipn []float32
	if cosine {
		ipn = append([]float32(nil), base.PN...)
		if delta != nil {
			addf(ipn, delta.PN)
		}
		for j, v := range ipn {
			ipn[j] = invSqrt(v)
		}
	}
	correct, shares := 0, 0
	for i := 0; i < pr.nq; i++ {
		near = near[:0]
		row := base.M[i*pr.np : (i+1)*pr.np]
		var drow []float32
		if delta != nil {
			drow = delta.M[i*pr.np : (i+1)*pr.np]
		}
		var iqn float32
		if cosine {
			q := base.QN[i]
			if delta != nil {
				q += delta.QN[i]
			}
			iqn = invSqrt(q)
		}
		self := -1
		if pr.self {
			self = i
		}
		for j, v := range row {
			if drow != nil {
				v += drow[j]
			}
			if cosine {
				v = 1 - v*iqn*ipn[j]
			}
			if len(near) == k && v >= near[k-1].d || j == self {
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
			if cosine {
				sums[n.label] += float64(n.d)
			} else {
				sums[n.label] += math.Sqrt(float64(max(n.d, 0)))
			}
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

// invSqrt is 1/sqrt(v), or 0 for v <= 0.
func invSqrt(v float32) float32 {
	if v <= 0 {
		return 0
	}
	return float32(1 / math.Sqrt(float64(v)))
}

func subf(a, b []float32) {
	for i, v := range b {
		a[i] -= v
	}
}

func addf(a, b []float32) {
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
