package testbin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Package is the command the binary is built from.
const Package = "github.com/sliced-ai/sliced/cmd/sliced"

// Options say which binary.
type Options struct {
	GOARCH string // "" for this machine; "arm64" is built static (CGO_ENABLED=0)
	Tags   string // build tags, e.g. "gocv"
	Race   bool   // with the race detector
}

// envVar names the variable that holds a prebuilt binary for o, or "" for
// builds that are always made here.
func (o Options) envVar() string {
	switch {
	case o.Tags != "" || o.Race:
		return ""
	case o.GOARCH == "":
		return "SLICED_TEST_BIN"
	case o.GOARCH == "arm64":
		return "SLICED_TEST_ARM64_BIN"
	}
	return ""
}

type build struct {
	once sync.Once
	path string
	err  error
}

var (
	builds sync.Map // Options -> *build

	made struct { // the folders compile made, removed by Main
		sync.Mutex
		dirs []string
	}
)

// Main runs a test package's tests, then removes the binaries Sliced built
// for them. A package whose tests call Sliced calls it from TestMain:
//
//	func TestMain(m *testing.M) { testbin.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	made.Lock()
	for _, d := range made.dirs {
		os.RemoveAll(d)
	}
	made.dirs = nil
	made.Unlock()
	os.Exit(code)
}

// Sliced returns the path of the binary for o. It skips the test under
// -short or without a go tool, and fails it when the named prebuilt
// binary is missing or the build fails.
func Sliced(t testing.TB, o Options) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the sliced binary")
	}
	if v := o.envVar(); v != "" {
		if p := os.Getenv(v); p != "" {
			if !filepath.IsAbs(p) {
				t.Fatalf("%s=%s: want an absolute path (tests run in their package's folder)", v, p)
			}
			if st, err := os.Stat(p); err != nil || st.IsDir() {
				t.Fatalf("%s=%s: not a binary (%v)", v, p, err)
			}
			return p
		}
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool to build the daemon with")
	}
	v, _ := builds.LoadOrStore(o, &build{})
	b := v.(*build)
	b.once.Do(func() { b.path, b.err = compile(goTool, o) })
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

func compile(goTool string, o Options) (string, error) {
	dir, err := os.MkdirTemp("", "sliced-test-bin-")
	if err != nil {
		return "", err
	}
	made.Lock()
	made.dirs = append(made.dirs, dir)
	made.Unlock()
	path := filepath.Join(dir, "sliced")
	args := []string{"build", "-o", path}
	if o.Race {
		args = append(args, "-race")
	}
	if o.Tags != "" {
		args = append(args, "-tags", o.Tags)
	}
	cmd := exec.Command(goTool, append(args, Package)...)
	cmd.Env = os.Environ()
	if o.GOARCH != "" {
		cmd.Env = append(cmd.Env, "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+o.GOARCH)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return path, nil
}
