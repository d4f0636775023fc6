package prototypes

import (
	"fmt"
	"sort"

	"github.com/sliced-ai/sliced/engine"
)

// Candidate is one option set tried against a budget.
type Candidate struct {
	Options Options
	Bytes   int     // engine file size
	Acc     float64 // accuracy on the validation images
}

// FitBudget builds every option set, drops those whose engine file exceeds
// budget bytes (0: no limit), scores the rest on the validation images and
// returns the most accurate (the smaller on a tie) with the whole table.
func FitBudget(b *Builder, budget int, grid []Options, valImages []float32, valLabels []int) (*engine.Engine, []Candidate, error) {
	var (
		best     *engine.Engine
		bestC    Candidate
		table    []Candidate
		tooBig   int
		smallest = -1
	)
	for _, o := range grid {
		e, err := b.Build(o)
		if err != nil {
			return nil, nil, fmt.Errorf("%v: %w", o, err)
		}
		size, err := engine.EncodedSize(e)
		if err != nil {
			return nil, nil, err
		}
		if smallest < 0 || size < smallest {
			smallest = size
		}
		if budget > 0 && size > budget {
			tooBig++
			continue
		}
		acc, err := Accuracy(e, valImages, valLabels)
		if err != nil {
			return nil, nil, err
		}
		c := Candidate{Options: o, Bytes: size, Acc: acc}
		table = append(table, c)
		if best == nil || acc > bestC.Acc || (acc == bestC.Acc && size < bestC.Bytes) {
			best, bestC = e, c
		}
	}
	if best == nil {
		return nil, nil, fmt.Errorf("no option set fits %d bytes (the smallest engine tried is %d bytes)", budget, smallest)
	}
	sort.Slice(table, func(i, j int) bool { return table[i].Bytes < table[j].Bytes })
	return best, table, nil
}

// Grid is the cross product of PCA sizes, prototypes per class and k,
// with the other options taken from base (ks may be empty: base.K).
func Grid(base Options, dims, perClass, ks []int) []Options {
	if len(ks) == 0 {
		ks = []int{base.K}
	}
	var out []Options
	for _, d := range dims {
		for _, p := range perClass {
			for _, k := range ks {
				o := base
				o.Dim, o.PerClass, o.K = d, p, k
				out = append(out, o)
			}
		}
	}
	return out
}
