// Package openvino runs an ONNX model on an OpenVINO device: the Intel
// NCS2 (MYRIAD, OpenVINO 2022.3.x is the last release with it), CPU, GPU,
// NPU or AUTO.
//
// It is a C-only shim over OpenVINO's C API 2.0 in the gocv shape: shim.h
// declares opaque handles, shim.c and model.c implement them, and the Go
// files own the handles and close them. libopenvino_c is opened at run time
// with dlopen, so the daemon builds and starts without OpenVINO; no OpenVINO
// header is needed to build. The library is looked for, first found wins:
//
//  1. Options.Library (the daemon's configuration),
//  2. the OPENVINO_LIB environment variable,
//  3. .tools/openvino*/openvino/libs/ under the working directory (the PyPI
//     wheel installed beside the project),
//  4. /opt/intel/openvino*/runtime/lib/<arch>/ (the archive install),
//  5. /usr/local/lib, /usr/lib/<triplet> and /usr/lib (apt),
//  6. the openvino wheel's openvino/libs/ in the usual Python site-packages
//     folders (system, /usr/local, ~/.local, $VIRTUAL_ENV).
//
// The PyPI wheel ships libopenvino_c and the CPU plugin:
//
//	pip install --no-deps --target .tools/openvino-2024.6.0 openvino==2024.6.0
//
// Every OpenVINO failure becomes a *StatusError that names the C call, the
// ov_status_e and the runtime's message. A device OpenVINO does not see is
// refused before compiling, naming the devices it does see. The errors that
// mean "not here" rather than "broken" wrap ErrNotFound (no library),
// ErrNoDevice (no such device) or are ErrNoCgo: a caller falls back to the
// sliced engine on those.
//
// The library and one ov_core_t are loaded once per process and stay
// loaded. A Model is safe for concurrent use (calls are serialised) and must
// be closed. Models need static input and output shapes (export with a batch
// of 1) and float32 tensors. Without cgo, New returns ErrNoCgo.
package openvino
