package onnxrt

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// EnvLibrary names the environment variable that points at libonnxruntime.
const EnvLibrary = "ONNXRUNTIME_LIB"

// ErrNotFound is wrapped by the error New returns when no library file exists.
var ErrNotFound = errors.New("onnxrt: libonnxruntime not found")

// ErrNoCgo is returned by New in a build without cgo.
var ErrNoCgo = errors.New("onnxrt: built without cgo; ONNX Runtime needs a cgo build")

// Options configure a Model. The zero value finds the library in the usual
// places and lets ONNX Runtime pick its thread count.
type Options struct {
	Library string // path to libonnxruntime.so[.1]; empty: search (see the package doc)
	Threads int    // intra-op threads; 0: the runtime's default (all cores)
}

// Candidates lists the library paths tried, in order, for an explicit path
// (which may be empty).
func Candidates(explicit string) []string {
	var c []string
	if explicit != "" {
		c = append(c, explicit)
	}
	if env := os.Getenv(EnvLibrary); env != "" {
		c = append(c, env)
	}
	arch := map[string]string{"amd64": "x64", "arm64": "arm64"}[runtime.GOARCH]
	if arch != "" {
		npm := filepath.Join("node_modules", "onnxruntime-node", "bin", "napi-v6", "linux", arch, "libonnxruntime.so.1")
		c = append(c, npm, filepath.Join(".tools", "onnxruntime-node", npm))
	}
	triplet := map[string]string{"amd64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu", "arm": "arm-linux-gnueabihf"}[runtime.GOARCH]
	for _, dir := range []string{"/usr/local/lib", "/usr/lib/" + triplet, "/usr/lib", "/opt/onnxruntime/lib"} {
		if strings.HasSuffix(dir, "/") {
			continue
		}
		c = append(c, filepath.Join(dir, "libonnxruntime.so.1"), filepath.Join(dir, "libonnxruntime.so"))
	}
	return c
}

// FindLibrary returns the first candidate that is a regular file, or an
// error wrapping ErrNotFound that names every path tried.
func FindLibrary(explicit string) (string, error) {
	tried := Candidates(explicit)
	for _, p := range tried {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w; tried %s (set %s or the backend's library path)",
		ErrNotFound, strings.Join(tried, ", "), EnvLibrary)
}
