package gemm

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestUnderQEMU cross-compiles this package's tests for the boards sliced
// runs on and runs them under qemu user-mode emulation: arm64 checks the
// NEON kernels (and the dot-product ones: qemu's default CPU has it)
// against the oracle, 32-bit arm (Raspberry Pi OS armhf) the pure-Go
// fallback, and amd64 on a Haswell, which has AVX2 and FMA but no
// AVX-512, the AVX2 kernels alone (an AVX-512 instruction in them would
// stop it). A target skips, saying why, where its emulator or the go
// command is missing (Debian: apt-get install qemu-user).
func TestUnderQEMU(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles and emulates: not in -short")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	for _, target := range []struct {
		name, goarch, qemu, cpu string
		ran                     []string // log lines that show the kernels ran
	}{
		{"arm64", "arm64", "qemu-aarch64", "", []string{"relu true neon:", "vector kernels here: true"}},
		{"arm", "arm", "qemu-arm", "", nil},
		{"amd64-avx2", "amd64", "qemu-x86_64", "Haswell", []string{"relu true avx2:"}},
	} {
		t.Run(target.name, func(t *testing.T) {
			if runtime.GOARCH == target.goarch && target.cpu == "" {
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
			args := []string{bin, "-test.short", "-test.count=1", "-test.v"}
			if target.cpu != "" {
				args = append([]string{"-cpu", target.cpu}, args...)
			}
			raw, err := exec.Command(qemu, args...).CombinedOutput()
			var lines []string
			for _, l := range strings.Split(string(raw), "\n") {
				// qemu names each host CPU feature it does not emulate.
				if !strings.Contains(l, "TCG doesn't support") {
					lines = append(lines, l)
				}
			}
			out := strings.Join(lines, "\n")
			if err != nil {
				t.Fatalf("tests under %s: %v\n%s", target.qemu, err, out)
			}
			for _, want := range target.ran {
				if !strings.Contains(out, want) {
					t.Errorf("no %q in the log: the vector kernels did not run", want)
				}
			}
			t.Logf("%s", out)
		})
	}
}
