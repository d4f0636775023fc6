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
