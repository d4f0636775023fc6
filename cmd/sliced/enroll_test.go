package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	"github.com/sliced-ai/sliced/engine"
	"github.com/sliced-ai/sliced/models"
)

// sliced runs the command line and returns its exit code and output.
func sliced(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// classifyAll is classify --json over the demo images, times dropped.
func classifyAll(t *testing.T, eng string) []classifyLine {
	t.Helper()
	code, out, errs := sliced(t, "classify", "--json", "--engine", eng, "../../models/demo")
	if code != 0 {
		t.Fatalf("classify: %d %s", code, errs)
	}
	var lines []classifyLine
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var l classifyLine
		json.Unmarshal(sc.Bytes(), &l)
		l.LatencyUS, l.Timings = 0, nil
		lines = append(lines, l)
	}
	return lines
}

func TestEnrollAddListExportImport(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "mnist.slc")
	data, err := os.ReadFile("../../models/mnist.slc")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(base, data, 0o644)
	enrolled, file, imported := filepath.Join(dir, "enrolled.slc"), filepath.Join(dir, "classes.sle"), filepath.Join(dir, "imported.slc")
	demo := "../../models/demo/"

	code, out, errs := sliced(t, "enroll", "add", "--engine", base, "--out", enrolled, "camera sevens", demo+"18-camera-7.jpg", demo+"29-camera-7.jpg")
	if code != 0 || !strings.Contains(out, `class "camera sevens": 2 examples added, 2 in all`) {
		t.Fatalf("add: %d %q %s", code, out, errs)
	}
	if got, _ := os.ReadFile(base); !bytes.Equal(got, data) {
		t.Fatal("add with --out changed the input engine")
	}
	code, out, _ = sliced(t, "enroll", "list", "--engine", enrolled)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 12 || !strings.HasPrefix(lines[0], "CLASS") ||
		!strings.Contains(lines[11], "camera sevens") || !strings.HasSuffix(lines[11], "yes") || !strings.HasSuffix(lines[1], "no") {
		t.Fatalf("list: %d\n%s", code, out)
	}

	if code, out, errs := sliced(t, "enroll", "export", "--engine", enrolled, "--out", file); code != 0 || !strings.Contains(out, "1 class(es) (camera sevens)") {
		t.Fatalf("export: %d %q %s", code, out, errs)
	}
	if code, out, errs := sliced(t, "enroll", "import", "--engine", base, "--in", file, "--out", imported); code != 0 || !strings.Contains(out, "camera sevens") {
		t.Fatalf("import: %d %q %s", code, out, errs)
	}
	// The imported engine answers exactly as the one enrolled into.
	a, b := classifyAll(t, enrolled), classifyAll(t, imported)
	if len(a) != len(demoLabels(t)) || len(a) != len(b) {
		t.Fatalf("%d and %d lines", len(a), len(b))
	}
	for i := range a {
		ja, _ := json.Marshal(a[i])
		jb, _ := json.Marshal(b[i])
		if !bytes.Equal(ja, jb) {
			t.Fatalf("enrolled %s\nimported %s", ja, jb)
		}
	}
	// Without --out, add writes the engine file itself.
	if code, _, errs := sliced(t, "enroll", "add", "--engine", imported, "sixes", demo+"00-mnist-6.png"); code != 0 {
		t.Fatalf("add in place: %s", errs)
	}
	if e, _ := engine.Load(imported); len(e.KNN.Classes) != 12 {
		t.Fatalf("in place: %v", e.KNN.Classes)
	}
}

