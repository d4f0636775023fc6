package gemm

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// TestUnderQEMU cross-compiles this package's tests for the boards sliced
// runs on and runs them under qemu user-mode emulation: arm64 checks the
// NEON kernels against the oracle, 32-bit arm (Raspberry Pi OS armhf) the
// pure-Go fallback. A target skips, saying why, where its emulator or the
// go command is missing (Debian: apt-get install qemu-user).
func TestUnderQEMU(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles and emulates: not in -short")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	for _, target := range []struct{ goarch, qemu string }{
		{"arm64", "qemu-aarch64"},
		{"arm", "qemu-arm"},
	} {
		t.Run(target.goarch, func(t *testing.T) {
			if runtime.GOARCH == target.goarch {
				t.Skip("native")
			}
			qemu, err := exec.LookPath(target.qemu)
			if err != nil {
				t.Skipf("%s not found: install qemu-user to test the %s build", target.qemu, target.goarch)
			}
			bin := filepath.Join(t.TempDir(), "gemm_"+target.goarch+".test")
			build := exec.Command(goCmd, "test", "-c", "-o", bin, ".")
			build.Env = append(os.Environ(), "GOARCH="+target.goarch, "GOARM=7", "CGO_ENABLED=0")
			if out, err := build.CombinedOutput(); err != nil {
				t.Fatalf("cross-compiling: %v\n%s", err, out)
			}
			out, err := exec.Command(qemu, bin, "-test.short", "-test.count=1").CombinedOutput()
			if err != nil {
				t.Fatalf("tests under %s: %v\n%s", target.qemu, err, out)
			}
			t.Logf("%s", out)
		})
	}
}
