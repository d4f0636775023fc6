//go:build cgo

package openvino

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestNotOpenVINO points the shim at a library that is not OpenVINO (the C
// maths library). The process can load only one library, so the check runs
// in a child process of the test binary.
func TestNotOpenVINO(t *testing.T) {
	const lib = "/lib/x86_64-linux-gnu/libm.so.6"
	if os.Getenv("SLICED_OV_CHILD") == "1" {
		_, err := New([]byte{1}, Options{Library: lib})
		if err == nil {
			t.Fatal("libm accepted as OpenVINO")
		}
		t.Log(err)
		if !strings.Contains(err.Error(), "ov_core_create not found") || !strings.Contains(err.Error(), lib) {
			t.Fatalf("error %q does not name the missing symbol and the library", err)
		}
		return
	}
	if _, err := os.Stat(lib); err != nil {
		t.Skipf("%s not here", lib)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNotOpenVINO$", "-test.v")
	cmd.Env = append(os.Environ(), "SLICED_OV_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	t.Logf("child: %s", strings.TrimSpace(string(out)))
}
