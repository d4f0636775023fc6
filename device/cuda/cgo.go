//go:build cgo

package cuda

// The shim opens libcuda and libnvrtc itself; only libdl is linked.

/*
#cgo LDFLAGS: -ldl
#include <stdlib.h>
#include "shim.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"unsafe"
)

// shimError turns a filled cks_error into a Go error.
func shimError(e *C.cks_error) error {
	lib := C.GoString(&e.lib[0])
	msg := strings.TrimSpace(C.GoString(&e.msg[0]))
	if lib == "" {
		return errors.New(msg)
	}
	return &Error{Lib: lib, Call: C.GoString(&e.call[0]), Code: int(e.code),
		Name: C.GoString(&e.name[0]), Msg: msg}
}

// The libraries are process-wide, loaded by the first New.
var lib struct {
	sync.Mutex
	driver, nvrtc string
	version       int // driver's CUDA version, 1000*major + 10*minor
	nvMajor       int
	nvMinor       int
	ptx           map[string][]byte // compiled kernels by architecture
}

// loadDriver opens the first libcuda candidate that loads and initialises.
func loadDriver(explicit string) error {
	if lib.driver != "" {
		return nil
	}
	var why []string
	for _, p := range DriverCandidates(explicit) {
		cp := C.CString(p)
		var e C.cks_error
		rc := C.cks_load_driver(cp, &e)
		C.free(unsafe.Pointer(cp))
		if rc == 0 {
			var v C.int
			if C.cks_driver_version(&v, &e) != 0 {
				return fmt.Errorf("cuda: %w", shimError(&e))
			}
			lib.driver, lib.version = p, int(v)
			return nil
		}
		err := shimError(&e)
		var ce *Error
		if errors.As(err, &ce) {
			// The library loaded but cuInit failed: that is the answer.
			if errors.Is(err, ErrNoDevice) {
				return fmt.Errorf("%w: %s: %w", ErrNoDevice, p, err)
			}
			return fmt.Errorf("%w: %s: %w", ErrNoDriver, p, err)
		}
		why = append(why, err.Error())
		if p == explicit {
			break // a path asked for by name is the only one tried
		}
	}
	return fmt.Errorf("%w: %s (set %s to libcuda.so.1)", ErrNoDriver, summarise(why), EnvDriver)
}

func loadNVRTC(explicit string) error {
	if lib.nvrtc != "" {
		return nil
	}
	var why []string
	for _, p := range NVRTCCandidates(explicit, lib.version/1000) {
		cp := C.CString(p)
		var e C.cks_error
		rc := C.cks_load_nvrtc(cp, &e)
		C.free(unsafe.Pointer(cp))
		if rc == 0 {
			var ma, mi C.int
			if C.cks_nvrtc_version(&ma, &mi, &e) != 0 {
				return fmt.Errorf("cuda: %w", shimError(&e))
			}
			lib.nvrtc, lib.nvMajor, lib.nvMinor = p, int(ma), int(mi)
			return nil
		}
		if p == explicit {
			return fmt.Errorf("%w: %w", ErrNoNVRTC, shimError(&e))
		}
		why = append(why, shimError(&e).Error())
	}
	return fmt.Errorf("%w: %s (set %s to libnvrtc.so)", ErrNoNVRTC, summarise(why), EnvNVRTC)
}

// summarise shortens the dlopen failures of a search: the libraries that
// do not exist by name, the other failures in full.
func summarise(why []string) string {
	var missing, other []string
	for _, w := range why {
		if i := strings.Index(w, ": cannot open shared object file"); i >= 0 && strings.HasPrefix(w, "dlopen ") {
			name, _, _ := strings.Cut(strings.TrimPrefix(w, "dlopen "), ":")
			missing = append(missing, name)
			continue
		}
		other = append(other, w)
	}
	var parts []string
	if len(missing) > 0 {
		parts = append(parts, "not found: "+strings.Join(missing, ", "))
	}
	return strings.Join(append(parts, other...), "; ")
}

// Loaded reports the libraries in use and their CUDA versions, or empty
// strings before the first successful New.
func Loaded() (driver, nvrtc, version string) {
	lib.Lock()
	defer lib.Unlock()
	if lib.driver == "" {
		return "", "", ""
	}
	return lib.driver, lib.nvrtc, fmt.Sprintf("driver CUDA %d.%d, NVRTC %d.%d",
		lib.version/1000, lib.version%1000/10, lib.nvMajor, lib.nvMinor)
}

// DeviceInfo describes one GPU.
type DeviceInfo struct {
	Ordinal      int
	Name         string
	Major, Minor int // compute capability
}

func (d DeviceInfo) String() string {
	return fmt.Sprintf("cuda:%d %s (sm_%d%d)", d.Ordinal, d.Name, d.Major, d.Minor)
}

// Devices lists the GPUs the driver sees, loading the driver if need be.
func Devices(opt Options) ([]DeviceInfo, error) {
	lib.Lock()
	defer lib.Unlock()
	if err := loadDriver(opt.Driver); err != nil {
		return nil, err
	}
	return devices()
}

func devices() ([]DeviceInfo, error) {
	var n C.int
	var e C.cks_error
	if C.cks_device_count(&n, &e) != 0 {
		return nil, fmt.Errorf("cuda: %w", shimError(&e))
	}
	out := make([]DeviceInfo, int(n))
	for i := range out {
		var name [256]C.char
		var ma, mi C.int
		if C.cks_device_info(C.int(i), &name[0], C.size_t(len(name)), &ma, &mi, &e) != 0 {
			return nil, fmt.Errorf("cuda: device %d: %w", i, shimError(&e))
		}
		out[i] = DeviceInfo{Ordinal: i, Name: C.GoString(&name[0]), Major: int(ma), Minor: int(mi)}
	}
	return out, nil
}

// compileFor returns PTX of the kernels for a device, trying its own
// architecture first and older ones when NVRTC does not know it.
func compileFor(d DeviceInfo) ([]byte, error) {
	if lib.ptx == nil {
		lib.ptx = map[string][]byte{}
	}
	src := C.CString(kernelSource)
	defer C.free(unsafe.Pointer(src))
	var first error
	for _, arch := range archList(d.Major, d.Minor) {
		if p, ok := lib.ptx[arch]; ok {
			return p, nil
		}
		ca := C.CString(arch)
		var ptr *C.char
		var n C.size_t
		var e C.cks_error
		rc := C.cks_compile(src, ca, &ptr, &n, &e)
		C.free(unsafe.Pointer(ca))
		if rc == 0 {
			p := C.GoBytes(unsafe.Pointer(ptr), C.int(n))
			C.cks_free(unsafe.Pointer(ptr))
			lib.ptx[arch] = p
			return p, nil
		}
		err := shimError(&e)
		if first == nil {
			first = err
		}
		var ce *Error
		// Only an unknown architecture (NVRTC_ERROR_INVALID_OPTION, 5) is
		// worth another try; a compile error is not.
		if !errors.As(err, &ce) || ce.Code != 5 {
			return nil, fmt.Errorf("cuda: compile for %s: %w", arch, err)
		}
	}
	return nil, fmt.Errorf("cuda: NVRTC %d.%d compiles for no architecture of %v: %w", lib.nvMajor, lib.nvMinor, d, first)
}
