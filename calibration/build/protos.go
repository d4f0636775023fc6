package build

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/sliced-ai/sliced/calibration/dataset"
	"github.com/sliced-ai/sliced/calibration/prototypes"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/knn"
	"github.com/sliced-ai/sliced/engine/nn"
)

// subspaceIters are the passes of the projection's PCA: the exact one
// takes about a minute for a 32x32 input's 2,304 conv features.
const subspaceIters = 8

// featureRMS is the root mean square the conv features are scaled to.
// Learning the projection and prototypes is unstable on larger features
// (a 32x32 RGB stack trained on normalised inputs gives about 3: some
// option sets end near chance); at 0.25 every option set learns.
const featureRMS = 0.25

// scaleFeatures returns a copy of conv whose last conv layer's weights and
// bias are scaled so that the features of (up to 1000 of) set have root
// mean square featureRMS. ReLU and max pooling commute with a positive
// scale, so the features are only scaled: nothing else changes.
func scaleFeatures(conv nn.Stack, set *dataset.Set) (nn.Stack, error) {
	n := min(set.Len(), 1000)
	feats, _, err := prototypes.Features(&conv, set.Images[:n*set.Shape.Len()], n)
	if err != nil {
		return conv, err
	}
	var sq float64
	for _, v := range feats {
		sq += float64(v) * float64(v)
	}
	rms := math.Sqrt(sq / float64(max(1, len(feats))))
	if !(rms > 0) {
		return conv, fmt.Errorf("prototypes: the conv features of the training images are all zero")
	}
	out := nn.Stack{In: conv.In, Layers: slices.Clone(conv.Layers)}
	last := -1
	for i, l := range out.Layers {
		if l.Op == nn.OpConv {
			last = i
		}
	}
	if last < 0 {
		return conv, fmt.Errorf("prototypes: the stack has no conv layer")
	}
	for _, l := range out.Layers[last:] {
		if l.Op != nn.OpConv && l.Op != nn.OpReLU && l.Op != nn.OpMaxPool {
			return conv, fmt.Errorf("prototypes: a %v layer after the last conv", l.Op)
		}
	}
	k := float32(featureRMS / rms)
	l := &out.Layers[last]
	l.W, l.B = slices.Clone(l.W), slices.Clone(l.B)
	for i := range l.W {
		l.W[i] *= k
	}
	for i := range l.B {
		l.B[i] *= k
	}
	return out, nil
}

// Choice is one option set of the prototype stage, measured.
type Choice struct {
	Options prototypes.Options
	Bytes   int     // engine file size, calibration included
	Acc     float64 // validation accuracy (nearest class)
}

// protoStage builds an engine from the features of the training images
// (with their augmented copies) for every projection size and prototype
// count, calibrates each and keeps the one most accurate on the
// validation images that fits the budget (the smaller on a tie). The
// calibration's class Gaussians come from the training and validation
// images as they are: validation alone is too few images for a covariance
// in 16 to 48 dimensions, and too many answers would be unknown. The
// result is saved in the work folder.
func protoStage(ctx context.Context, cfg *Config, conv nn.Stack, prep engine.Preprocess, augmented, fit, val *dataset.Set) (*engine.Engine, []Choice, error) {
	done := filepath.Join(cfg.Work, engineFile)
	if _, err := os.Stat(done); err == nil {
		e, err := engine.Load(done)
		if err == nil {
			cfg.logf("prototypes: done before, taken from %s", done)
		}
		return e, nil, err
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, err
	}
	conv, err := scaleFeatures(conv, augmented)
	if err != nil {
		return nil, nil, err
	}
	b, err := prototypes.NewBuilder(conv, cfg.WeightType, augmented.Images, augmented.Labels, augmented.Classes)
	if err != nil {
		return nil, nil, err
	}
	b.Name, b.Topology = cfg.Name, string(cfg.Topology)
	b.SubspaceIters = subspaceIters
	base := prototypes.Options{K: cfg.K, Metric: knn.L2, ProtoType: cfg.ProtoType, ProjType: cfg.ProtoType, Seed: cfg.Seed,
		LearnEpochs: cfg.LearnEpochs, LearnRate: 1e-3}
	if cfg.LearnEpochs > 0 {
		// Learned prototypes are trained with the kernel vote's weights;
		// compact keeps them among their images, so distances mean
		// something for unknowns and enrolment.
		base.Vote, base.Compact = knn.Kernel, 1
	}
	calImages := append(slices.Clone(fit.Images), val.Images...)
	calLabels := append(slices.Clone(fit.Labels), val.Labels...)
	cfg.logf("prototypes: %d-value conv features of %d training images; trying %d option sets", b.FeatureDim(), augmented.Len(), len(cfg.Dims)*len(cfg.PerClass))
	var (
		best     *engine.Engine
		bestC    Choice
		table    []Choice
		smallest = -1
	)
	for _, o := range prototypes.Grid(base, cfg.Dims, cfg.PerClass, nil) {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		e, err := b.Build(o)
		if err != nil {
			return nil, nil, fmt.Errorf("prototypes: %v: %w", o, err)
		}
		e.Prep = prep
		if err := prototypes.Calibrate(e, calImages, calLabels, cfg.Quantile); err != nil {
			return nil, nil, err
		}
		size, err := engine.EncodedSize(e)
		if err != nil {
			return nil, nil, err
		}
		if smallest < 0 || size < smallest {
			smallest = size
		}
		acc, err := prototypes.Accuracy(e, val.Images, val.Labels)
		if err != nil {
			return nil, nil, err
		}
		c := Choice{Options: o, Bytes: size, Acc: acc}
		table = append(table, c)
		fits := cfg.Budget == 0 || size <= cfg.Budget
		note := ""
		if !fits {
			note = " (over the budget)"
		}
		cfg.logf("prototypes: dim %d, %d per class: %d bytes, validation %.2f%%%s", o.Dim, o.PerClass, size, 100*acc, note)
		if fits && (best == nil || acc > bestC.Acc || (acc == bestC.Acc && size < bestC.Bytes)) {
			best, bestC = e, c
		}
	}
	if best == nil {
		return nil, table, fmt.Errorf("prototypes: no option set fits %s (the smallest engine is %s); raise the budget or try smaller projections and fewer prototypes",
			prototypes.FormatBytes(cfg.Budget), prototypes.FormatBytes(smallest))
	}
	cfg.logf("prototypes: kept dim %d, %d per class, %d bytes", bestC.Options.Dim, bestC.Options.PerClass, bestC.Bytes)
	if err := engine.Save(done, best); err != nil {
		return nil, table, err
	}
	// What is saved is what is used: a resumed build loads this file, so
	// this one must be the same bytes' engine.
	e, err := engine.Load(done)
	return e, table, err
}
