package evolve

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/sliced-ai/sliced/engine/knn"
	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models"
)

func randomStack(t *testing.T, top models.Topology, seed uint64) nn.Stack {
	t.Helper()
	s := models.ConvStack(top)
	r := rand.New(rand.NewPCG(seed, 1))
	for i := range s.Layers {
		for j := range s.Layers[i].W {
			s.Layers[i].W[j] = float32(r.NormFloat64() * 0.3)
		}
		for j := range s.Layers[i].B {
			s.Layers[i].B[j] = float32(r.NormFloat64() * 0.1)
		}
	}
	return s
}

func randomImages(n, size int, seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, 2))
	x := make([]float32, n*size)
	for i := range x {
		x[i] = r.Float32()
	}
	return x
}

// The per-filter fast path must give exactly the features the plain layer
// stack gives, stage by stage, for both topologies.
func TestFilterOutputsMatchRunner(t *testing.T) {
	for _, top := range []models.Topology{models.A, models.B} {
		s := randomStack(t, top, 1)
		stages, err := stagesOf(&s)
		if err != nil {
			t.Fatal(err)
		}
		const n = 5
		imgs := randomImages(n, s.In.Len(), 3)
		inputs := imgs
		var chans [][]float32
		for si, st := range stages {
			if si > 0 {
				inputs = toCHW(chans, n, stages[si-1].dOut())
			}
			chans = make([][]float32, st.filters)
			for i := range chans {
				chans[i] = make([]float32, n*st.dOut())
			}
			l := s.Layers[st.conv]
			st.filterOutputs(chans, l.W, l.B, st.filters, inputs, n, 2)
		}
		final := toCHW(chans, n, stages[len(stages)-1].dOut())
		r, err := nn.NewRunner(&s)
		if err != nil {
			t.Fatal(err)
		}
		dim := r.Out().Len()
		for i := 0; i < n; i++ {
			want, _ := r.Forward(imgs[i*s.In.Len() : (i+1)*s.In.Len()])
			got := final[i*dim : (i+1)*dim]
			for j := range want {
				if d := math.Abs(float64(got[j] - want[j])); d > 1e-4*(1+math.Abs(float64(want[j]))) {
					t.Fatalf("topology %s image %d value %d: fast path %g, layer stack %g", top, i, j, got[j], want[j])
				}
			}
		}
	}
}

// block against the plain definition, on small hand-made channels.
func TestBlockStats(t *testing.T) {
	// 3 images (2 prototypes, 1 query), 2 channels of 2 values each.
	chans := [][]float32{
		{0, 0, 1, 0, 3, 4},
		{1, 1, 0, 2, 0, 0},
	}
	pr := pairs{qOff: 2, nq: 1, np: 2, metric: knn.L2}
	got := newStats(1, 2)
	pr.block(got, chans, 2, &distBuf{})
	// query = (3,4 | 0,0); proto0 = (0,0 | 1,1): 9+16+1+1 = 27;
	// proto1 = (1,0 | 0,2): 4+16+0+4 = 24.
	if !slices.Equal(got.M, []float32{27, 24}) || !slices.Equal(got.QN, []float32{25}) || !slices.Equal(got.PN, []float32{2, 5}) {
		t.Errorf("L2 stats %+v, want distances [27 24], norms [25] and [2 5]", got)
	}
	pr.block(got, chans[:1], 2, &distBuf{})
	if !slices.Equal(got.M, []float32{25, 20}) {
		t.Errorf("channel 0 alone: %v, want [25 20]", got.M)
	}
	pr.metric = knn.Cosine
	pr.block(got, chans, 2, &distBuf{})
	if !slices.Equal(got.M, []float32{0, 3}) {
		t.Errorf("dot products %v, want [0 3]", got.M)
	}
}

