package prototypes

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/sliced-ai/sliced/engine/gemm"
	"github.com/sliced-ai/sliced/engine/knn"
)

// Learned prototypes: a linear projection P (D x d) and M prototypes per
// class, trained together on frozen conv features so that the nearest
// prototypes carry the right label. The loss is the soft nearest-prototype
// loss: with distances d_m = |P f - c_m|^2 and weights w_m = softmax(-g*d),
// minimise -log(sum of w over the true class's prototypes). PCA and k-means
// give the start; a few epochs of Adam then move both, which recovers most
// of the accuracy that condensing 55,000 vectors to a few hundred costs.
//
// That loss alone cares only for differences of distances: prototypes may
// drift far from the data they stand for, every frame is then about as far
// from every prototype, and a real example enrolled later (or a thing never
// seen) is nearer to digits than their own prototypes are. Compact adds
// Compact times the soft minimum distance to the true class's prototypes
// (-log(sum of own w)/g), which keeps every prototype among its data, so
// distances keep their meaning for enrolment and for "unknown".

// LearnOptions configure LearnPrototypes.
type LearnOptions struct {
	Epochs int
	Batch  int
	LR     float64
	Seed   uint64
	// Compact weighs the pull of each sample's own prototypes; 0 is off.
	Compact float64
	// Progress, when set, is called after every epoch with the mean loss.
	Progress func(epoch int, loss float64)
}

// Learned is a trained projection and prototype set.
type Learned struct {
	D, In   int
	P       []float32 // D x In
	Protos  []float32 // M x D
	Labels  []int
	Classes int
}

// LearnPrototypes trains from the starting projection p0 (D x in, e.g.
// PCA) and prototypes c0 (labels lab0) on the n feature rows of feats.
func LearnPrototypes(feats []float32, labels []int, in int, p0 []float32, d int, c0 []float32, lab0 []int, o LearnOptions) (*Learned, error) {
	n := len(labels)
	m := len(lab0)
	if len(p0) != d*in || len(c0) != m*d || len(feats) != n*in || n == 0 || m == 0 {
		return nil, fmt.Errorf("learn: inconsistent sizes (%d features of %d, projection %d, %d prototypes of %d)", n, in, len(p0), m, d)
	}
	if o.Epochs <= 0 {
		o.Epochs = 10
	}
	if o.Batch <= 0 {
		o.Batch = 256
	}
	if o.LR <= 0 {
		o.LR = 1e-3
	}
	L := &Learned{D: d, In: in, P: append([]float32(nil), p0...), Protos: append([]float32(nil), c0...), Labels: lab0}
	for _, l := range lab0 {
		L.Classes = max(L.Classes, l+1)
	}
	// Scale the start so that the mean squared distance to the nearest
	// prototype is about 1: the temperature g then means the same thing
	// whatever the features' scale.
	scale := float32(1 / math.Sqrt(meanNearest(L, feats, min(n, 2000))+1e-12))
	for i := range L.P {
		L.P[i] *= scale
	}
	for i := range L.Protos {
		L.Protos[i] *= scale
	}
	const g = knn.KernelGamma
	optP, optC := newAdam(len(L.P), o.LR), newAdam(len(L.Protos), o.LR)
	rng := rand.New(rand.NewPCG(o.Seed, 0x1ea7))
	workers := runtime.GOMAXPROCS(0)
	for ep := 0; ep < o.Epochs; ep++ {
		perm := rng.Perm(n)
		var total float64
		for b0 := 0; b0 < n; b0 += o.Batch {
			idx := perm[b0:min(n, b0+o.Batch)]
			loss := make([]float64, workers)
			lps, lcs := make([][]float32, workers), make([][]float32, workers)
			var wg sync.WaitGroup
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					lp, lc := make([]float32, len(L.P)), make([]float32, len(L.Protos))
					for j := w; j < len(idx); j += workers {
						i := idx[j]
						loss[w] += L.grad(feats[i*in:(i+1)*in], labels[i], g, o.Compact, lp, lc)
					}
					lps[w], lcs[w] = lp, lc
				}(w)
			}
			wg.Wait()
			// Summed in worker order, so a seed and a core count give the
			// same prototypes every time.
			gP, gC := lps[0], lcs[0]
			for w := 1; w < workers; w++ {
				addInto(gP, lps[w])
				addInto(gC, lcs[w])
			}
			inv := 1 / float32(len(idx))
			for i := range gP {
				gP[i] *= inv
			}
			for i := range gC {
				gC[i] *= inv
			}
			optP.step(L.P, gP)
			optC.step(L.Protos, gC)
			for _, l := range loss {
				total += l
			}
		}
		if o.Progress != nil {
			o.Progress(ep+1, total/float64(n))
		}
	}
	return L, nil
}

