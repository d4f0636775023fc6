//go:build !cgo

package onnxrt

// Model is unavailable without cgo; New always fails.
type Model struct{}

// New returns ErrNoCgo: ONNX Runtime is loaded through cgo.
func New(onnx []byte, opt Options) (*Model, error) { return nil, ErrNoCgo }

// Loaded returns empty strings: nothing can be loaded without cgo.
func Loaded() (path, version string) { return "", "" }

func (m *Model) InLen() int                          { return 0 }
func (m *Model) OutLen() int                         { return 0 }
func (m *Model) Run(in []float32) ([]float32, error) { return nil, ErrNoCgo }
func (m *Model) RunTo(out, in []float32) error       { return ErrNoCgo }
func (m *Model) Close() error                        { return nil }
