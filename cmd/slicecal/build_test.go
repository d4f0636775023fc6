package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/calibration/build/buildtest"
	"github.com/sliced-ai/sliced/engine"
)

// TestMain lets a test run this test binary as slicecal itself, so that
// signals reach the real command.
func TestMain(m *testing.M) {
	if os.Getenv("SLICECAL_AS_COMMAND") == "1" {
		os.Exit(run(os.Args[1:]))
	}
	os.Exit(m.Run())
}

func shapesFolder(t *testing.T, classes, perClass int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "shapes")
	if err := buildtest.WriteFolder(dir, buildtest.Options{Classes: classes, PerClass: perClass, Size: 28, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// buildArgs is a small, quick build of folder into out.
func buildArgs(folder, out string, extra ...string) []string {
	args := []string{"build", "--folder", folder, "--out", out, "--input", "24x24x3", "--epochs", "8", "--batch", "16",
		"--hidden", "16", "--lr", "0.003", "--dims", "8,12", "--per-class", "3,5", "--learn-epochs", "3", "--quiet"}
	return append(args, extra...)
}

func TestBuildCommand(t *testing.T) {
	folder := shapesFolder(t, 3, 40)
	os.WriteFile(filepath.Join(folder, "disc", "broken.jpg"), []byte("\xff\xd8\xffnot a jpeg"), 0o644)
	dir := t.TempDir()
	out := filepath.Join(dir, "shapes.slc")
	if code := run(buildArgs(folder, out, "--mode", "whole", "--fit", "crop")); code != 0 {
		t.Fatalf("build exited %d", code)
	}
	e, err := engine.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if e.Stack.In.C != 3 || e.Stack.In.H != 24 || e.Prep.Mode != engine.PrepWhole || e.Prep.Fit != engine.FitCrop || e.KNN.Open == nil {
		t.Errorf("engine input %v, prep %+v", e.Stack.In, e.Prep)
	}
	md, err := os.ReadFile(filepath.Join(dir, "shapes.md"))
	if err != nil || !strings.Contains(string(md), "| **all** | 24 |") || !strings.Contains(string(md), "1 files skipped") {
		t.Errorf("report: %v\n%s", err, md)
	}
	if png, err := os.ReadFile(filepath.Join(dir, "shapes-confusion.png")); err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Errorf("confusion plot: %v", err)
	}
	if _, err := os.Stat(out + ".work"); !os.IsNotExist(err) {
		t.Errorf("work folder left behind: %v", err)
	}

	if code := run([]string{"eval", "--engine", out, "--folder", folder}); code != 0 {
		t.Errorf("eval of the built engine on its folder exited %d", code)
	}

	gray := filepath.Join(dir, "gray.slc")
	if code := run(buildArgs(folder, gray, "--input", "28x28x1")); code != 0 {
		t.Fatalf("gray build exited %d", code)
	}
	if e, err := engine.Load(gray); err != nil || e.Stack.In.C != 1 || e.Stack.In.W != 28 || len(e.Prep.Mean) != 1 {
		t.Errorf("gray engine: %v", err)
	}
}

func TestBuildBadInput(t *testing.T) {
	folder := shapesFolder(t, 2, 10)
	one := filepath.Join(t.TempDir(), "one")
	os.MkdirAll(filepath.Join(one, "only"), 0o755)
	os.WriteFile(filepath.Join(one, "only", "a.png"), []byte("x"), 0o644)
	empty := shapesFolder(t, 2, 10)
	os.MkdirAll(filepath.Join(empty, "nothing"), 0o755)
	for name, c := range map[string]struct {
		args []string
		code int
	}{
		"no folder":         {[]string{"build", "--out", "x.slc"}, 2},
		"bad input":         {buildArgs(folder, "OUT", "--input", "32x32"), 1},
		"four channels":     {buildArgs(folder, "OUT", "--input", "32x32x4"), 1},
		"bad fit":           {buildArgs(folder, "OUT", "--fit", "zoom"), 1},
		"digit mode":        {buildArgs(folder, "OUT", "--mode", "digit"), 1},
		"bad method":        {buildArgs(folder, "OUT", "--method", "genetic"), 1},
		"one class":         {buildArgs(one, "OUT"), 1},
		"empty class":       {buildArgs(empty, "OUT"), 1},
		"missing folder":    {buildArgs(filepath.Join(folder, "missing"), "OUT"), 1},
		"budget too small":  {buildArgs(folder, "OUT", "--budget", "2KiB"), 1},
		"shares too large":  {buildArgs(folder, "OUT", "--val", "0.5", "--test", "0.5"), 1},
		"too small to test": {buildArgs(folder, "OUT", "--input", "6x6x3"), 1},
	} {
		// Each case its own output, so no work folder of another case.
		for i, a := range c.args {
			if a == "OUT" {
				c.args[i] = filepath.Join(t.TempDir(), "x.slc")
			}
		}
		if code := run(c.args); code != c.code {
			t.Errorf("%s: exit %d, want %d", name, code, c.code)
		}
	}
}

// TestBuildResumesAfterInterrupt runs the real command, interrupts it
// with SIGINT after its second training epoch, runs it again, and checks
// that the engine is byte for byte the one an uninterrupted build writes.
func TestBuildResumesAfterInterrupt(t *testing.T) {
	folder := shapesFolder(t, 3, 40)
	dir := t.TempDir()
	straight := filepath.Join(dir, "straight.slc")
	if code := run(buildArgs(folder, straight)); code != 0 {
		t.Fatalf("build exited %d", code)
	}
	out := filepath.Join(dir, "resumed.slc")
	cmd := exec.Command(os.Args[0], buildArgs(folder, out)...)
	cmd.Env = append(os.Environ(), "SLICECAL_AS_COMMAND=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		log.WriteString(sc.Text() + "\n")
		if strings.HasPrefix(sc.Text(), "train: epoch 2/") {
			cmd.Process.Signal(syscall.SIGINT)
			break
		}
	}
	rest, _ := io.ReadAll(stderr)
	log.Write(rest)
	err = cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(log.String(), "interrupted") {
		t.Fatalf("interrupted build: %v\n%s", err, log.String())
	}
	if _, err := os.Stat(filepath.Join(out+".work", "train.ckpt")); err != nil {
		t.Fatalf("no training checkpoint after the interrupt: %v", err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("an interrupted build wrote its engine")
	}
	start := time.Now()
	if code := run(buildArgs(folder, out)); code != 0 {
		t.Fatalf("resumed build exited %d", code)
	}
	a, _ := os.ReadFile(straight)
	b, _ := os.ReadFile(out)
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("the resumed build's engine (%d bytes) differs from the straight one (%d bytes); resumed in %v", len(b), len(a), time.Since(start))
	}
}
