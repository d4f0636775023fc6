package soak

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/testbin"
)

func TestMain(m *testing.M) { testbin.Main(m) }

// TestShortSoak runs the real daemon under the whole load for a few
// seconds: every kind of request is made and answered, and nothing goes
// wrong. Trends are not judged: a few seconds say nothing about them.
func TestShortSoak(t *testing.T) {
	bin := testbin.Sliced(t, testbin.Options{})
	o := Options{
		Bin: bin, Demo: filepath.Join("..", "..", "..", "..", "models", "demo"),
		Duration: 6 * time.Second, Interval: time.Second,
		Reload: 1500 * time.Millisecond, Enrol: 2 * time.Second, Stream: 2 * time.Second,
	}.Defaults()
	o.Limits.Warmup = time.Second
	rep, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	rep.Markdown(&b)
	t.Logf("report:\n%s", b.String())
	last := rep.Samples[len(rep.Samples)-1]
	// Dropped frames are not checked: the other tests keep the machine
	// busy, and they are the soak's measure, not this test's.
	for kind, n := range last.Errors {
		t.Errorf("%d errors of kind %q", n, kind)
	}
	for _, m := range rep.Messages {
		t.Log(m)
	}
	for _, op := range []string{"enrol", "remove", "reload", "stream", "scrape", "read"} {
		if rep.Ops[op] == 0 {
			t.Errorf("no %s in the run: %v", op, rep.Ops)
		}
	}
	if len(rep.Samples) < 5 || last.Frames < 60 || last.Classified < 100 || len(last.Stages) < 5 {
		t.Errorf("%d samples, %d frames, %d classifications, stages %d: want at least 5, 60, 100 and 5",
			len(rep.Samples), last.Frames, last.Classified, len(last.Stages))
	}
}
