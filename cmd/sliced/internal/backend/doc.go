// Package backend is the daemon's set of classifiers behind one small
// interface: a Backend labels one input tensor (the engine's CxHxW, see
// InputOf) and reports its own timing, and describes itself (name,
// device, model) for metric labels.
//
// Backends are registered by name in a Registry, the way image formats are
// registered with image.RegisterFormat. The default registry holds
//
//	sliced       the k-NN engine that the daemon serves and enrols into
//	fullcnn      a whole CNN engine file run by the Go engine on the CPU
//	openvino     the full CNN through OpenVINO (device MYRIAD for an NCS2,
//	             CPU, GPU, NPU, AUTO), see device/openvino
//	onnxruntime  the full CNN through ONNX Runtime on the CPU, see device/onnxrt
//	cuda         the full CNN on an NVIDIA GPU (a Jetson's too), see device/cuda
//
// The runtime backends take model: a full-CNN engine file (exported to
// ONNX at load) or an .onnx file; without one they run the daemon's engine
// if it is a full CNN. Adding an accelerator is a one-file change (see
// openvino.go): a file whose init calls Register with a Factory. A
// Factory that cannot run on this machine (library or device missing)
// returns an error wrapping ErrUnavailable; the daemon logs it as skipped,
// any other error as failed, and exports both as a metric.
//
// Every Backend is safe for concurrent use.
package backend
