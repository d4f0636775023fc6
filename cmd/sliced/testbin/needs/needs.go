// Package needs decides what a test does when a tool or native library it
// checks against is missing: it skips, saying why, unless the run requires
// that tool or library, and then it fails. `make test` requires them all,
// so a check there cannot pass without running.
//
//	SLICED_REQUIRE=promtool,onnxruntime,openvino,tritonclient,mosquitto,ffmpeg,photos,perf_analyzer go test ./...
package needs

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// Env names the variable that lists, separated by commas, what a run
// requires.
const Env = "SLICED_REQUIRE"

// Known are the names Env may list: the promtool command, ONNX Runtime
// (device/onnxrt, backend onnxruntime), OpenVINO (device/openvino,
// backend openvino), Triton's Python client (the KServe v2
// conformance test of cmd/sliced/internal/api), the mosquitto broker
// with its clients (the MQTT tests of cmd/sliced/internal/events) and
// ffmpeg (the camera publishing to the RTSP tests of
// cmd/sliced/internal/source) and the photographs of the scene engine's
// tests (calibration/scenes, SLICED_PHOTOS) and Triton's perf_analyzer
// (cmd/sliced/internal/api, PERF_ANALYZER_PATH).
var Known = []string{"promtool", "onnxruntime", "openvino", "tritonclient", "mosquitto", "ffmpeg", "photos", "perf_analyzer"}

// Listed returns the names in Env.
func Listed() []string {
	var out []string
	for _, s := range strings.Split(os.Getenv(Env), ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Required reports whether Env lists what.
func Required(what string) bool { return slices.Contains(Listed(), what) }

// Missing ends t because what is not there: t.Skip with why, or, when Env
// lists what, t.Fatal.
func Missing(t testing.TB, what, why string) {
	t.Helper()
	if Required(what) {
		t.Fatalf("%s; %s=%s requires %s", why, Env, os.Getenv(Env), what)
	}
	t.Skip(why)
}

// Tool returns the path of the command name, or ends t with Missing;
// install says how to get it (e.g. "apt-get install prometheus").
func Tool(t testing.TB, name, install string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, name, fmt.Sprintf("%s not installed (%s)", name, install))
	}
	return p
}
