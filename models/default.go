package models

import (
	_ "embed"
	"fmt"

	"github.com/sliced-ai/sliced/engine"
)

// defaultEngine is the MNIST sliced engine that `make engine` rebuilds
// from scratch with slicecal (train, then prototypes).
//
//go:embed mnist.slc
var defaultEngine []byte

// DefaultBytes is the embedded default engine file.
func DefaultBytes() []byte { return defaultEngine }

// Default decodes the embedded default MNIST engine. Every call returns a
// fresh copy that the caller may change (enrolment does).
func Default() (*engine.Engine, error) {
	e, err := engine.Decode(defaultEngine)
	if err != nil {
		return nil, fmt.Errorf("embedded default engine: %w", err)
	}
	return e, nil
}
