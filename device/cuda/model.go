//go:build cgo

package cuda

/*
#include <stdlib.h>
#include "shim.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"sync"
	"unsafe"

	"github.com/sliced-ai/sliced/engine/nn"
)

// Model is a network compiled for one GPU, with its weights and
// activations in device memory. Safe for concurrent use: runs take turns.
type Model struct {
	mu     sync.Mutex
	m      *C.cks_model
	in     int
	out    int
	device DeviceInfo
}

// New uploads the stack's weights to the GPU opt.Device and compiles the
// layer kernels for it with NVRTC. Errors wrap ErrNoDriver, ErrNoNVRTC or
// ErrNoDevice when the machine lacks them.
func New(s *nn.Stack, opt Options) (*Model, error) {
	if s == nil {
		return nil, errors.New("cuda: nil network")
	}
	if opt.Device < 0 {
		return nil, fmt.Errorf("cuda: device %d", opt.Device)
	}
	bufs, steps, err := plan(s)
	if err != nil {
		return nil, err
	}
	lib.Lock()
	defer lib.Unlock()
	if err := loadDriver(opt.Driver); err != nil {
		return nil, err
	}
	devs, err := devices()
	if err != nil {
		return nil, err
	}
	if opt.Device >= len(devs) {
		return nil, fmt.Errorf("%w: device %d asked for, the driver sees %d", ErrNoDevice, opt.Device, len(devs))
	}
	d := devs[opt.Device]
	if err := loadNVRTC(opt.NVRTC); err != nil {
		return nil, err
	}
	ptx, err := compileFor(d)
	if err != nil {
		return nil, err
	}
	cptx := C.CString(string(ptx))
	defer C.free(unsafe.Pointer(cptx))
	var e C.cks_error
	m := &Model{in: bufs[0].n, out: bufs[steps[len(steps)-1].out].n, device: d}
	if C.cks_model_create(C.int(d.Ordinal), cptx, &m.m, &e) != 0 {
		return nil, fmt.Errorf("cuda: %v: %w", d, shimError(&e))
	}
	for i, b := range bufs {
		var host *C.float
		if b.host != nil {
			host = (*C.float)(unsafe.Pointer(&b.host[0]))
		}
		var idx C.int
		if C.cks_model_buffer(m.m, host, C.size_t(b.n), &idx, &e) != 0 || int(idx) != i {
			err := shimError(&e)
			m.Close()
			return nil, fmt.Errorf("cuda: buffer %d (%d values): %w", i, b.n, err)
		}
	}
	for i, st := range steps {
		var dims [5]C.int
		for j, v := range st.dims {
			dims[j] = C.int(v)
		}
		if C.cks_model_step(m.m, C.int(st.op), C.int(st.in), C.int(st.out), C.int(st.w), C.int(st.b),
			&dims[0], C.size_t(st.threads), &e) != 0 {
			err := shimError(&e)
			m.Close()
			return nil, fmt.Errorf("cuda: step %d: %w", i, err)
		}
	}
	return m, nil
}

// InLen and OutLen are the numbers of float32 values Run takes and gives.
func (m *Model) InLen() int  { return m.in }
func (m *Model) OutLen() int { return m.out }

// Device describes the GPU, e.g. "cuda:0 NVIDIA Tegra X1 (sm_53)".
func (m *Model) Device() string { return m.device.String() }

// Run infers one input and returns a new output slice.
func (m *Model) Run(in []float32) ([]float32, error) {
	out := make([]float32, m.out)
	return out, m.RunTo(out, in)
}

// RunTo infers one input into out (OutLen values).
func (m *Model) RunTo(out, in []float32) error {
	return m.runLoop(out, in, 1)
}

// runLoop runs n inferences in one cgo call (the overhead baseline).
func (m *Model) runLoop(out, in []float32, n int) error {
	if len(in) != m.in || len(out) != m.out {
		return fmt.Errorf("cuda: %d inputs and %d outputs, the network has %d and %d", len(in), len(out), m.in, m.out)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		return errors.New("cuda: model is closed")
	}
	var e C.cks_error
	if C.cks_model_run_loop(m.m, (*C.float)(unsafe.Pointer(&in[0])), C.size_t(len(in)),
		(*C.float)(unsafe.Pointer(&out[0])), C.size_t(len(out)), C.int(n), &e) != 0 {
		return fmt.Errorf("cuda: %v: %w", m.device, shimError(&e))
	}
	return nil
}

// Close frees the GPU memory and context. Calling it again does nothing.
func (m *Model) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m != nil {
		C.cks_model_free(m.m)
		m.m = nil
	}
	return nil
}
