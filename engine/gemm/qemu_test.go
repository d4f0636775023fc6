package gemm

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// TestARM64UnderQEMU cross-compiles this package's tests for arm64 and runs
// them under qemu-aarch64, so the NEON kernels are checked against the
// oracle on every amd64 run. It skips, saying why, where qemu-aarch64 or
// the go command is missing (Debian: apt-get install qemu-user).
func TestARM64UnderQEMU(t *testing.T) {
	if runtime.GOARCH == "arm64" {
		t.Skip("already running on arm64")
	}
	if testing.Short() {
		t.Skip("cross-compiles and emulates: not in -short")
	}
	qemu, err := exec.LookPath("qemu-aarch64")
	if err != nil {
		t.Skip("qemu-aarch64 not found: install qemu-user to test the NEON kernels")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	bin := filepath.Join(t.TempDir(), "gemm_arm64.test")
	build := exec.Command(goCmd, "test", "-c", "-o", bin, ".")
	build.Env = append(os.Environ(), "GOARCH=arm64", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("cross-compiling for arm64: %v\n%s", err, out)
	}
	run := exec.Command(qemu, bin, "-test.short", "-test.count=1")
	out, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("arm64 tests under qemu: %v\n%s", err, out)
	}
	t.Logf("arm64 under qemu:\n%s", out)
}
