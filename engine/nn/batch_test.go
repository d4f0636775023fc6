package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// ForwardBatch gives what Forward gives image by image: on the paper's
// stacks (batched where im2col has a vector kernel), on random stacks
// (odd shapes, kernels of 1 to 4, pools of 3, dense heads: some batched,
// some not), for batches shorter than, equal to and longer than a chunk.
func TestForwardBatchMatchesForward(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 21))
	stacks := map[string]*Stack{"A": paperStack(rng, false, false), "B": paperStack(rng, true, false), "B+head": paperStack(rng, true, true)}
	for i := 0; i < 40; i++ {
		stacks[fmt.Sprint("random", i)] = randomStack(rng)
	}
	for name, s := range stacks {
		r, err := NewRunner(s)
		if err != nil {
			t.Fatal(err)
		}
		one, err := NewRunner(s)
		if err != nil {
			t.Fatal(err)
		}
		inLen, outLen := s.In.Len(), r.Out().Len()
		for _, n := range []int{1, 3, BatchChunk, 2*BatchChunk + 5} {
			in := randSlice(rng, n*inLen)
			got, err := r.ForwardBatch(in, n)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != n*outLen {
				t.Fatalf("%s n=%d: %d values, want %d", name, n, len(got), n*outLen)
			}
			for i := 0; i < n; i++ {
				want, _ := one.Forward(in[i*inLen : (i+1)*inLen])
				if at, ok := closeTo(got[i*outLen:(i+1)*outLen], want); !ok {
					t.Fatalf("%s (batched %v) n=%d image %d: value %d is %v, want %v", name, r.Batched(), n, i, at, got[i*outLen+at], want[at])
				}
			}
		}
	}
	if _, err := stacksRunner(t, stacks["B"]).ForwardBatch(make([]float32, 100), 1); err == nil {
		t.Error("a batch of 100 values was taken")
	}
}

func stacksRunner(t *testing.T, s *Stack) *Runner {
	r, err := NewRunner(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// After the first call of a size, a batch allocates nothing.
func TestForwardBatchAllocatesNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(22, 22))
	s := paperStack(rng, true, false)
	r := stacksRunner(t, s)
	in := randSlice(rng, 20*s.In.Len())
	if _, err := r.ForwardBatch(in, 20); err != nil {
		t.Fatal(err)
	}
	if a := testing.AllocsPerRun(5, func() { r.ForwardBatch(in, 20) }); a > 0 {
		t.Errorf("%v allocations a batch", a)
	}
}
