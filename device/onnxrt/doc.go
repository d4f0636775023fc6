// Package onnxrt runs an ONNX model on ONNX Runtime's CPU provider, the
// runtime a user would otherwise pick, for comparison with the sliced
// engine.
//
// ONNX Runtime is loaded at run time (dlopen, through
// github.com/yalue/onnxruntime_go), so the daemon builds and starts without
// it and says what is missing when the backend is asked for. The library is
// looked for, first found wins:
//
//  1. Options.Library (the daemon's configuration),
//  2. the ONNXRUNTIME_LIB environment variable,
//  3. node_modules/onnxruntime-node/bin/napi-v6/linux/<arch>/libonnxruntime.so.1
//     and .tools/onnxruntime-node/node_modules/... under the working directory,
//  4. /usr/local/lib, /usr/lib/<triplet>, /usr/lib and /opt/onnxruntime/lib
//     (libonnxruntime.so.1, then libonnxruntime.so).
//
// The npm package onnxruntime-node@1.30.0 ships the library for linux x64 and
// arm64 (a Raspberry Pi or Jetson); to install it beside the project:
//
//	npm install --ignore-scripts --prefix .tools/onnxruntime-node onnxruntime-node@1.30.0
//
// The runtime is loaded once per process and stays loaded; every Model has
// its own session. A Model is safe for concurrent use (calls are serialised)
// and must be closed. Without cgo, New returns ErrNoCgo. ErrNotFound (no
// library) and ErrNoCgo mean "not here" rather than "broken": a caller falls
// back to the sliced engine on those.
package onnxrt
