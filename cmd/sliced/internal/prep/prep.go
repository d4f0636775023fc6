package prep

import (
	"errors"
	"fmt"
	"image"
	"sync"

	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/engine/preprocess"
)

// Func maps an image to a new input tensor of the engine (CHW) and the
// rectangle of the image it was taken from. A Func is safe for
// concurrent use.
type Func func(image.Image) ([]float32, image.Rectangle, error)

// ErrNoInk means the frame holds no object to classify.
var ErrNoInk = errors.New("prep: no object in the frame")

// ErrOutside means a source's region is not inside the frame: its
// configuration does not fit the camera's frame size.
var ErrOutside = errors.New("prep: the region is not inside the frame")

// DigitInput is the one shape the digit rule makes.
var DigitInput = nn.Shape{C: 1, H: 28, W: 28}

var pool = sync.Pool{New: func() any { return preprocess.New() }}

// Frame is the digit rule: engine/preprocess with pooled scratch, so
// pipelines and HTTP handlers can share it.
func Frame(m image.Image) ([]float32, image.Rectangle, error) {
	p := pool.Get().(*preprocess.Preprocessor)
	defer pool.Put(p)
	t := make([]float32, preprocess.Size*preprocess.Size)
	info, err := p.Image(t, m)
	if err != nil {
		return nil, image.Rectangle{}, err
	}
	if info.Empty {
		return nil, image.Rectangle{}, ErrNoInk
	}
	return t, info.Box, nil
}

// Region places a source's region of interest in a frame's bounds.
type Region func(bounds image.Rectangle) image.Rectangle

// For is the preprocessing of the engine that current returns at each
// call, so a reloaded engine of another mode or shape takes effect at the
// next frame. region is the source's region of interest for roi engines;
// nil (an uploaded image, a source without one) takes the whole image.
func For(current func() *engine.Engine, region Region) Func {
	return func(m image.Image) ([]float32, image.Rectangle, error) {
		e := current()
		if e == nil {
			return nil, image.Rectangle{}, errors.New("prep: no engine")
		}
		return Engine(e, region, m)
	}
}

// SceneOf is the resize and normalisation of a roi or whole-frame engine.
func SceneOf(e *engine.Engine) preprocess.Scene { return e.Prep.Scene(e.Stack.In) }

// Engine runs e's preprocessing on m.
func Engine(e *engine.Engine, region Region, m image.Image) ([]float32, image.Rectangle, error) {
	in := e.Stack.In
	if e.Prep.Mode == engine.PrepDigit {
		if in != DigitInput {
			return nil, image.Rectangle{}, fmt.Errorf("prep: digit preprocessing gives 1x28x28, engine %q takes %dx%dx%d", e.Name, in.H, in.W, in.C)
		}
		return Frame(m)
	}
	s := SceneOf(e)
	var r image.Rectangle
	if e.Prep.Mode == engine.PrepROI && region != nil {
		b := m.Bounds()
		if r = region(b); r.Empty() || !r.In(b) {
			return nil, image.Rectangle{}, fmt.Errorf("%w: %v in a %dx%d frame", ErrOutside, r.Sub(b.Min), b.Dx(), b.Dy())
		}
	}
	p := pool.Get().(*preprocess.Preprocessor)
	defer pool.Put(p)
	t := make([]float32, in.Len())
	box, err := p.SceneImage(t, m, r, s)
	if err != nil {
		return nil, image.Rectangle{}, err
	}
	return t, box, nil
}
