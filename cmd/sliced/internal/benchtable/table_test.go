package benchtable

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/models"
)

// The FLOP counts are the textbook ones for the paper's networks.
func TestFLOPs(t *testing.T) {
	f, err := StackFLOPs(ConvStack(models.A))
	if err != nil {
		t.Fatal(err)
	}
	// conv1: 32 filters x 9 taps x 26x26; conv2: 64 x 288 x 24x24.
	if want := 2.0 * (32*9*26*26 + 64*288*24*24); f != want {
		t.Errorf("conv stack A: %v FLOPs, want %v", f, want)
	}
	// At F(4,3)'s multiplies conv2 costs a quarter; conv1 (one channel)
	// is counted direct.
	b, _ := BoundFLOPs(ConvStack(models.A))
	if want := 2.0 * (32*9*26*26 + 64*288*24*24/4); b != want {
		t.Errorf("conv stack A bound: %v FLOPs, want %v", b, want)
	}
	e, err := Sliced(models.B)
	if err != nil {
		t.Fatal(err)
	}
	g, _ := EngineFLOPs(e)
	want := 2.0*(32*9*26*26+64*288*11*11) + 2*1600*ProtoDim + 2*Prototypes*ProtoDim
	if g != want {
		t.Errorf("sliced B: %v FLOPs, want %v", g, want)
	}
}

// A short run prints every row; a missing ONNX Runtime is named in its
// rows and the Go rows still have numbers, on one thread and on all cores.
func TestMarkdown(t *testing.T) {
	res, err := Measure(Options{PerRow: 20 * time.Millisecond, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := res.Markdown(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	t.Log("\n" + out)
	for _, r := range res.Rows {
		if !strings.Contains(out, "| "+r.Name+" |") {
			t.Errorf("no row %q", r.Name)
		}
		if strings.HasSuffix(r.Name, "(Go)") && r.P50 <= 0 {
			t.Errorf("%s: no time", r.Name)
		}
	}
	if !strings.Contains(out, "| images/s, 2 cores | speed-up |") {
		t.Errorf("no all-cores columns in the header:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "| ") || !strings.Contains(line, "(Go) |") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 10 {
			t.Errorf("%d cells, want 10: %s", len(cells), line)
			continue
		}
		if !strings.Contains(cells[1], "direct") && !strings.Contains(cells[1], "int8") {
			t.Errorf("no conv algorithm (conv1 runs direct, or int8 in its row): %s", line)
		}
		perSec, err1 := strconv.ParseFloat(strings.TrimSpace(cells[8]), 64)
		up, err2 := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(cells[9]), "x"), 64)
		if err1 != nil || err2 != nil || perSec <= 0 || up <= 0 {
			t.Errorf("all-cores cells not positive numbers: %s", line)
		}
	}
	// The same table with the runtime rows failed as when the library is
	// missing.
	for _, r := range res.Rows {
		if strings.HasSuffix(r.Name, "(ORT)") {
			r.P50, r.Err = 0, errors.New("onnxrt: libonnxruntime not found")
		}
	}
	buf.Reset()
	res.Markdown(&buf)
	if out := buf.String(); !strings.Contains(out, "| full CNN A (ORT) | missing: onnxrt: libonnxruntime not found") ||
		!strings.Contains(out, "not measured (ONNX Runtime missing)") || !strings.Contains(out, "| sliced A (Go) | ") {
		t.Errorf("table without ONNX Runtime:\n%s", out)
	}
}
