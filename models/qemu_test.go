package models

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestUnderQEMU runs the label tests on arm64 under qemu-aarch64, on the
// first 500 MNIST test images: Winograd on the NEON kernels gives the
// answers of direct, and the int8 convolution (SDOT: qemu's default CPU
// has the dot product) stays within its bounds of float32. The full
// 10,000: go test -c for GOARCH=arm64 and run it without -mnist-images.
func TestUnderQEMU(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles and emulates: not in -short")
	}
	if runtime.GOARCH == "arm64" {
		t.Skip("native")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	qemu, err := exec.LookPath("qemu-aarch64")
	if err != nil {
		t.Skip("qemu-aarch64 not found: install qemu-user to test the arm64 build")
	}
	bin := filepath.Join(t.TempDir(), "models_arm64.test")
	build := exec.Command(goCmd, "test", "-c", "-o", bin, ".")
	build.Env = append(os.Environ(), "GOARCH=arm64", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("cross-compiling: %v\n%s", err, out)
	}
	out, err := exec.Command(qemu, bin, "-test.run", "^(TestWinogradSameLabels|TestInt8ConvOnMNIST)$", "-test.v", "-mnist-images", "500").CombinedOutput()
	if err != nil {
		t.Fatalf("tests under qemu-aarch64: %v\n%s", err, out)
	}
	for _, want := range []string{"--- PASS: TestWinogradSameLabels", "--- PASS: TestInt8ConvOnMNIST", "conv layers int8, int8"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("no %q under qemu:\n%s", want, out)
		}
	}
	t.Logf("%s", out)
}
