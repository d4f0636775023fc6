package enrolment

import (
	"fmt"
	"runtime"
	"slices"

	"github.com/sliced-ai/sliced/calibration/glyphs"
	"github.com/sliced-ai/sliced/calibration/prototypes"
	"github.com/sliced-ai/sliced/calibration/synth"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/preprocess"
)

// Frame is one camera-like frame, preprocessed, with its true class name.
type Frame struct {
	Tensor []float32
	Class  string
}

// Shapes draws n camera-like frames of each shape in fonts; frame j of a
// shape uses fonts[j%len(fonts)] and a seed from (seed, shape, j).
func Shapes(shapes []rune, fonts []string, n int, seed uint64) ([]Frame, error) {
	var out []Frame
	pre := preprocess.New()
	o := synth.DefaultOptions()
	for si, r := range shapes {
		for j := 0; j < n; j++ {
			s := seed<<40 + uint64(si)<<20 + uint64(j)
			g, err := glyphs.MNIST(r, fonts[j%len(fonts)], s, glyphs.DefaultOptions())
			if err != nil {
				return nil, err
			}
			t, _, err := synth.Camera(pre, g, s, o)
			if err != nil {
				return nil, err
			}
			out = append(out, Frame{Tensor: t, Class: string(r)})
		}
	}
	return out, nil
}

// Digits draws n camera-like frames of MNIST digits (images 28*28 each,
// labels 0-9 as class names "0"-"9").
func Digits(images []float32, labels []int, n int, seed uint64) ([]Frame, error) {
	out := make([]Frame, 0, n)
	pre := preprocess.New()
	o := synth.DefaultOptions()
	const px = synth.Side * synth.Side
	for i := 0; i < n; i++ {
		k := synth.FrameDigit(i, n, len(labels))
		t, _, err := synth.Camera(pre, images[k*px:(k+1)*px], synth.FrameSeed(seed, i), o)
		if err != nil {
			return nil, err
		}
		out = append(out, Frame{Tensor: t, Class: fmt.Sprint(labels[k])})
	}
	return out, nil
}

// Score classifies frames with e on every core and returns the share
// answered with their class, and the share answered unknown.
func Score(e *engine.Engine, frames []Frame) (correct, unknown float64, err error) {
	correct, unknown, _, err = score(e, frames, DefaultRule)
	return correct, unknown, err
}

// Rule is the open-set settings of the sessions that classify: the
// strictness (engine.Session.UnknownScale) and the views
// (engine.Session.UnknownViews).
type Rule struct {
	Scale float64
	Views int
}

// DefaultRule is what a new session answers by.
var DefaultRule = Rule{Scale: engine.DefaultUnknownScale, Views: engine.DefaultUnknownViews}

// ScoreRule is Score with sessions that answer by rule.
func ScoreRule(e *engine.Engine, frames []Frame, rule Rule) (correct, unknown float64, err error) {
	correct, unknown, _, err = score(e, frames, rule)
	return correct, unknown, err
}

// Labels is the share of frames whose class e names, known or not: the
// closed-set accuracy that `slicecal eval` reports for MNIST.
func Labels(e *engine.Engine, frames []Frame) (float64, error) {
	_, _, labelled, err := score(e, frames, DefaultRule)
	return labelled, err
}

func score(e *engine.Engine, frames []Frame, rule Rule) (correct, unknown, labelled float64, err error) {
	if len(frames) == 0 {
		return 0, 0, 0, nil
	}
	images := make([]float32, 0, len(frames)*len(frames[0].Tensor))
	for _, f := range frames {
		images = append(images, f.Tensor...)
	}
	workers := runtime.GOMAXPROCS(0)
	nc, nu, nl := make([]int, workers), make([]int, workers), make([]int, workers)
	names := e.ClassNames()
	err = prototypes.EachInput(e, images, len(frames), func(w int, s *engine.Session, i int, in []float32) error {
		s.UnknownScale, s.UnknownViews = rule.Scale, rule.Views
		p, err := s.Classify(in)
		if err != nil {
			return err
		}
		if p.Label >= 0 && names[p.Label] == frames[i].Class {
			nl[w]++
		}
		switch {
		case !p.Known:
			nu[w]++
		case p.Class == frames[i].Class:
			nc[w]++
		}
		return nil
	})
	var c, u, l int
	for w := range nc {
		c, u, l = c+nc[w], u+nu[w], l+nl[w]
	}
	n := float64(len(frames))
	return float64(c) / n, float64(u) / n, float64(l) / n, err
}

// MNIST is the n first MNIST test images as frames (no camera), for the
// closed-set accuracy `slicecal eval` reports.
func MNIST(images []float32, labels []int, n int) []Frame {
	const px = synth.Side * synth.Side
	n = min(n, len(labels))
	out := make([]Frame, n)
	for i := range out {
		out[i] = Frame{Tensor: images[i*px : (i+1)*px], Class: fmt.Sprint(labels[i])}
	}
	return out
}

// Enrol returns a copy of e with the frames added as examples of their
// classes, the way the daemon enrols them.
func Enrol(e *engine.Engine, frames []Frame) (*engine.Engine, error) {
	c := e.Clone()
	s, err := c.NewSession()
	if err != nil {
		return nil, err
	}
	byClass := map[string][][]float32{}
	var order []string
	for _, f := range frames {
		v, err := s.Features(f.Tensor)
		if err != nil {
			return nil, err
		}
		if _, ok := byClass[f.Class]; !ok {
			order = append(order, f.Class)
		}
		byClass[f.Class] = append(byClass[f.Class], slices.Clone(v))
	}
	for _, name := range order {
		if _, err := c.Enrol(name, byClass[name]); err != nil {
			return nil, err
		}
	}
	return c, nil
}
