package backend

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models/onnxexport"
)

// runner is what the native runtimes (device/openvino, device/onnxrt)
// offer: a compiled model that is safe for concurrent use.
type runner interface {
	Run(in []float32) ([]float32, error)
	OutLen() int
	Close() error
}

// runtimeModel is the ONNX model a runtime backend compiles, with the
// names of its outputs.
type runtimeModel struct {
	onnx    []byte
	classes []string
	name    string
	input   nn.Shape // the exported engine's; a given .onnx file is taken as 1x28x28
	prep    engine.Preprocess
}

// loadONNX finds the full CNN to run: Model as an .onnx file, or else the
// full-CNN engine of fullCNNEngine exported to ONNX.
func loadONNX(o Options) (runtimeModel, error) {
	if strings.HasSuffix(o.Model, ".onnx") {
		b, err := os.ReadFile(o.Model)
		return runtimeModel{onnx: b, name: o.Model, input: DigitInput}, err
	}
	e, err := fullCNNEngine(o)
	if err != nil {
		return runtimeModel{}, err
	}
	b, err := onnxexport.Export(&e.Stack, onnxexport.Options{})
	if err != nil {
		return runtimeModel{}, err
	}
	return runtimeModel{onnx: b, classes: e.ClassNames(), name: e.Name, input: e.Stack.In, prep: e.Prep}, nil
}

// newRuntime compiles the model with open; errors that are one of
// unavailable (no library, no device, no cgo) make the backend skipped.
func newRuntime(o Options, info Info, open func([]byte) (runner, error), unavailable ...error) (Backend, error) {
	rm, err := loadONNX(o)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", info.Name, err)
	}
	m, err := open(rm.onnx)
	if err != nil {
		for _, u := range unavailable {
			if errors.Is(err, u) {
				return nil, fmt.Errorf("%s: %w: %w", info.Name, ErrUnavailable, err)
			}
		}
		return nil, fmt.Errorf("%s: %w", info.Name, err)
	}
	classes := rm.classes
	if len(classes) != m.OutLen() {
		if classes != nil {
			m.Close()
			return nil, fmt.Errorf("%s: %d outputs for %d classes", info.Name, m.OutLen(), len(classes))
		}
		for i := 0; i < m.OutLen(); i++ {
			classes = append(classes, strconv.Itoa(i))
		}
	}
	info.Model = rm.name
	return &runtimeBackend{info: info, classes: classes, m: m, input: rm.input, prep: rm.prep}, nil
}

// runtimeBackend classifies by argmax over a native runtime's outputs.
type runtimeBackend struct {
	info    Info
	classes []string
	m       runner
	input   nn.Shape
	prep    engine.Preprocess
}

// Prep is the engine's preprocessing, its normalisation among it.
func (r *runtimeBackend) Prep() engine.Preprocess { return r.prep }

func (r *runtimeBackend) Input() nn.Shape { return r.input }

func (r *runtimeBackend) Info() Info        { return r.info }
func (r *runtimeBackend) Classes() []string { return r.classes }
func (r *runtimeBackend) Close() error      { return r.m.Close() }

func (r *runtimeBackend) Classify(in []float32) (Result, error) {
	t0 := time.Now()
	out, err := r.m.Run(in)
	if err != nil {
		return Result{}, err
	}
	if len(out) != len(r.classes) {
		return Result{}, fmt.Errorf("%s: %d outputs, want %d", r.info.Name, len(out), len(r.classes))
	}
	best := 0
	for i, v := range out {
		if v > out[best] {
			best = i
		}
	}
	d := time.Since(t0)
	return Result{Label: best, Class: r.classes[best], Known: true, Score: out[best], Scores: out, Timing: Timing{Inference: d}}, nil
}
