//go:build cgo

package cuda

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/sliced-ai/sliced/models"
)

// The loaded driver is process-wide, so the checks that must fail to load
// one run in a child process of the test binary: they then hold on a
// machine with a GPU too.
func inChild(t *testing.T, name string) bool {
	if os.Getenv("SLICED_CUDA_CHILD") == name {
		return true
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+name+"$", "-test.v")
	cmd.Env = append(os.Environ(), "SLICED_CUDA_CHILD="+name)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	t.Logf("child: %s", strings.TrimSpace(string(out)))
	return false
}

// TestNoDriver is the path every machine without an NVIDIA driver takes:
// New fails with ErrNoDriver and says which library it tried.
func TestNoDriver(t *testing.T) {
	if !inChild(t, "TestNoDriver") {
		return
	}
	e, err := models.FullCNNEngine()
	if err != nil {
		t.Fatal(err)
	}
	const missing = "/nonexistent/libcuda.so.1"
	m, err := New(&e.Stack, Options{Driver: missing})
	if err == nil {
		m.Close()
		t.Fatal("New succeeded without a driver")
	}
	t.Log(err)
	if !errors.Is(err, ErrNoDriver) || !strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), EnvDriver) {
		t.Fatalf("error %q is not ErrNoDriver naming %s and %s", err, missing, EnvDriver)
	}
	if d, _, _ := Loaded(); d != "" {
		t.Fatalf("Loaded() = %q after a failed load", d)
	}
	if _, err := Devices(Options{Driver: missing}); !errors.Is(err, ErrNoDriver) {
		t.Fatalf("Devices: %v", err)
	}
}

// TestNotADriver points the shim at a library that is not libcuda.
func TestNotADriver(t *testing.T) {
	const libm = "/lib/x86_64-linux-gnu/libm.so.6"
	if _, err := os.Stat(libm); err != nil {
		t.Skipf("%s not here", libm)
	}
	if !inChild(t, "TestNotADriver") {
		return
	}
	e, _ := models.FullCNNEngine()
	_, err := New(&e.Stack, Options{Driver: libm})
	if !errors.Is(err, ErrNoDriver) || !strings.Contains(err.Error(), "cuInit not found") {
		t.Fatalf("error %v does not name the missing symbol", err)
	}
	t.Log(err)
}

// TestNoDriverHere checks the search without any path given: on a machine
// without an NVIDIA driver it must end in ErrNoDriver, never a crash.
func TestNoDriverHere(t *testing.T) {
	if !inChild(t, "TestNoDriverHere") {
		return
	}
	t.Setenv(EnvDriver, "")
	_, err := Devices(Options{})
	if err == nil {
		t.Skip("a CUDA driver is installed here; the no-driver path is covered by TestNoDriver")
	}
	if !errors.Is(err, ErrNoDriver) && !errors.Is(err, ErrNoDevice) {
		t.Fatalf("no driver and no device, but: %v", err)
	}
	t.Log(err)
}
