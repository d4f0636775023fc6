package knn

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func set2D(metric Metric, k int) *Set {
	s := &Set{K: k, Metric: metric, Dim: 2, Classes: []string{"a", "b"}}
	pts := [][]float32{{0, 0}, {0, 1}, {1, 0}, {10, 10}, {10, 11}, {11, 10}}
	for i, p := range pts {
		s.Vectors = append(s.Vectors, p...)
		s.Labels = append(s.Labels, i/3)
	}
	return s
}

func TestClassifyVotes(t *testing.T) {
	s := set2D(L2, 3)
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	r := NewSearcher(s)
	res, err := r.Classify([]float32{9, 9})
	if err != nil {
		t.Fatal(err)
	}
	if res.Label != 1 || res.Score != 1 || len(res.Neighbors) != 3 {
		t.Fatalf("%+v", res)
	}
	if res.Neighbors[0].Dist > res.Neighbors[1].Dist || res.Neighbors[0].Index != 3 {
		t.Fatalf("neighbours not nearest first: %+v", res.Neighbors)
	}
	// k larger than the set: every prototype votes, 3 to 3, and the tie goes
	// to the class that is nearer in total.
	s.K = 9
	res, _ = NewSearcher(s).Classify([]float32{4, 4})
	if res.Label != 0 || res.Score != 0.5 {
		t.Fatalf("tie-break: %+v", res)
	}
}

func TestCosine(t *testing.T) {
	s := &Set{K: 1, Metric: Cosine, Dim: 2, Classes: []string{"x", "y"},
		Vectors: []float32{1, 0, 0, 5}, Labels: []int{0, 1}}
	res, err := NewSearcher(s).Classify([]float32{0.1, 3})
	if err != nil || res.Label != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	if d := res.Neighbors[0].Dist; d < 0 || d > 0.01 {
		t.Fatalf("cosine distance %v", d)
	}
}

func TestAddRemove(t *testing.T) {
	s := set2D(L2, 1)
	idx, err := s.Add("c", [][]float32{{-5, -5}})
	if err != nil || idx != 2 {
		t.Fatal(idx, err)
	}
	if res, _ := NewSearcher(s).Classify([]float32{-4, -4}); res.Label != 2 {
		t.Fatalf("new class not found: %+v", res)
	}
	if _, err := s.Add("c", [][]float32{{1}}); err == nil {
		t.Fatal("wrong dimension accepted")
	}
	if !s.Remove("a") || s.Remove("a") {
		t.Fatal("remove")
	}
	if got := s.Counts(); len(got) != 2 || got[0] != 3 || got[1] != 1 || s.Classes[1] != "c" {
		t.Fatalf("counts %v classes %v", got, s.Classes)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidate(t *testing.T) {
	s := set2D(L2, 3)
	s.Labels[0] = 7
	if s.Validate() == nil {
		t.Error("label out of range accepted")
	}
	s = set2D(Metric(9), 3)
	if s.Validate() == nil {
		t.Error("unknown metric accepted")
	}
	if _, err := NewSearcher(set2D(L2, 3)).Classify([]float32{1}); err == nil {
		t.Error("short query accepted")
	}
}

func TestKernelVote(t *testing.T) {
	// One "b" prototype right at the query outweighs two farther "a" ones,
	// which a majority vote would follow.
	s := &Set{K: 3, Metric: L2, Vote: Kernel, Dim: 1, Classes: []string{"a", "b"},
		Vectors: []float32{3, -3, 0.1}, Labels: []int{0, 0, 1}}
	res, err := NewSearcher(s).Classify([]float32{0})
	if err != nil || res.Label != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	if res.Score < 0.9 || res.Score > 1 {
		t.Fatalf("score %v", res.Score)
	}
	s.Vote = Majority
	if res, _ := NewSearcher(s).Classify([]float32{0}); res.Label != 0 || res.Score < 0.66 || res.Score > 0.67 {
		t.Fatalf("majority: %+v", res)
	}
	s.Vote = Vote(7)
	if s.Validate() == nil {
		t.Fatal("unknown vote accepted")
	}
}

// The search over the transposed, padded prototypes finds the brute-force
// k nearest for counts around the padding block, dimensions that leave
// tails in every kernel, both metrics and k up to past the stack list.
func TestClassifyBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, n := range []int{1, 5, 31, 32, 33, 300, 301} {
		for _, dim := range []int{1, 3, 24, 33} {
			for _, metric := range []Metric{L2, Cosine} {
				for _, k := range []int{1, 9, 40} {
					s := &Set{K: k, Metric: metric, Dim: dim, Classes: []string{"a", "b", "c"}}
					for i := 0; i < n; i++ {
						for j := 0; j < dim; j++ {
							s.Vectors = append(s.Vectors, float32(rng.NormFloat64()))
						}
						s.Labels = append(s.Labels, rng.IntN(3))
					}
					q := make([]float32, dim)
					for j := range q {
						q[j] = float32(rng.NormFloat64())
					}
					res, err := NewSearcher(s).Classify(q)
					if err != nil {
						t.Fatal(err)
					}
					type nb struct {
						i int
						d float64
					}
					var all []nb
					for i := 0; i < n; i++ {
						all = append(all, nb{i, Distance(metric, q, s.Vectors[i*dim:(i+1)*dim])})
					}
					slices.SortStableFunc(all, func(a, b nb) int { return cmp.Compare(a.d, b.d) })
					if len(res.Neighbors) != min(k, n) {
						t.Fatalf("n=%d dim=%d %v k=%d: %d neighbours", n, dim, metric, k, len(res.Neighbors))
					}
					for j, got := range res.Neighbors {
						want := all[j]
						if got.Index != want.i || got.Label != s.Labels[want.i] || math.Abs(float64(got.Dist)-want.d) > 1e-4*(1+want.d) {
							t.Fatalf("n=%d dim=%d %v k=%d: neighbour %d is %+v, brute force %d at %v", n, dim, metric, k, j, got, want.i, want.d)
						}
					}
				}
			}
		}
	}
}

// Changing the prototypes without Prepare is refused, not answered from
// stale derived values.
func TestClassifyUnprepared(t *testing.T) {
	s := set2D(L2, 1)
	r := NewSearcher(s)
	s.Vectors = append(s.Vectors, 5, 5)
	s.Labels = append(s.Labels, 0)
	if _, err := r.Classify([]float32{5, 5}); err == nil {
		t.Fatal("stale set answered")
	}
	s.Prepare()
	if res, err := r.Classify([]float32{5, 5}); err != nil || res.Neighbors[0].Index != 6 {
		t.Fatalf("%+v %v", res, err)
	}
}

func TestSearchAllocatesNothing(t *testing.T) {
	s := set2D(L2, 3)
	s.Vote = Kernel
	r := NewSearcher(s)
	q := []float32{1, 1}
	if n := testing.AllocsPerRun(20, func() { r.Classify(q) }); n != 0 {
		t.Fatalf("%v allocations a search", n)
	}
}
