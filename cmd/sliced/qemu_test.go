package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/testbin"
)

// jsonLabels reads `classify --json` output: path -> label, and the paths in
// order.
func jsonLabels(t *testing.T, out []byte) (map[string]string, []string) {
	t.Helper()
	labels := map[string]string{}
	var order []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var l struct{ Path, Label string }
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("classify --json line %q: %v", sc.Text(), err)
		}
		labels[l.Path] = l.Label
		order = append(order, l.Path)
	}
	return labels, order
}

// The static linux/arm64 build classifies the demo images under
// qemu-aarch64 with the same label for every image as this machine's build
// (run in-process).
func TestArm64UnderQEMUMatchesHost(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-builds and emulates the arm64 binary")
	}
	qemu, err := exec.LookPath("qemu-aarch64")
	if err != nil {
		t.Skip("qemu-aarch64 missing (apt-get install qemu-user): arm64 check skipped")
	}
	demo := filepath.Join("..", "..", "models", "demo")

	var host, stderr bytes.Buffer
	if code := run(context.Background(), []string{"classify", "--json", demo}, &host, &stderr); code != 0 {
		t.Fatalf("host classify: exit %d\n%s", code, stderr.String())
	}
	want, order := jsonLabels(t, host.Bytes())
	if len(want) == 0 {
		t.Fatal("host classify gave no labels")
	}

	// Only the emulated run is bounded, never the build.
	bin := testbin.Sliced(t, testbin.Options{GOARCH: "arm64"})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	start := time.Now()
	cmd := exec.CommandContext(ctx, qemu, bin, "classify", "--json", demo)
	stderr.Reset()
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("qemu-aarch64 sliced classify: %v\n%s", err, stderr.String())
	}
	got, _ := jsonLabels(t, out)
	t.Logf("arm64 under qemu: %d images in %v", len(got), time.Since(start).Round(time.Millisecond))
	if len(got) != len(want) {
		t.Errorf("arm64 labelled %d images, host %d", len(got), len(want))
	}
	for _, p := range order {
		if got[p] != want[p] {
			t.Errorf("%s: arm64 %q, host %q", p, got[p], want[p])
		}
	}
}
