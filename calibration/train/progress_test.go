package train

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestLine(t *testing.T) {
	s := Status{Epoch: 2, Epochs: 5, Batch: 10, Batches: 20, Loss: 0.12345, Accuracy: 0.9712,
		ValAccuracy: -1, ImagesPerSec: 812.4, Remaining: 95 * time.Second}
	got := Line(s)
	want := "epoch 2/5 [==========          ] batch 10/20 loss 0.1235 acc 97.12% 812 img/s ETA 1m35s"
	if got != want {
		t.Errorf("Line =\n%q, want\n%q", got, want)
	}
	s.EpochDone, s.ValAccuracy, s.Elapsed = true, 0.98, 61*time.Second
	if got := Line(s); !strings.HasSuffix(got, "val 98.00% elapsed 1m1s") {
		t.Errorf("end of epoch: %q", got)
	}
}

func TestBarToFileWritesLines(t *testing.T) {
	var b bytes.Buffer
	bar := NewBar(&b)
	bar.Update(Status{Epoch: 1, Epochs: 1, Batch: 1, Batches: 2, ValAccuracy: -1})
	bar.Update(Status{Epoch: 1, Epochs: 1, Batch: 2, Batches: 2, ValAccuracy: -1}) // too soon: skipped
	bar.Update(Status{Epoch: 1, Epochs: 1, Batch: 2, Batches: 2, ValAccuracy: -1, EpochDone: true})
	if n := strings.Count(b.String(), "\n"); n != 2 || strings.Contains(b.String(), "\r") {
		t.Errorf("output %q: want two plain lines", b.String())
	}
}
