package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sliced-ai/sliced/models"
)

// demoLabels reads models/demo/index.tsv: file name -> true label.
func demoLabels(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open("../../models/demo/index.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.Split(sc.Text(), "\t")
		if len(parts) >= 2 {
			out[filepath.Base(parts[0])] = parts[1]
		}
	}
	return out
}

func TestClassifyDemoJSON(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"classify", "--json", "../../models/demo"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	truth := demoLabels(t)
	e, err := models.Default()
	if err != nil {
		t.Fatal(err)
	}
	k, names := e.KNN.K, e.ClassNames()
	lines, correct := 0, 0
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		var l classifyLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		if l.Path == "" || l.Label == "" || l.Score <= 0 || l.Score > 1 || l.LatencyUS <= 0 || len(l.Neighbors) != k ||
			l.Timings == nil || l.Timings.InferenceUS <= 0 {
			t.Fatalf("incomplete line %+v", l)
		}
		// The names a client reads: label the class name, index its number.
		var raw map[string]any
		json.Unmarshal(sc.Bytes(), &raw)
		nb := raw["neighbors"].([]any)[0].(map[string]any)
		if label, _ := nb["label"].(string); nb["distance"] == nil || !slices.Contains(names, label) {
			t.Fatalf("neighbor %v", nb)
		}
		switch i, _ := raw["index"].(float64); {
		case raw["known"] == true && (i < 0 || raw["label"] != names[int(i)] || raw["nearest"] != nil),
			raw["known"] == false && (i != -1 || raw["label"] != "unknown" || raw["nearest"] == nil):
			t.Fatalf("line %s", sc.Text())
		}
		lines++
		if truth[filepath.Base(l.Path)] == l.Label {
			correct++
		}
	}
	if lines != len(truth) {
		t.Fatalf("%d lines for %d demo images", lines, len(truth))
	}
	// The demo mixes MNIST digits and camera-like frames; all but a few
	// must be right.
	if correct < lines*9/10 {
		t.Fatalf("only %d of %d demo images right", correct, lines)
	}
}

func TestClassifyTextAndBadFiles(t *testing.T) {
	dir := t.TempDir()
	good, _ := os.ReadFile("../../models/demo/00-mnist-6.png")
	os.WriteFile(filepath.Join(dir, "a.png"), good, 0o644)
	os.WriteFile(filepath.Join(dir, "b.png"), []byte("not a png at all"), 0o644)
	os.WriteFile(filepath.Join(dir, "c.jpg"), good[:40], 0o644)
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"classify", dir, filepath.Join(dir, "missing.png")}, &stdout, &stderr)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	out := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(out) != 1 || !strings.HasPrefix(out[0], filepath.Join(dir, "a.png")+"\t6\t") {
		t.Fatalf("stdout %q", stdout.String())
	}
	for _, name := range []string{"b.png", "c.jpg", "missing.png"} {
		if !strings.Contains(stderr.String(), name) {
			t.Errorf("stderr does not name %s: %s", name, stderr.String())
		}
	}
	for _, views := range []string{"0", "6"} {
		stderr.Reset()
		if code := run(context.Background(), []string{"classify", "--unknown-views", views, filepath.Join(dir, "a.png")}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "--unknown-views") {
			t.Errorf("--unknown-views %s: exit %d, %s", views, code, stderr.String())
		}
	}
}

func TestInspectJSON(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"inspect", "--json"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var info engineInfo
	if err := json.Unmarshal(stdout.Bytes(), &info); err != nil {
		t.Fatal(err)
	}
	if info.Kind != "sliced" || info.ConvParams != 18816 || len(info.Classes) != 10 || slices.Contains(info.Classes, "unknown") || info.Prototypes == 0 || info.Bytes > 256<<10 {
		t.Fatalf("%+v", info)
	}
	if code := run(context.Background(), []string{"inspect", "--engine", "../../models/demo/index.tsv"}, &stdout, &stderr); code != 1 {
		t.Fatalf("a non-engine file: exit %d", code)
	}
	if code := run(context.Background(), []string{"nonsense"}, &stdout, &stderr); code != 2 {
		t.Fatalf("unknown command: exit %d", code)
	}
	// The engine may be named without --engine, flags before or after it.
	stdout.Reset()
	if code := run(context.Background(), []string{"inspect", "../../models/scene.slc", "--json"}, &stdout, &stderr); code != 0 {
		t.Fatalf("inspect FILE --json: exit %d: %s", code, stderr.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), &info); err != nil || info.File != "../../models/scene.slc" {
		t.Fatalf("inspect FILE --json: %v, %+v", err, info)
	}
	for _, args := range [][]string{{"inspect", "a.slc", "b.slc"}, {"inspect", "--engine", "scene", "a.slc"}} {
		stderr.Reset()
		if code := run(context.Background(), args, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "one engine") {
			t.Errorf("%q: exit %d, %s", args, code, stderr.String())
		}
	}
}
