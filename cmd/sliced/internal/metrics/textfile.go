package metrics

import (
	"io"
	"slices"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
)

// WriteText writes the families named (all of g's when none are) in the
// Prometheus text format: what a batch job leaves for node_exporter's
// textfile collector, which adds its own go_* and process_* metrics and
// refuses a file that repeats them, so a job names its own families. A
// named family without samples is left out.
func WriteText(w io.Writer, g prometheus.Gatherer, families ...string) error {
	mfs, err := g.Gather()
	if err != nil {
		return err
	}
	enc := expfmt.NewEncoder(w, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		if len(families) > 0 && !slices.Contains(families, mf.GetName()) {
			continue
		}
		if err := enc.Encode(mf); err != nil {
			return err
		}
	}
	return nil
}

// StageFamily is the name of StageSeconds' family, the per-backend
// latency histograms every inference path observes.
const StageFamily = "sliced_pipeline_stage_duration_seconds"