// The incremental k-NN must decide exactly as engine/knn does on the
// same features, for both metrics.
func TestKNNScoreMatchesSearcher(t *testing.T) {
	const np, nq, d, nch, classes = 60, 40, 3, 4, 3
	r := rand.New(rand.NewPCG(5, 5))
	chans := make([][]float32, nch)
	for c := range chans {
		chans[c] = make([]float32, (np+nq)*d)
		for i := range chans[c] {
			chans[c][i] = float32(r.NormFloat64())
		}
	}
	labels := make([]int, np+nq)
	for i := range labels {
		labels[i] = r.IntN(classes)
	}
	feats := toCHW(chans, np+nq, d)
	dim := nch * d
	for _, m := range []knn.Metric{knn.L2, knn.Cosine} {
		set := &knn.Set{K: 5, Metric: m, Dim: dim, Vectors: feats[:np*dim], Labels: labels[:np], Classes: []string{"a", "b", "c"}}
		search := knn.NewSearcher(set)
		correct := 0
		for i := np; i < np+nq; i++ {
			res, err := search.Classify(feats[i*dim : (i+1)*dim])
			if err != nil {
				t.Fatal(err)
			}
			if res.Label == labels[i] {
				correct++
			}
		}
		pr := pairs{qOff: np, nq: nq, np: np, qLabels: labels[np:], pLabels: labels[:np], metric: m}
		// The rest from channels 0-1, the delta from channels 2-3.
		rest, delta := newStats(nq, np), newStats(nq, np)
		pr.block(rest, chans[:2], d, &distBuf{})
		pr.block(delta, chans[2:], d, &distBuf{})
		acc, _ := pr.knnScore(rest, &delta, 5, classes)
		if want := float64(correct) / nq; math.Abs(acc-want) > 1e-12 {
			t.Errorf("%v: incremental accuracy %g, engine/knn %g", m, acc, want)
		}
	}
}

func TestKNNScoreVotes(t *testing.T) {
	// One query, five prototypes, k = 3: labels of the three nearest are
	// 1, 1, 0, so the vote is 1 with a share of 2/3 for the true label 1.
	pr := pairs{nq: 1, np: 5, qLabels: []int{1}, pLabels: []int{0, 1, 1, 0, 2}, metric: knn.L2}
	base := stats{M: []float32{3, 1, 2, 9, 8}}
	acc, share := pr.knnScore(base, nil, 3, 3)
	if acc != 1 || math.Abs(share-2.0/3) > 1e-12 {
		t.Errorf("acc %g share %g, want 1 and 2/3", acc, share)
	}
	// A delta that pushes both label-1 prototypes away flips the vote.
	acc, share = pr.knnScore(base, &stats{M: []float32{0, 10, 10, 0, 0}}, 3, 3)
	if acc != 0 || share != 0 {
		t.Errorf("with delta: acc %g share %g, want 0 and 0", acc, share)
	}
}

// Leave-one-out must decide as engine/knn does for each prototype
// classified by a set that lacks it.
func TestLeaveOneOutMatchesSearcher(t *testing.T) {
	const np, d, nch, classes, k = 50, 3, 4, 3, 5
	r := rand.New(rand.NewPCG(7, 7))
	chans := make([][]float32, nch)
	for c := range chans {
		chans[c] = make([]float32, np*d)
		for i := range chans[c] {
			chans[c][i] = float32(r.NormFloat64())
		}
	}
	labels := make([]int, np)
	for i := range labels {
		labels[i] = r.IntN(classes)
	}
	feats := toCHW(chans, np, d)
	dim := nch * d
	for _, m := range []knn.Metric{knn.L2, knn.Cosine} {
		correct := 0
		for i := 0; i < np; i++ {
			vecs := slices.Concat(feats[:i*dim], feats[(i+1)*dim:])
			labs := slices.Concat(labels[:i], labels[i+1:])
			set := &knn.Set{K: k, Metric: m, Dim: dim, Vectors: vecs, Labels: labs, Classes: []string{"a", "b", "c"}}
			res, err := knn.NewSearcher(set).Classify(feats[i*dim : (i+1)*dim])
			if err != nil {
				t.Fatal(err)
			}
			if res.Label == labels[i] {
				correct++
			}
		}
		pr := pairs{nq: np, np: np, qLabels: labels, pLabels: labels, metric: m, self: true}
		rest, delta := newStats(np, np), newStats(np, np)
		pr.block(rest, chans[:1], d, &distBuf{})
		pr.block(delta, chans[1:], d, &distBuf{})
		acc, _ := pr.knnScore(rest, &delta, k, classes)
		if want := float64(correct) / np; math.Abs(acc-want) > 1e-12 {
			t.Errorf("%v: leave-one-out accuracy %g, engine/knn without the query %g", m, acc, want)
		}
	}
}
