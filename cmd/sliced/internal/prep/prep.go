package prep

import (
	"errors"
	"image"
	"sync"

	"github.com/sliced-ai/sliced/engine/preprocess"
)

// Func maps an image to a new 1x28x28 tensor and the rectangle of the
// image it was taken from. A Func is safe for concurrent use.
type Func func(image.Image) ([]float32, image.Rectangle, error)

// ErrNoInk means the frame holds no object to classify.
var ErrNoInk = errors.New("prep: no object in the frame")

var pool = sync.Pool{New: func() any { return preprocess.New() }}

// Frame is the daemon's preprocessing: engine/preprocess with pooled
// scratch, so pipelines and HTTP handlers can share it.
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