func TestEnrollRefuses(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "mnist.slc")
	data, _ := os.ReadFile("../../models/mnist.slc")
	os.WriteFile(base, data, 0o644)
	file := filepath.Join(dir, "classes.sle")
	demo := "../../models/demo/"
	if code, _, errs := sliced(t, "enroll", "add", "--engine", base, "--out", filepath.Join(dir, "e.slc"), "A", demo+"02-mnist-7.png"); code != 0 {
		t.Fatal(errs)
	}
	if code, _, errs := sliced(t, "enroll", "export", "--engine", filepath.Join(dir, "e.slc"), "--out", file); code != 0 {
		t.Fatal(errs)
	}
	other := filepath.Join(dir, "other.slc")
	if err := engine.Save(other, fixture.Engine(models.B, 1)); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "bad.png"), []byte("not a png"), 0o644)
	corrupt, _ := os.ReadFile(file)
	corrupt[len(corrupt)-9] ^= 1
	os.WriteFile(filepath.Join(dir, "corrupt.sle"), corrupt, 0o644)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"add", "--engine", base, strings.Repeat("n", 65), demo + "02-mnist-7.png"}, 1, "1-64"},
		{[]string{"add", "--engine", base, "unknown", demo + "02-mnist-7.png"}, 1, "reserved"},
		{[]string{"add", "--engine", base, "B", demo + "02-mnist-7.png", filepath.Join(dir, "bad.png")}, 1, "bad.png"},
		{[]string{"add", "--engine", base, "B"}, 2, "usage"},
		{[]string{"add", "B", demo + "02-mnist-7.png"}, 2, "--engine is required"},
		{[]string{"import", "--engine", filepath.Join(dir, "e.slc"), "--in", file}, 1, `"A" already in the engine`},
		{[]string{"import", "--engine", other, "--in", file}, 1, "conv stack"},
		{[]string{"import", "--engine", base, "--in", filepath.Join(dir, "corrupt.sle")}, 1, "corrupt"},
		{[]string{"import", "--engine", "../../models/fullcnn-b64.slc", "--in", file}, 1, "full CNN"},
		{[]string{"export", "--engine", base}, 2, "usage"},
		{[]string{"rename"}, 2, "usage"},
	} {
		code, _, errs := sliced(t, append([]string{"enroll"}, c.args...)...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, %q; want %d naming %q", c.args, code, errs, c.code, c.want)
		}
	}
	// No refused command wrote anything.
	if got, _ := os.ReadFile(base); !bytes.Equal(got, data) {
		t.Fatal("a refused command changed the engine")
	}
	if e, _ := engine.Load(filepath.Join(dir, "e.slc")); len(e.KNN.Classes) != 11 {
		t.Fatalf("a refused import changed the engine: %v", e.KNN.Classes)
	}
}

// Enrolling into an embedded engine (the scene engine ships with no
// classes) needs --out; the written engine then knows the states.
func TestEnrollIntoTheSceneEngine(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(4, 4))
	whole := image.Rect(0, 0, 64, 48)
	write := func(c, i int) string {
		p := filepath.Join(dir, fmt.Sprintf("%s-%d.png", fixture.SceneColors[c].Name, i))
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		png.Encode(f, fixture.SceneFrame(c, 64, 48, whole, rng))
		f.Close()
		return p
	}
	red := []string{write(0, 0), write(0, 1), write(0, 2)}
	blue := []string{write(2, 0), write(2, 1), write(2, 2)}
	if code, _, errs := sliced(t, append([]string{"enroll", "add", "--engine", "scene", "red"}, red...)...); code == 0 || !strings.Contains(errs, "--out") {
		t.Fatalf("enrol into the embedded engine without --out: exit %d, %q", code, errs)
	}
	out := filepath.Join(dir, "states.slc")
	if code, _, errs := sliced(t, append([]string{"enroll", "add", "--engine", "scene", "--out", out, "red"}, red...)...); code != 0 {
		t.Fatalf("enrol red: %d %s", code, errs)
	}
	if code, _, errs := sliced(t, append([]string{"enroll", "add", "--engine", out, "blue"}, blue...)...); code != 0 {
		t.Fatalf("enrol blue: %d %s", code, errs)
	}
	code, stdout, errs := sliced(t, "classify", "--engine", out, write(0, 9), write(2, 9))
	if code != 0 {
		t.Fatalf("classify: %d %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2 || strings.Fields(lines[0])[1] != "red" || strings.Fields(lines[1])[1] != "blue" {
		t.Errorf("classify answered %q, want red then blue", stdout)
	}
}
