package backend

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/sliced-ai/sliced/device/cuda"
	"github.com/sliced-ai/sliced/engine"
)

// cuda runs the full CNN on an NVIDIA GPU (a Jetson's included) through
// device/cuda. Options.Device is the GPU: "", "0", "cuda:1". The model is
// a full-CNN engine (see fullCNNEngine; not ONNX: the kernels take the
// engine's layers).
func init() {
	Register("cuda", func(o Options) (Backend, error) {
		ord, err := cudaOrdinal(o.Device)
		if err != nil {
			return nil, err
		}
		e, err := cudaEngine(o)
		if err != nil {
			return nil, fmt.Errorf("cuda: %w", err)
		}
		m, err := cuda.New(&e.Stack, cuda.Options{Device: ord})
		if err != nil {
			for _, u := range []error{cuda.ErrNoDriver, cuda.ErrNoNVRTC, cuda.ErrNoDevice, cuda.ErrNoCgo} {
				if errors.Is(err, u) {
					return nil, fmt.Errorf("cuda: %w: %w", ErrUnavailable, err)
				}
			}
			return nil, err
		}
		classes := e.ClassNames()
		if len(classes) != m.OutLen() {
			m.Close()
			return nil, fmt.Errorf("cuda: %d outputs for %d classes", m.OutLen(), len(classes))
		}
		info := Info{Name: "cuda", Device: "cuda:" + strconv.Itoa(ord), Model: e.Name}
		return &runtimeBackend{info: info, classes: classes, m: m, input: e.Stack.In, prep: e.Prep}, nil
	})
}

func cudaOrdinal(dev string) (int, error) {
	s := strings.TrimPrefix(strings.ToLower(dev), "cuda:")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("cuda: device %q: want a GPU number such as 0 or cuda:0", dev)
	}
	return n, nil
}

// cudaEngine is the full CNN to run (see fullCNNEngine); ONNX files are
// refused: the kernels take the engine's layers.
func cudaEngine(o Options) (*engine.Engine, error) {
	if strings.HasSuffix(o.Model, ".onnx") {
		return nil, fmt.Errorf("model %s: the cuda backend runs a full-CNN engine file, not ONNX", o.Model)
	}
	return fullCNNEngine(o)
}
