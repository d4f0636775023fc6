package openvino

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

// EnvLibrary names the environment variable that points at libopenvino_c.
const EnvLibrary = "OPENVINO_LIB"

// ErrNotFound is wrapped by the error New returns when no library file exists.
var ErrNotFound = errors.New("openvino: libopenvino_c not found")

// ErrNoDevice is wrapped by the error New returns when OpenVINO does not see
// the device asked for (an NCS2 not plugged in, no GPU driver).
var ErrNoDevice = errors.New("openvino: device not available")

// ErrNoCgo is returned by New in a build without cgo.
var ErrNoCgo = errors.New("openvino: built without cgo; the OpenVINO shim needs a cgo build")

// Devices that New accepts, alone or with a suffix (GPU.1) or, for the
// virtual ones, a list (AUTO:GPU,CPU).
var Devices = []string{"MYRIAD", "CPU", "GPU", "NPU", "AUTO", "HETERO", "MULTI"}

// Options configure a Model. The zero value runs on the CPU with
// OpenVINO's default thread count.
type Options struct {
	Library string // path to libopenvino_c.so; empty: search (see the package doc)
	Device  string // see Devices; empty: "CPU"
	Threads int    // INFERENCE_NUM_THREADS on the CPU; 0: OpenVINO's default
}

// Candidates lists the glob patterns tried, in order, for an explicit path
// (which may be empty).
func Candidates(explicit string) []string {
	var c []string
	if explicit != "" {
		c = append(c, explicit)
	}
	if env := os.Getenv(EnvLibrary); env != "" {
		c = append(c, env)
	}
	const lib = "libopenvino_c.so*"
	c = append(c, filepath.Join(".tools", "openvino*", "openvino", "libs", lib))
	arch := map[string]string{"amd64": "intel64", "arm64": "aarch64", "arm": "armv7l"}[runtime.GOARCH]
	if arch != "" {
		c = append(c, filepath.Join("/opt/intel/openvino*/runtime/lib", arch, lib))
	}
	triplet := map[string]string{"amd64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu", "arm": "arm-linux-gnueabihf"}[runtime.GOARCH]
	if triplet != "" {
		c = append(c, filepath.Join("/usr/lib", triplet, lib))
	}
	c = append(c, filepath.Join("/usr/local/lib", lib), filepath.Join("/usr/lib", lib))
	wheel := filepath.Join("openvino", "libs", lib)
	sites := []string{"/usr/lib/python3/dist-packages", "/usr/local/lib/python3*/site-packages", "/usr/local/lib/python3*/dist-packages"}
	if home, err := os.UserHomeDir(); err == nil {
		sites = append(sites, filepath.Join(home, ".local/lib/python3*/site-packages"))
	}
	if venv := os.Getenv("VIRTUAL_ENV"); venv != "" {
		sites = append(sites, filepath.Join(venv, "lib/python3*/site-packages"))
	}
	for _, s := range sites {
		c = append(c, filepath.Join(s, wheel))
	}
	return c
}

// FindLibrary returns the first regular file that a candidate pattern
// matches (the shortest name first: the unversioned link if there is one),
// or an error wrapping ErrNotFound that names every pattern tried.
func FindLibrary(explicit string) (string, error) {
	tried := Candidates(explicit)
	for _, pat := range tried {
		matches, _ := filepath.Glob(pat)
		if len(matches) == 0 {
			matches = []string{pat} // a literal path with glob characters in it
		}
		sort.Slice(matches, func(i, j int) bool {
			if len(matches[i]) != len(matches[j]) {
				return len(matches[i]) < len(matches[j])
			}
			return matches[i] < matches[j]
		})
		for _, p := range matches {
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return p, nil
			}
		}
	}
	return "", fmt.Errorf("%w; tried %s (set %s or the backend's library path)",
		ErrNotFound, strings.Join(tried, ", "), EnvLibrary)
}

// checkDevice rejects names that are no OpenVINO device.
func checkDevice(d string) error {
	base := d
	if i := strings.IndexAny(base, ".:"); i >= 0 {
		base = base[:i]
	}
	for _, known := range Devices {
		if base == known {
			return nil
		}
	}
	return fmt.Errorf("openvino: unknown device %q (want one of %s)", d, strings.Join(Devices, ", "))
}
