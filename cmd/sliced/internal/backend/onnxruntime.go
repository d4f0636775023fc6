package backend

import "github.com/sliced-ai/sliced/device/onnxrt"

// onnxruntime runs the full CNN with ONNX Runtime on the CPU.
func init() {
	Register("onnxruntime", func(o Options) (Backend, error) {
		return newRuntime(o, Info{Name: "onnxruntime", Device: "cpu"}, func(b []byte) (runner, error) {
			return onnxrt.New(b, onnxrt.Options{})
		}, onnxrt.ErrNotFound, onnxrt.ErrNoCgo)
	})
}
