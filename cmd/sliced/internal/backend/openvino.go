package backend

import "github.com/sliced-ai/sliced/device/openvino"

// openvino runs the full CNN with OpenVINO on Options.Device: MYRIAD (an
// NCS2), CPU, GPU, NPU or AUTO (default CPU).
func init() {
	Register("openvino", func(o Options) (Backend, error) {
		dev := o.Device
		if dev == "" {
			dev = "CPU"
		}
		return newRuntime(o, Info{Name: "openvino", Device: dev}, func(b []byte) (runner, error) {
			return openvino.New(b, openvino.Options{Device: dev})
		}, openvino.ErrNotFound, openvino.ErrNoDevice, openvino.ErrNoCgo)
	})
}
