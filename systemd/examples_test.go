package systemd

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sliced-ai/sliced/cmd/sliced/testbin/needs"
)

func promtool(t *testing.T, args ...string) {
	t.Helper()
	tool := needs.Tool(t, "promtool", "apt-get install prometheus")
	out, err := exec.Command(tool, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func TestPrometheusExamples(t *testing.T) {
	// check config also checks the rule files it names.
	promtool(t, "check", "config", "examples/prometheus.yml")
}

// dashboardExprs returns every PromQL expression of the Grafana dashboard.
func dashboardExprs(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("examples/grafana-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("dashboard JSON: %v", err)
	}
	var exprs []string
	for _, p := range d.Panels {
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			exprs = append(exprs, tg.Expr)
		}
	}
	return exprs
}

var metricName = regexp.MustCompile(`\b(sliced_[a-z0-9_]+)`)

// The dashboard's queries parse as PromQL (promtool checks them as recording
// rules, with the dashboard variables filled in) and use sliced's metric
// namespace.
func TestGrafanaDashboard(t *testing.T) {
	exprs := dashboardExprs(t)
	if len(exprs) < 8 {
		t.Fatalf("only %d queries", len(exprs))
	}
	var rules strings.Builder
	rules.WriteString("groups:\n  - name: dashboard\n    rules:\n")
	vars := strings.NewReplacer("$job", "sliced", "$instance", ".*")
	for i, e := range exprs {
		if !metricName.MatchString(e) {
			t.Errorf("query %q uses no sliced_ metric", e)
		}
		q, _ := json.Marshal(vars.Replace(e)) // a JSON string is a YAML string
		fmt.Fprintf(&rules, "      - record: dashboard:query%d\n        expr: %s\n", i, q)
	}
	path := filepath.Join(t.TempDir(), "dashboard-rules.yml")
	if err := os.WriteFile(path, []byte(rules.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	promtool(t, "check", "rules", path)
}

// The unknown share and its alert, evaluated by promtool on series as
// sliced exports them: a source whose frames are three quarters unknown
// fires SlicedManyUnknowns after 15 minutes; one with none has a share of
// 0 (its counter is there at 0) and fires nothing.
func TestUnknownShareRule(t *testing.T) {
	rules, err := filepath.Abs("examples/sliced-rules.yml")
	if err != nil {
		t.Fatal(err)
	}
	test := fmt.Sprintf(`rule_files: [%q]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'sliced_pipeline_frames_total{instance="pi",job="sliced",source="door",roi=""}'
        values: '0+60x40'
      - series: 'sliced_pipeline_unknown_total{instance="pi",job="sliced",source="door",roi="",backend="sliced"}'
        values: '0+45x40'
      - series: 'sliced_pipeline_frames_total{instance="pi",job="sliced",source="desk",roi=""}'
        values: '0+60x40'
      - series: 'sliced_pipeline_unknown_total{instance="pi",job="sliced",source="desk",roi="",backend="sliced"}'
        values: '0+0x40'
    promql_expr_test:
      - expr: source:sliced_unknown_share:rate5m
        eval_time: 10m
        exp_samples:
          - labels: 'source:sliced_unknown_share:rate5m{instance="pi",source="door"}'
            value: 0.75
          - labels: 'source:sliced_unknown_share:rate5m{instance="pi",source="desk"}'
            value: 0
    alert_rule_test:
      - eval_time: 10m
        alertname: SlicedManyUnknowns
      - eval_time: 30m
        alertname: SlicedManyUnknowns
        exp_alerts:
          - exp_labels: {severity: warn, instance: pi, source: door}
            exp_annotations:
              summary: "door on pi: most frames match no class (camera moved, scene changed, or a class to enrol: see /v1/candidates)"
`, rules)
	path := filepath.Join(t.TempDir(), "unknown-share-test.yml")
	if err := os.WriteFile(path, []byte(test), 0o644); err != nil {
		t.Fatal(err)
	}
	promtool(t, "test", "rules", path)
}
