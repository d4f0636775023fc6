package knn

import (
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
