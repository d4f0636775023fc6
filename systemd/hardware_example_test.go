package systemd

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sliced-ai/sliced/cmd/sliced/testbin"
)

// uncomment returns the commented YAML block of sliced.yaml that starts with
// "# key:", without its comment marks, up to the first blank line.
func uncomment(t *testing.T, yaml, key string) string {
	t.Helper()
	i := strings.Index(yaml, "\n# "+key+":\n")
	if i < 0 {
		t.Fatalf("sliced.yaml has no commented %s: example", key)
	}
	var out []string
	for _, line := range strings.Split(yaml[i+1:], "\n") {
		if !strings.HasPrefix(line, "#") {
			break
		}
		out = append(out, strings.TrimPrefix(strings.TrimPrefix(line, "#"), " "))
	}
	return strings.Join(out, "\n") + "\n"
}

// The commented gpio: and power: examples of the shipped configuration are
// valid once uncommented: `sliced serve --check` accepts them.
func TestShippedHardwareExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the daemon")
	}
	data, err := os.ReadFile("sliced.yaml")
	if err != nil {
		t.Fatal(err)
	}
	yaml := string(data)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "sliced.yaml")
	extra := uncomment(t, yaml, "gpio") + uncomment(t, yaml, "power") +
		"sources: [{name: cam0, kind: device, path: /dev/video0}]\n"
	if err := os.WriteFile(cfg, []byte(extra), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := testbin.Sliced(t, testbin.Options{})
	out, err := exec.Command(bin, "serve", "--check", "--config", cfg, "--state-dir", filepath.Join(dir, "state")).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "configuration OK") {
		t.Fatalf("sliced serve --check: %v\n%s\nconfiguration:\n%s", err, out, extra)
	}
	// The check reads the keys: a typo in an example would be an error.
	bad := strings.Replace(extra, "debounce:", "debounse:", 1)
	os.WriteFile(cfg, []byte(bad), 0o644)
	if out, err := exec.Command(bin, "serve", "--check", "--config", cfg).CombinedOutput(); err == nil || !strings.Contains(string(out), "debounse") {
		t.Fatalf("a misspelt gpio key passed the check: %v\n%s", err, out)
	}
}
