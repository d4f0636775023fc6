package metrics

import (
	"bytes"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// WriteText writes the families named, parsed back by Prometheus' parser,
// and every family when none are.
func TestWriteText(t *testing.T) {
	reg := filled(t)
	parse := func(families ...string) map[string]bool {
		var buf bytes.Buffer
		if err := WriteText(&buf, reg, families...); err != nil {
			t.Fatal(err)
		}
		parser := expfmt.NewTextParser(model.UTF8Validation)
		fams, err := parser.TextToMetricFamilies(&buf)
		if err != nil {
			t.Fatal(err)
		}
		names := map[string]bool{}
		for n := range fams {
			names[n] = true
		}
		return names
	}
	if got := parse(StageFamily, "sliced_no_such_family"); len(got) != 1 || !got[StageFamily] {
		t.Errorf("named families: %v", got)
	}
	if got := parse(); !got[StageFamily] || !got["go_goroutines"] || !got["sliced_engine_info"] {
		t.Errorf("all families: %d of them", len(got))
	}
}
