//go:build cgo

package openvino

/*
#include <stdlib.h>
#include "shim.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"unsafe"
)

// The library and its ov_core_t are process-wide: loaded by the first New.
var lib struct {
	sync.Mutex
	path    string
	version string
}

func load(explicit string) error {
	lib.Lock()
	defer lib.Unlock()
	if lib.path != "" {
		if explicit != "" && explicit != lib.path {
			return fmt.Errorf("openvino: %s is already loaded; cannot also load %s", lib.path, explicit)
		}
		return nil
	}
	path, err := FindLibrary(explicit)
	if err != nil {
		return err
	}
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var e C.ovs_error
	if C.ovs_load(cpath, &e) != 0 {
		return fmt.Errorf("openvino: load %s: %w", path, shimError(&e))
	}
	var buf [256]C.char
	if C.ovs_version(&buf[0], C.size_t(len(buf)), &e) != 0 {
		return fmt.Errorf("openvino: version: %w", shimError(&e))
	}
	lib.path, lib.version = path, C.GoString(&buf[0])
	return nil
}

// Loaded reports the library path and OpenVINO build in use, or empty
// strings before the first successful New.
func Loaded() (path, version string) {
	lib.Lock()
	defer lib.Unlock()
	return lib.path, lib.version
}

// Available lists the devices OpenVINO sees (e.g. CPU, GPU.0, MYRIAD),
// loading the library found for explicit if need be.
func Available(explicit string) ([]string, error) {
	if err := load(explicit); err != nil {
		return nil, err
	}
	var buf [4096]C.char
	var e C.ovs_error
	if C.ovs_devices(&buf[0], C.size_t(len(buf)), &e) != 0 {
		return nil, fmt.Errorf("openvino: devices: %w", shimError(&e))
	}
	s := C.GoString(&buf[0])
	if s == "" {
		return nil, nil
	}
	return strings.Split(s, ","), nil
}

// Model is one compiled ONNX model with one infer request.
type Model struct {
	mu     sync.Mutex
	m      *C.ovs_model
	in     int
	out    int
	device string
}

// New reads and compiles the ONNX model in onnx (as written by
// models/onnxexport) for opt.Device.
func New(onnx []byte, opt Options) (*Model, error) {
	if len(onnx) == 0 {
		return nil, errors.New("openvino: empty model")
	}
	device := opt.Device
	if device == "" {
		device = "CPU"
	}
	if err := checkDevice(device); err != nil {
		return nil, err
	}
	if opt.Threads < 0 {
		return nil, fmt.Errorf("openvino: %d threads", opt.Threads)
	}
	threads := opt.Threads
	if !strings.HasPrefix(device, "CPU") {
		threads = 0 // INFERENCE_NUM_THREADS is a CPU property
	}
	if err := load(opt.Library); err != nil {
		return nil, err
	}
	if err := present(device); err != nil {
		return nil, err
	}
	return compile(onnx, device, threads, C.ovs_reads_memory() == 0)
}

// compile reads the model from memory, or through a temporary file when
// viaFile (OpenVINO before 2023.1 reads ONNX from a file only).
func compile(onnx []byte, device string, threads int, viaFile bool) (*Model, error) {
	cdev := C.CString(device)
	defer C.free(unsafe.Pointer(cdev))
	var (
		m  *C.ovs_model
		e  C.ovs_error
		rc C.int
	)
	if viaFile {
		path, err := tempModel(onnx)
		if err != nil {
			return nil, err
		}
		defer os.Remove(path)
		cpath := C.CString(path)
		defer C.free(unsafe.Pointer(cpath))
		rc = C.ovs_model_create(nil, 0, cpath, cdev, C.int(threads), &m, &e)
	} else {
		rc = C.ovs_model_create(unsafe.Pointer(&onnx[0]), C.size_t(len(onnx)), nil, cdev, C.int(threads), &m, &e)
	}
	if rc != 0 {
		return nil, fmt.Errorf("openvino: model on %s: %w", device, shimError(&e))
	}
	return &Model{m: m, in: int(C.ovs_model_in_len(m)), out: int(C.ovs_model_out_len(m)), device: device}, nil
}

// present refuses a plain device that OpenVINO does not see.
func present(device string) error {
	if strings.ContainsRune(device, ':') || device == "AUTO" {
		return nil // virtual devices choose among what is there
	}
	avail, err := Available("")
	if err != nil {
		return err
	}
	for _, a := range avail {
		if a == device || strings.HasPrefix(a, device+".") {
			return nil
		}
	}
	_, version := Loaded()
	hint := ""
	if device == "MYRIAD" {
		hint = "; the NCS2 needs OpenVINO 2022.3.x and the stick plugged in"
	}
	return fmt.Errorf("%w: %s (OpenVINO %s sees: %s)%s",
		ErrNoDevice, device, version, strings.Join(avail, ", "), hint)
}

func tempModel(onnx []byte) (string, error) {
	f, err := os.CreateTemp("", "sliced-*.onnx")
	if err != nil {
		return "", fmt.Errorf("openvino: temporary model file: %w", err)
	}
	_, err = f.Write(onnx)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("openvino: temporary model file: %w", err)
	}
	return f.Name(), nil
}

// InLen and OutLen are the number of values Run takes and returns.
func (m *Model) InLen() int  { return m.in }
func (m *Model) OutLen() int { return m.out }

// Device is the device string the model was compiled for.
func (m *Model) Device() string { return m.device }

// Run infers one input and returns a new slice with the output.
func (m *Model) Run(in []float32) ([]float32, error) {
	out := make([]float32, m.out)
	if err := m.RunTo(out, in); err != nil {
		return nil, err
	}
	return out, nil
}

// RunTo infers one input into out (OutLen values) without allocating.
func (m *Model) RunTo(out, in []float32) error {
	if err := m.check(out, in); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		return errors.New("openvino: model is closed")
	}
	var e C.ovs_error
	if C.ovs_model_infer(m.m, (*C.float)(&in[0]), (*C.float)(&out[0]), &e) != 0 {
		return fmt.Errorf("openvino: infer on %s: %w", m.device, shimError(&e))
	}
	return nil
}

// runLoop infers n times in the shim's C loop: the direct-call baseline.
func (m *Model) runLoop(out, in []float32, n int) error {
	if err := m.check(out, in); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		return errors.New("openvino: model is closed")
	}
	var e C.ovs_error
	if C.ovs_model_infer_loop(m.m, (*C.float)(&in[0]), (*C.float)(&out[0]), C.int(n), &e) != 0 {
		return fmt.Errorf("openvino: infer on %s: %w", m.device, shimError(&e))
	}
	return nil
}

func (m *Model) check(out, in []float32) error {
	if len(in) != m.in {
		return fmt.Errorf("openvino: input has %d values, the model takes %d", len(in), m.in)
	}
	if len(out) != m.out {
		return fmt.Errorf("openvino: output buffer has %d values, the model gives %d", len(out), m.out)
	}
	return nil
}

// Close releases the compiled model and its request; calling it again is a
// no-op.
func (m *Model) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m != nil {
		C.ovs_model_free(m.m)
		m.m = nil
	}
	return nil
}
