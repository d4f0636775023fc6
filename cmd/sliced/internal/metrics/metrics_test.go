package metrics

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/sliced-ai/sliced/cmd/sliced/testbin/needs"
)

// filled registers the metrics and gives every family a sample.
func filled(t *testing.T) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	m, err := New(reg)
	if err != nil {
		t.Fatal(err)
	}
	m.FrameSeconds.WithLabelValues("cam0", "", "sliced", "cpu").Observe(0.002)
	for _, st := range []string{StageCapture, StagePreprocess, StageInference, StageConv, StageKNN} {
		m.StageSeconds.WithLabelValues(st, PathPipeline, "cam0", "sliced", "cpu").Observe(0.001)
	}
	m.Frames.WithLabelValues("cam0", "").Inc()
	m.Frames.WithLabelValues("cam0", "door").Inc()
	m.Classifications.WithLabelValues("cam0", "", "sliced", "7").Inc()
	m.Classifications.WithLabelValues("cam0", "door", "sliced", "open").Inc()
	m.Unknowns.WithLabelValues("cam0", "door", "sliced").Inc()
	m.Smoothed.WithLabelValues("cam0", "door").Inc()
	m.Drops.WithLabelValues("cam0").Inc()
	m.Errors.WithLabelValues("cam0", "", "no_object").Inc()
	m.Errors.WithLabelValues("cam0", "door", "region_outside").Inc()
	m.SourceUp.WithLabelValues("cam0").Set(1)
	m.Reconnects.WithLabelValues("cam0").Inc()
	m.BackendInfo.WithLabelValues("sliced", "cpu", "mnist", "loaded").Set(1)
	m.Fallbacks.WithLabelValues("openvino").Inc()
	m.CompareSeconds.WithLabelValues("fullcnn", "cpu").Observe(0.01)
	m.CompareFrames.WithLabelValues("fullcnn").Inc()
	m.CompareAgreements.WithLabelValues("fullcnn").Inc()
	m.EngineInfo.WithLabelValues("mnist", "sliced", "A", "1", "3").Set(1)
	m.EngineReloads.WithLabelValues("ok").Inc()
	m.HTTPSeconds.WithLabelValues("classify", "POST", "200").Observe(0.003)
	m.CandidatesKept.Set(3)
	m.ages.now = func() time.Time { return time.Unix(100, 0) }
	m.FrameSeen("cam0", time.Unix(97, 0))
	return reg
}

func exposition(t *testing.T, reg *prometheus.Registry) []byte {
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func TestExpositionParses(t *testing.T) {
	text := exposition(t, filled(t))
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{
		"sliced_pipeline_frame_duration_seconds", "sliced_pipeline_stage_duration_seconds",
		"sliced_pipeline_frames_total", "sliced_pipeline_smoothed_total", "sliced_pipeline_dropped_frames_total", "sliced_source_up",
		"sliced_source_last_frame_age_seconds", "sliced_backend_info", "sliced_compare_agreements_total",
		"sliced_engine_info", "sliced_candidates_kept", "sliced_mqtt_queue_length", "go_goroutines", "process_resident_memory_bytes",
	} {
		if fams[name] == nil {
			t.Errorf("%s missing from the exposition", name)
		}
	}
	if age := fams["sliced_source_last_frame_age_seconds"].GetMetric()[0].GetGauge().GetValue(); age != 3 {
		t.Errorf("last frame age %v, want 3", age)
	}
	for name := range fams {
		if strings.HasPrefix(name, "sliced_") && !strings.HasPrefix(name, "sliced_pipeline_") &&
			!strings.HasPrefix(name, "sliced_source_") && !strings.HasPrefix(name, "sliced_backend_") &&
			!strings.HasPrefix(name, "sliced_compare_") && !strings.HasPrefix(name, "sliced_engine_") &&
			!strings.HasPrefix(name, "sliced_http_") && !strings.HasPrefix(name, "sliced_candidates_") &&
			!strings.HasPrefix(name, "sliced_mqtt_") {
			t.Errorf("%s: not in a known subsystem", name)
		}
	}
}

// TestPromtool lints the exposition with promtool (Debian package
// prometheus), as CI does; skipped without it unless SLICED_REQUIRE names it.
func TestPromtool(t *testing.T) {
	promtool := needs.Tool(t, "promtool", "apt-get install prometheus")
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = bytes.NewReader(exposition(t, filled(t)))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("promtool check metrics: %v\n%s", err, out)
	}
}
