package engine

import (
	"fmt"
	"math"

	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/engine/preprocess"
)

// PrepMode is the rule that turns a camera frame into the engine's input.
// Values are stored in files: never renumber.
type PrepMode uint8

const (
	// PrepDigit finds the ink blob and centres it MNIST-style (the rule of
	// every engine file without a PREP section).
	PrepDigit PrepMode = 0
	// PrepROI crops a rectangle of the frame, given per source, and
	// resizes it to the input.
	PrepROI PrepMode = 1
	// PrepWhole resizes the full frame to the input.
	PrepWhole PrepMode = 2
)

func (m PrepMode) String() string {
	switch m {
	case PrepDigit:
		return "digit"
	case PrepROI:
		return "roi"
	case PrepWhole:
		return "whole"
	}
	return fmt.Sprintf("mode(%d)", uint8(m))
}

// ParsePrepMode accepts digit, roi or whole.
func ParsePrepMode(s string) (PrepMode, error) {
	for _, m := range []PrepMode{PrepDigit, PrepROI, PrepWhole} {
		if s == m.String() {
			return m, nil
		}
	}
	return 0, fmt.Errorf("unknown preprocessing %q (want digit, roi or whole)", s)
}

// Fit says how a crop whose aspect differs from the input's is resized.
// Values are stored in files: never renumber.
type Fit uint8

const (
	// FitLetterbox scales the whole crop inside the input and pads the
	// rest with Pad: nothing is lost, the object gets smaller.
	FitLetterbox Fit = 0
	// FitCrop scales the crop to cover the input and cuts the centre.
	FitCrop Fit = 1
	// FitStretch scales each axis on its own.
	FitStretch Fit = 2
)

func (f Fit) String() string {
	switch f {
	case FitLetterbox:
		return "letterbox"
	case FitCrop:
		return "crop"
	case FitStretch:
		return "stretch"
	}
	return fmt.Sprintf("fit(%d)", uint8(f))
}

// ParseFit accepts letterbox, crop or stretch.
func ParseFit(s string) (Fit, error) {
	for _, f := range []Fit{FitLetterbox, FitCrop, FitStretch} {
		if s == f.String() {
			return f, nil
		}
	}
	return 0, fmt.Errorf("unknown fit %q (want letterbox, crop or stretch)", s)
}

// Preprocess says how the engine's input is made from an image. The zero
// value is digit mode, what engines without a PREP section use. Gray or
// RGB follows the input's channel count (1 or 3).
type Preprocess struct {
	Mode PrepMode
	Fit  Fit
	// Mean and Scale normalise each channel: value = (pixel/255 - Mean) *
	// Scale. Empty means [0] and [1]; one value applies to every channel.
	Mean, Scale []float32
	// Pad is the letterbox fill in pixel/255 units, before normalisation.
	Pad float32
}

// IsDefault reports whether p is digit mode with nothing else set, which
// Encode writes as no PREP section at all so old files stay bit-identical.
func (p *Preprocess) IsDefault() bool {
	return p.Mode == PrepDigit && p.Fit == 0 && len(p.Mean) == 0 && len(p.Scale) == 0 && p.Pad == 0
}

// Norm is the mean and scale of channel c.
func (p *Preprocess) Norm(c int) (mean, scale float32) {
	return preprocess.ChannelNorm(p.Mean, p.Scale, c)
}

// validate checks p against the input shape it feeds.
func (p *Preprocess) validate(channels int) error {
	switch p.Mode {
	case PrepDigit:
		// The daemon checks the digit rule's 1x28x28 when it loads the
		// engine: a layer stack of another shape is still a valid file.
	case PrepROI, PrepWhole:
		if channels != 1 && channels != 3 {
			return fmt.Errorf("engine: %s preprocessing gives gray or RGB, the input has %d channels", p.Mode, channels)
		}
	default:
		return fmt.Errorf("engine: unknown preprocessing %s", p.Mode)
	}
	if p.Fit > FitStretch {
		return fmt.Errorf("engine: unknown %s", p.Fit)
	}
	for _, v := range [][]float32{p.Mean, p.Scale} {
		if len(v) != 0 && len(v) != 1 && len(v) != channels {
			return fmt.Errorf("engine: %d normalisation values for %d channels", len(v), channels)
		}
	}
	for _, v := range append(append([]float32{p.Pad}, p.Mean...), p.Scale...) {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("engine: normalisation value %v", v)
		}
	}
	for _, v := range p.Scale {
		if v == 0 {
			return fmt.Errorf("engine: normalisation scale 0")
		}
	}
	return nil
}

// Scene is the resize and normalisation of a roi or whole-frame engine
// whose input is in, as engine/preprocess takes them.
func (p Preprocess) Scene(in nn.Shape) preprocess.Scene {
	s := preprocess.Scene{C: in.C, H: in.H, W: in.W, Mean: p.Mean, Scale: p.Scale, Pad: p.Pad}
	switch p.Fit {
	case FitCrop:
		s.Fit = preprocess.CenterCrop
	case FitStretch:
		s.Fit = preprocess.Stretch
	default:
		s.Fit = preprocess.Letterbox
	}
	return s
}
