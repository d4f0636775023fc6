//go:build cgo

package onnxrt

import (
	"errors"
	"fmt"
	"sync"

	ort "github.com/yalue/onnxruntime_go"
)

// The runtime environment is process-wide: loaded by the first New, kept.
var env struct {
	sync.Mutex
	path    string
	version string
}

// load initialises ONNX Runtime from the library found for explicit.
func load(explicit string) error {
	env.Lock()
	defer env.Unlock()
	if env.path != "" {
		if explicit != "" && explicit != env.path {
			return fmt.Errorf("onnxrt: %s is already loaded; cannot also load %s", env.path, explicit)
		}
		return nil
	}
	path, err := FindLibrary(explicit)
	if err != nil {
		return err
	}
	ort.SetSharedLibraryPath(path)
	if err := ort.InitializeEnvironment(ort.WithLogLevelError()); err != nil {
		return fmt.Errorf("onnxrt: load %s: %w", path, err)
	}
	env.path, env.version = path, ort.GetVersion()
	return nil
}

// Loaded reports the library path and ONNX Runtime version in use, or
// empty strings before the first successful New.
func Loaded() (path, version string) {
	env.Lock()
	defer env.Unlock()
	return env.path, env.version
}

// Model is one ONNX model in its own ONNX Runtime session, with one float32
// input and one float32 output of fixed size (a symbolic batch is run as 1).
type Model struct {
	mu      sync.Mutex
	session *ort.AdvancedSession
	in, out *ort.Tensor[float32]
	closed  bool
}

// New compiles the ONNX model in onnx (as written by models/onnxexport).
func New(onnx []byte, opt Options) (*Model, error) {
	if len(onnx) == 0 {
		return nil, errors.New("onnxrt: empty model")
	}
	if opt.Threads < 0 {
		return nil, fmt.Errorf("onnxrt: %d threads", opt.Threads)
	}
	if err := load(opt.Library); err != nil {
		return nil, err
	}
	ins, outs, err := ort.GetInputOutputInfoWithONNXData(onnx)
	if err != nil {
		return nil, fmt.Errorf("onnxrt: read model: %w", err)
	}
	if len(ins) != 1 || len(outs) != 1 {
		return nil, fmt.Errorf("onnxrt: model has %d inputs and %d outputs, want 1 and 1", len(ins), len(outs))
	}
	for _, io := range []ort.InputOutputInfo{ins[0], outs[0]} {
		if io.OrtValueType != ort.ONNXTypeTensor || io.DataType != ort.TensorElementDataTypeFloat {
			return nil, fmt.Errorf("onnxrt: %q is not a float32 tensor", io.Name)
		}
	}
	m := &Model{}
	ok := false
	defer func() {
		if !ok {
			m.Close()
		}
	}()
	if m.in, err = ort.NewEmptyTensor[float32](fixed(ins[0].Dimensions)); err != nil {
		return nil, fmt.Errorf("onnxrt: input tensor %v: %w", ins[0].Dimensions, err)
	}
	if m.out, err = ort.NewEmptyTensor[float32](fixed(outs[0].Dimensions)); err != nil {
		return nil, fmt.Errorf("onnxrt: output tensor %v: %w", outs[0].Dimensions, err)
	}
	so, err := ort.NewSessionOptions()
	if err != nil {
		return nil, fmt.Errorf("onnxrt: session options: %w", err)
	}
	defer so.Destroy()
	if opt.Threads > 0 {
		if err := so.SetIntraOpNumThreads(opt.Threads); err != nil {
			return nil, fmt.Errorf("onnxrt: intra-op threads: %w", err)
		}
		if err := so.SetInterOpNumThreads(1); err != nil {
			return nil, fmt.Errorf("onnxrt: inter-op threads: %w", err)
		}
	}
	m.session, err = ort.NewAdvancedSessionWithONNXData(onnx,
		[]string{ins[0].Name}, []string{outs[0].Name},
		[]ort.Value{m.in}, []ort.Value{m.out}, so)
	if err != nil {
		return nil, fmt.Errorf("onnxrt: create session: %w", err)
	}
	ok = true
	return m, nil
}

// fixed turns symbolic (negative) dimensions into 1.
func fixed(s ort.Shape) ort.Shape {
	out := s.Clone()
	for i, d := range out {
		if d < 1 {
			out[i] = 1
		}
	}
	return out
}

// InLen and OutLen are the number of values Run takes and returns.
func (m *Model) InLen() int  { return int(m.in.GetShape().FlattenedSize()) }
func (m *Model) OutLen() int { return int(m.out.GetShape().FlattenedSize()) }

// Run infers one input and returns a new slice with the output.
func (m *Model) Run(in []float32) ([]float32, error) {
	out := make([]float32, m.OutLen())
	if err := m.RunTo(out, in); err != nil {
		return nil, err
	}
	return out, nil
}

// RunTo infers one input into out (OutLen values) without allocating.
func (m *Model) RunTo(out, in []float32) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return errors.New("onnxrt: model is closed")
	}
	dst := m.in.GetData()
	if len(in) != len(dst) {
		return fmt.Errorf("onnxrt: input has %d values, the model takes %d", len(in), len(dst))
	}
	res := m.out.GetData()
	if len(out) != len(res) {
		return fmt.Errorf("onnxrt: output buffer has %d values, the model gives %d", len(out), len(res))
	}
	copy(dst, in)
	if err := m.session.Run(); err != nil {
		return fmt.Errorf("onnxrt: run: %w", err)
	}
	copy(out, res)
	return nil
}

// Close releases the session and its tensors; calling it again is a no-op.
func (m *Model) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil
	}
	m.closed = true
	var errs []error
	if m.session != nil {
		errs = append(errs, m.session.Destroy())
	}
	if m.in != nil {
		errs = append(errs, m.in.Destroy())
	}
	if m.out != nil {
		errs = append(errs, m.out.Destroy())
	}
	return errors.Join(errs...)
}
