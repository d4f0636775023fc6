package models

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/sliced-ai/sliced/engine"
)

// sceneEngine is the scene engine that `make engine-scene` rebuilds with
// `slicecal scene`: topology B's conv stack on 32x32 RGB regions of
// interest, trained to tell 300 patches of photographs apart under
// lighting, shift, noise and JPEG changes, sliced, with the patches'
// 24 principal components as projection and a Gaussian open-set
// calibration from them. It has no classes: a user enrols the states of
// a region.
//
//go:embed scene.slc
var sceneEngine []byte

// SceneBytes is the embedded scene engine file.
func SceneBytes() []byte { return sceneEngine }

// Scene decodes the embedded scene engine. Every call returns a fresh
// copy that the caller may change (enrolment does).
func Scene() (*engine.Engine, error) {
	e, err := engine.Decode(sceneEngine)
	if err != nil {
		return nil, fmt.Errorf("embedded scene engine: %w", err)
	}
	return e, nil
}

// Embedded names the engines built into the binary, for flags and
// configuration keys that take an engine file or one of these names.
var Embedded = map[string]func() (*engine.Engine, error){
	"mnist": Default,
	"scene": Scene,
}

// Load returns the embedded engine called name ("mnist", "scene"; "" is
// "mnist"), or reads the engine file at that path. A file that has an
// embedded engine's name is read as ./name.
func Load(name string) (*engine.Engine, error) {
	if name == "" {
		return Default()
	}
	if f, ok := Embedded[name]; ok && !strings.ContainsRune(name, '/') {
		return f()
	}
	return engine.Load(name)
}