// grad adds the loss gradient of one sample to gP and gC and returns the loss.
func (L *Learned) grad(f []float32, y int, g, compact float64, gP, gC []float32) float64 {
	d, m := L.D, len(L.Labels)
	z := make([]float32, d)
	gemm.Sgemm(false, false, d, 1, L.In, 1, L.P, L.In, f, 1, 0, z, 1)
	dist := make([]float64, m)
	lo := math.Inf(1)
	for k := 0; k < m; k++ {
		c := L.Protos[k*d : (k+1)*d]
		var s float64
		for j, v := range z {
			e := float64(v - c[j])
			s += e * e
		}
		dist[k] = s
		lo = min(lo, s)
	}
	var all, own float64
	w := make([]float64, m)
	for k := range dist {
		w[k] = math.Exp(-g * (dist[k] - lo))
		all += w[k]
		if L.Labels[k] == y {
			own += w[k]
		}
	}
	if own == 0 {
		own = 1e-300
	}
	loss := -math.Log(own/all) + compact*(lo-math.Log(own)/g)
	// dLoss/d dist_k = g * (q_k - p_k) + compact * q_k, p the softmax over
	// all prototypes, q over the true class's.
	dz := make([]float32, d)
	for k := range dist {
		coef := -g * w[k] / all
		if L.Labels[k] == y {
			coef += (g + compact) * w[k] / own
		}
		if coef == 0 {
			continue
		}
		c := L.Protos[k*d : (k+1)*d]
		gc := gC[k*d : (k+1)*d]
		for j := range z {
			diff := float32(2*coef) * (z[j] - c[j])
			dz[j] += diff
			gc[j] -= diff
		}
	}
	// gP += dz f^T
	for r, v := range dz {
		if v == 0 {
			continue
		}
		row := gP[r*L.In : (r+1)*L.In]
		for j, x := range f {
			row[j] += v * x
		}
	}
	return loss
}

func meanNearest(L *Learned, feats []float32, n int) float64 {
	d := L.D
	z := make([]float32, d)
	var total float64
	for i := 0; i < n; i++ {
		gemm.Sgemm(false, false, d, 1, L.In, 1, L.P, L.In, feats[i*L.In:(i+1)*L.In], 1, 0, z, 1)
		best := math.Inf(1)
		for k := range L.Labels {
			best = min(best, sqDist(z, L.Protos[k*d:(k+1)*d]))
		}
		total += best
	}
	return total / float64(n)
}

func addInto(dst, src []float32) {
	for i, v := range src {
		dst[i] += v
	}
}

type adam struct {
	m, v []float32
	t    int
	lr   float64
}

func newAdam(n int, lr float64) *adam {
	return &adam{m: make([]float32, n), v: make([]float32, n), lr: lr}
}

func (a *adam) step(w, g []float32) {
	const b1, b2, eps = 0.9, 0.999, 1e-8
	a.t++
	c1 := 1 - math.Pow(b1, float64(a.t))
	c2 := 1 - math.Pow(b2, float64(a.t))
	lr := float32(a.lr * math.Sqrt(c2) / c1)
	for i, gi := range g {
		a.m[i] = b1*a.m[i] + (1-b1)*gi
		a.v[i] = b2*a.v[i] + (1-b2)*gi*gi
		w[i] -= lr * a.m[i] / (float32(math.Sqrt(float64(a.v[i]))) + eps)
	}
}
