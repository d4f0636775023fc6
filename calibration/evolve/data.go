package evolve

import (
	"fmt"

	"github.com/sliced-ai/sliced/calibration/dataset"
)

// Data is what a run sees. Fitness classifies Queries by their nearest
// Protos; with Queries nil it classifies every prototype by the others
// (leave-one-out), which scores on every training image the engine will
// hold instead of a held-out thousand. Val (again against Protos) decides
// whether a block's winner is kept. The test set has no place here: it
// never touches fitness or selection.
type Data struct {
	Protos, Queries, Val *dataset.Set
}

// LeaveOneOut reports whether the fitness classifies the prototypes
// themselves.
func (d Data) LeaveOneOut() bool { return d.Queries == nil }

// SplitTrain divides a training set into prototypes, nQueries fitness
// queries and nVal validation images, deterministically for seed.
// nQueries 0 holds out no queries: the fitness is leave-one-out over the
// prototypes.
func SplitTrain(train *dataset.Set, nQueries, nVal int, seed uint64) (Data, error) {
	if nQueries < 0 || nVal <= 0 {
		return Data{}, fmt.Errorf("evolve: %d fitness queries and %d validation images: queries must not be negative, validation images must be positive", nQueries, nVal)
	}
	if nQueries+nVal >= train.Len()-1 {
		return Data{}, fmt.Errorf("evolve: %d training images leave no prototypes after %d queries and %d validation images", train.Len(), nQueries, nVal)
	}
	rest, val, err := train.Split(nVal, seed)
	if err != nil {
		return Data{}, err
	}
	if nQueries == 0 {
		return Data{Protos: rest, Val: val}, nil
	}
	protos, queries, err := rest.Split(nQueries, seed+1)
	if err != nil {
		return Data{}, err
	}
	return Data{Protos: protos, Queries: queries, Val: val}, nil
}

func (d Data) check() error {
	if d.Protos == nil || d.Val == nil {
		return fmt.Errorf("evolve: prototypes and validation images are both needed")
	}
	if d.LeaveOneOut() && d.Protos.Len() < 2 {
		return fmt.Errorf("evolve: leave-one-out fitness needs at least two prototypes")
	}
	for _, s := range d.sets() {
		if err := s.Validate(); err != nil {
			return err
		}
		if s.Len() == 0 {
			return fmt.Errorf("evolve: an empty image set")
		}
		if s.Shape != d.Protos.Shape {
			return fmt.Errorf("evolve: image shapes %v and %v differ", s.Shape, d.Protos.Shape)
		}
	}
	return nil
}

// combined lays prototypes, queries and validation images end to end, the
// single index every cache uses.
func (d Data) combined() (images []float32, labels []int, classes int) {
	for _, s := range d.sets() {
		images = append(images, s.Images...)
		labels = append(labels, s.Labels...)
		classes = max(classes, len(s.Classes))
	}
	return images, labels, classes
}

// sets are the non-nil sets in index order.
func (d Data) sets() []*dataset.Set {
	if d.LeaveOneOut() {
		return []*dataset.Set{d.Protos, d.Val}
	}
	return []*dataset.Set{d.Protos, d.Queries, d.Val}
}

// LimitProtos keeps n of the fitness prototypes (drawn with seed), which
// bounds the cost of an evaluation on large training sets: the 60000/10000
// protocol's fitness need not compare against 58,000 images. n <= 0 or
// n >= the number of prototypes keeps them all.
func (d Data) LimitProtos(n int, seed uint64) Data {
	if n > 0 && n < d.Protos.Len() {
		d.Protos = d.Protos.Subset(n, seed)
	}
	return d
}
