//go:build !cgo

package cuda

import "github.com/sliced-ai/sliced/engine/nn"

// Model is unavailable without cgo; New always fails.
type Model struct{}

// New returns ErrNoCgo: the shim is C.
func New(s *nn.Stack, opt Options) (*Model, error) { return nil, ErrNoCgo }

// DeviceInfo describes one GPU.
type DeviceInfo struct {
	Ordinal      int
	Name         string
	Major, Minor int
}

// Devices returns ErrNoCgo.
func Devices(opt Options) ([]DeviceInfo, error) { return nil, ErrNoCgo }

// Loaded returns empty strings: nothing can be loaded without cgo.
func Loaded() (driver, nvrtc, version string) { return "", "", "" }

func (m *Model) InLen() int                          { return 0 }
func (m *Model) OutLen() int                         { return 0 }
func (m *Model) Device() string                      { return "" }
func (m *Model) Run(in []float32) ([]float32, error) { return nil, ErrNoCgo }
func (m *Model) RunTo(out, in []float32) error       { return ErrNoCgo }
func (m *Model) Close() error                        { return nil }

func (m *Model) runLoop(out, in []float32, n int) error { return ErrNoCgo }
