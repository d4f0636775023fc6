package report

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sliced-ai/sliced/calibration/dataset"
)

// TestQuickReport runs the whole quick report on real MNIST and checks
// that report.md has every row with the paper's number and a measured
// one, that the cache is reused, and that the plots decode.
func TestQuickReport(t *testing.T) {
	if _, err := dataset.FindMNIST(""); err != nil {
		t.Skipf("MNIST (GoMNIST) is not in the module cache: %v", err)
	}
	if testing.Short() {
		t.Skip("runs every row of the quick report (seconds)")
	}
	dir := t.TempDir()
	var log bytes.Buffer
	opt := Options{Config: Config{Out: dir, Quick: true, Log: &log}, BudgetSweep: true, Command: "slicecal report --quick"}
	d, err := Generate(context.Background(), opt)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if len(d.Rows) != len(Specs()) {
		t.Fatalf("%d rows measured, want %d", len(d.Rows), len(Specs()))
	}
	md, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(md)
	if strings.Contains(text, "not run") {
		t.Error("report.md has rows marked not run")
	}
	for _, want := range []string{"paper params", "| 1,199,882 |", "| 18,816 |", "paper %", "measured %", "wall time", "cores",
		"Accuracy against engine size", "Quick mode"} {
		if !strings.Contains(text, want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	for _, s := range Specs() {
		r := d.Rows[s.ID()]
		if r.Accuracy <= 0.1 || r.Accuracy > 1 || r.WallSeconds <= 0 || r.Cores < 1 || r.EngineBytes <= 0 {
			t.Errorf("%s: implausible result %+v", s.ID(), r)
		}
		paper, ok := PaperAccuracy(s.Network.ID, s.Protocol.ID)
		if !ok {
			t.Fatalf("%s: no paper number", s.ID())
		}
		// Every per-protocol table line carries the paper's and our number.
		line := "| " + s.Network.Label + " | " + fmt.Sprintf("%g", paper) + " | "
		if !strings.Contains(text, line) {
			t.Errorf("report.md has no line starting %q", line)
		}
	}
	for _, name := range d.Plots {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", name, err)
		} else if b := img.Bounds(); b.Dx() < 100 || b.Dy() < 100 {
			t.Errorf("%s: %v is too small", name, b)
		}
	}
	if len(d.Plots) != len(Protocols)+2 {
		t.Errorf("plots %v, want one per protocol, size.png and budget.png", d.Plots)
	}

	// A second run takes every row from the cache.
	log.Reset()
	opt.BudgetSweep = false
	if _, err := Generate(context.Background(), opt); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(log.String(), ": cached,"); n != len(Specs()) {
		t.Errorf("second run reused %d rows, want %d:\n%s", n, len(Specs()), log.String())
	}

	// --rows with --rerun runs just the matching row again.
	log.Reset()
	opt.Rows, opt.Rerun = "^B8/4000-1000-5ep$", true
	if _, err := Generate(context.Background(), opt); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(log.String(), ": running"); n != 1 || !strings.Contains(log.String(), "B8/4000-1000-5ep: running") {
		t.Errorf("rerun of one row ran %d rows:\n%s", n, log.String())
	}
}

// A cancelled run still writes the report from the rows cached so far.
func TestCancelledRunStillWritesReport(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	d, err := Generate(ctx, Options{Config: Config{Out: dir, Quick: true}})
	if err == nil {
		t.Fatal("a cancelled run reported no error")
	}
	if d == nil || len(d.Rows) != 0 {
		t.Errorf("a run cancelled before its first row returned %v", d)
	}
	md, rerr := os.ReadFile(filepath.Join(dir, "report.md"))
	if rerr != nil {
		t.Fatalf("no report.md after cancellation: %v", rerr)
	}
	// Every row twice (summary and protocol table), every target once.
	if n, want := strings.Count(string(md), "not run"), 2*len(Specs())+len(Targets); n != want {
		t.Errorf("report.md marks %d cells not run, want %d", n, want)
	}
}
